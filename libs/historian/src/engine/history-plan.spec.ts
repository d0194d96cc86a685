import { planHistory, toBuckets } from './history-plan';
import { summarize } from './summary';
import { DAY, HOUR, MINUTE } from './time';

describe('planHistory', () => {
  const t0 = Date.UTC(2026, 0, 1);
  it('draws a month from hour rollups, at most max_points buckets', () => {
    const p = planHistory(t0, t0 + 30 * DAY, 1000);
    expect(p.source).toBe('1h');
    expect(p.bucketMs).toBe(HOUR);
    expect(Math.ceil((30 * DAY) / p.bucketMs)).toBeLessThanOrEqual(1000);
    const p2 = planHistory(t0, t0 + 365 * DAY, 1000);
    expect(p2.source).toBe('1h');
    expect(Math.ceil((365 * DAY) / p2.bucketMs)).toBeLessThanOrEqual(1000);
  });

  it('draws a day from minute rollups and an hour from raw samples', () => {
    const day = planHistory(t0 + 17_000, t0 + DAY, 1000);
    expect(day.source).toBe('1m');
    expect(day.start).toBe(t0);
    expect(day.bucketMs % MINUTE).toBe(0);
    expect(Math.ceil((t0 + DAY - day.start) / day.bucketMs)).toBeLessThanOrEqual(1000);
    const hour = planHistory(t0, t0 + HOUR, 1000);
    expect(hour).toEqual({ source: 'raw', start: t0, bucketMs: 3600 });
  });

  it('falls back to minute rollups where raw samples are past retention', () => {
    expect(planHistory(t0, t0 + HOUR, 1000, t0 + 1).source).toBe('1m');
  });
});

describe('toBuckets', () => {
  it('groups summaries into buckets with min/max/mean/first/last/count', () => {
    const t0 = 1_000_000;
    const s = (t: number, v: number) => ({ t, ...(summarize([{ sensor_id: 'a', t, v, s: 'normal', q: 'good' }]) as NonNullable<ReturnType<typeof summarize>>) });
    const b = toBuckets([s(t0, 1), s(t0 + 5, 4), s(t0 + 10, 10), s(t0 + 25, 0)], { source: 'raw', start: t0, bucketMs: 10 }, t0 + 20);
    expect(b).toHaveLength(2);
    expect(b[0]).toMatchObject({ t: t0, count: 2, min: 1, max: 4, mean: 2.5, first: 1, last: 4 });
    expect(b[1]).toMatchObject({ t: t0 + 10, count: 1, mean: 10 });
  });
});
