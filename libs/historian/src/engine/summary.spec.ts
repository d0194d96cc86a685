import { combine, StoredSample, summarize } from './summary';

const x = (t: number, v: number, s: 'normal' | 'anomaly' = 'normal'): StoredSample => ({ sensor_id: 'a', t, v, s, q: 'good' });

describe('summaries', () => {
  it('summarize keeps count, sums, extremes, first/last by time and anomalies', () => {
    const s = summarize([x(3, 5), x(1, -2, 'anomaly'), x(2, 9)]);
    expect(s).toEqual({ count: 3, sum: 12, sum_sq: 25 + 4 + 81, min: -2, max: 9, first: -2, last: 5, first_t: 1, last_t: 3, anomaly_count: 1 });
    expect(summarize([])).toBeNull();
  });

  it('combining summaries of parts equals summarizing the whole', () => {
    const all = Array.from({ length: 50 }, (_, i) => x(i * 7, Math.sin(i) * 10, i % 9 === 0 ? 'anomaly' : 'normal'));
    const parts = [all.slice(0, 13), all.slice(13, 40), all.slice(40)].map((p) => summarize(p));
    const whole = summarize(all) as NonNullable<ReturnType<typeof summarize>>;
    const c = combine(parts.reverse()) as typeof whole;
    expect(c.count).toBe(whole.count);
    expect(c.sum).toBeCloseTo(whole.sum, 9);
    expect(c.sum_sq).toBeCloseTo(whole.sum_sq, 9);
    expect([c.min, c.max, c.first, c.last, c.first_t, c.last_t, c.anomaly_count]).toEqual([whole.min, whole.max, whole.first, whole.last, whole.first_t, whole.last_t, whole.anomaly_count]);
    expect(combine([null, undefined])).toBeNull();
  });

  it('a combined summary carries no other field of its parts (a pack item\'s `t` once became the hour\'s)', () => {
    const item = { t: 1234, ...(summarize([x(1234, 1)]) as NonNullable<ReturnType<typeof summarize>>) };
    expect(Object.keys(combine([item]) as object)).not.toContain('t');
  });
});
