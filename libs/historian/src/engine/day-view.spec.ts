import { buildDayView, daysDueAView, readDayView, VIEW_DAYS, VIEW_SENSORS_PER_DOC, viewId, type Bucket } from './day-view';
import { DAY, HOUR } from './time';

describe('rollup day views', () => {
  const d0 = Date.UTC(2026, 0, 10);
  const bucket = (t: number, v: number): Bucket => ({ t, count: 3600, sum: 3600 * v, sum_sq: 3600 * v * v, min: v - 1, max: v + 1, first: v, last: v, first_t: t, last_t: t + HOUR - 1000, anomaly_count: 0 });

  it('gives a view only to days over for two hours, VIEW_DAYS of them', () => {
    expect(daysDueAView(d0 + HOUR)[0]).toBe(d0 - 2 * DAY);
    expect(daysDueAView(d0 + 2 * HOUR)[0]).toBe(d0 - DAY);
    expect(daysDueAView(d0 + 2 * HOUR)).toHaveLength(VIEW_DAYS);
    expect(viewId(d0, 2)).toBe(`000${d0}|2`);
  });

  it('keeps every sensor\'s buckets exactly, over as many documents as it takes, NaN and infinities by name', () => {
    const packs: Array<[string, Bucket[]]> = Array.from({ length: VIEW_SENSORS_PER_DOC * 2 + 3 }, (_, s) => [`s${s}`, Array.from({ length: 24 }, (_, h) => bucket(d0 + h * HOUR, s + h / 7))]);
    packs[1][1][5] = { ...packs[1][1][5], sum_sq: Infinity, max: NaN, min: -Infinity };
    const docs = buildDayView(d0, packs, packs.length + 4);
    expect(docs.map((d) => [d._id, d.docs, d.total, d.sensors.length])).toEqual([
      [viewId(d0, 0), 3, packs.length + 4, VIEW_SENSORS_PER_DOC],
      [viewId(d0, 1), 3, packs.length + 4, VIEW_SENSORS_PER_DOC],
      [viewId(d0, 2), 3, packs.length + 4, 3],
    ]);
    const back = readDayView(JSON.parse(JSON.stringify(docs)));
    expect([...back.keys()]).toEqual(packs.map(([s]) => s));
    for (const [s, b] of packs) expect(back.get(s)).toEqual(b);
    expect(back.get('s1')![5]).toMatchObject({ sum_sq: Infinity, min: -Infinity });
    expect(back.get('s1')![5].max).toBeNaN();
  });

  it('writes a view of no sensors as one document', () => {
    const docs = buildDayView(d0, [], 0);
    expect(docs).toHaveLength(1);
    expect(readDayView(docs).size).toBe(0);
  });
});
