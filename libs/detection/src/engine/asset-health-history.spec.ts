import { AssetHealthHistory, HEALTH_BUCKET_MS, HEALTH_HOUR_MS, mergeHealthHours } from './asset-health-history';

describe('asset health history', () => {
  const h0 = 1_700_000_000_000 - (1_700_000_000_000 % HEALTH_HOUR_MS);

  it('keeps the highest ratio scored in each bucket, and the last state; training and missing carry no ratio', () => {
    const h = new AssetHealthHistory();
    h.add(h0 + 1000, 'training', null);
    h.add(h0 + HEALTH_BUCKET_MS, 'scored', 0.4);
    h.add(h0 + HEALTH_BUCKET_MS + 3000, 'scored', 2.5);
    h.add(h0 + HEALTH_BUCKET_MS + 6000, 'scored', 0.7);
    h.add(h0 + 2 * HEALTH_BUCKET_MS, 'missing', 9);
    expect(h.recent()).toEqual([
      {
        hour: h0,
        points: [
          { t: h0, ratio: null, state: 'training' },
          { t: h0 + HEALTH_BUCKET_MS, ratio: 2.5, state: 'scored' },
          { t: h0 + 2 * HEALTH_BUCKET_MS, ratio: null, state: 'missing' },
        ],
      },
    ]);
  });

  it('hands over each changed hour once to be saved, and keeps only the newest two hours in memory', () => {
    const h = new AssetHealthHistory();
    h.add(h0 + 5, 'scored', 1);
    h.add(h0 + HEALTH_HOUR_MS + 5, 'scored', 1);
    expect(h.takeUnsaved().map((x) => x.hour)).toEqual([h0, h0 + HEALTH_HOUR_MS]);
    expect(h.takeUnsaved()).toEqual([]);
    h.add(h0 + 2 * HEALTH_HOUR_MS + 5, 'scored', 3);
    const saved = h.takeUnsaved();
    expect(saved.map((x) => x.hour)).toEqual([h0 + 2 * HEALTH_HOUR_MS]);
    expect(h.recent().map((x) => x.hour)).toEqual([h0 + HEALTH_HOUR_MS, h0 + 2 * HEALTH_HOUR_MS]);
    h.retry(saved);
    expect(h.takeUnsaved().map((x) => x.hour)).toEqual([h0 + 2 * HEALTH_HOUR_MS]);
  });

  it('takes in a stored hour it did not hold (after a restart), keeping its own points where both have one', () => {
    const h = new AssetHealthHistory();
    h.add(h0 + 2 * HEALTH_BUCKET_MS, 'scored', 5);
    h.add(h0 + HEALTH_HOUR_MS, 'scored', 6);
    expect(h.unseeded()).toEqual([h0, h0 + HEALTH_HOUR_MS]);
    h.seed({ hour: h0, points: [{ t: h0, ratio: 1, state: 'scored' }, { t: h0 + 2 * HEALTH_BUCKET_MS, ratio: 9, state: 'scored' }, { t: h0 + 3 * HEALTH_BUCKET_MS, ratio: 2, state: 'scored' }] });
    expect(h.unseeded()).toEqual([h0 + HEALTH_HOUR_MS]);
    expect(h.recent()[0].points.map((p) => p.ratio)).toEqual([1, 5, 2]);
  });

  it('merges stored and in-memory hours (memory wins) within the range', () => {
    const p = (t: number, ratio: number) => ({ t, ratio, state: 'scored' as const });
    const stored = [{ hour: h0, points: [p(h0, 1), p(h0 + HEALTH_BUCKET_MS, 2)] }, { hour: h0 + HEALTH_HOUR_MS, points: [p(h0 + HEALTH_HOUR_MS, 3)] }];
    const memory = [{ hour: h0 + HEALTH_HOUR_MS, points: [p(h0 + HEALTH_HOUR_MS, 3), p(h0 + HEALTH_HOUR_MS + HEALTH_BUCKET_MS, 4)] }];
    expect(mergeHealthHours(stored, memory, h0 + 5000, h0 + HEALTH_HOUR_MS + HEALTH_BUCKET_MS).map((x) => x.ratio)).toEqual([1, 2, 3, 4]);
    // A bucket in both: memory's (newer) value.
    expect(mergeHealthHours(stored, [{ hour: h0, points: [p(h0 + HEALTH_BUCKET_MS, 7)] }], h0, h0 + HEALTH_BUCKET_MS).map((x) => x.ratio)).toEqual([1, 7]);
    expect(mergeHealthHours(stored, memory, h0 + HEALTH_BUCKET_MS, h0 + HEALTH_BUCKET_MS).map((x) => x.ratio)).toEqual([2]);
  });
});
