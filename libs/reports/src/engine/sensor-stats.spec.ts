import type { RollupFact } from './report-input';
import { computeSensorStats, normalQuantile, sampleQuantiles } from './sensor-stats';

/** Deterministic standard-normal samples (LCG + Box–Muller). */
function normals(n: number, seed = 42): number[] {
  let s = seed;
  const u = () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) + 1) / 2_147_483_649;
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

function rollupsOf(sensor_id: string, samples: number[], perBucket: number): RollupFact[] {
  const out: RollupFact[] = [];
  for (let i = 0; i < samples.length; i += perBucket) {
    const b = samples.slice(i, i + perBucket);
    out.push({ sensor_id, start: i * 1000, count: b.length, sum: b.reduce((a, x) => a + x, 0), sum_sq: b.reduce((a, x) => a + x * x, 0), min: Math.min(...b), max: Math.max(...b), anomaly_count: 0 });
  }
  return out;
}

/** NumPy's default (linear) quantile of raw samples: the truth the estimate is checked against. */
function exact(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo);
}

describe('computeSensorStats', () => {
  it('combines rollup buckets into exact mean, std, min, max and sample percentiles', () => {
    const rows = computeSensorStats(
      [
        // samples 1, 2
        { sensor_id: 's1', start: 0, count: 2, sum: 3, sum_sq: 5, min: 1, max: 2, anomaly_count: 0 },
        // samples 3, 4, 5
        { sensor_id: 's1', start: 60_000, count: 3, sum: 12, sum_sq: 50, min: 3, max: 5, anomaly_count: 2 },
      ],
      [{ sensor_id: 's1', unit: 'bar' }, { sensor_id: 's9', unit: 'degC' }],
    );
    expect(rows[0]).toMatchObject({ sensor_id: 's1', unit: 'bar', samples: 5, mean: 3, std: 1.581139, min: 1, max: 5, anomalous_samples: 2 });
    expect(rows[0].p05).toBeGreaterThanOrEqual(1);
    expect(rows[0].p05).toBeLessThan(1.5);
    expect(rows[0].p50).toBeCloseTo(3, 0);
    expect(rows[0].p95).toBeGreaterThan(4.5);
    expect(rows[0].p95).toBeLessThanOrEqual(5);
    expect(rows[1]).toMatchObject({ sensor_id: 's9', samples: 0, mean: null, std: null, p05: null });
  });

  it('reports the percentiles of the samples, not of the bucket means, for a steady noisy signal', () => {
    // 2 hours of 1 Hz N(10, 2) in 1-minute buckets: every bucket mean is close to 10.
    const samples = normals(7200).map((z) => 10 + 2 * z);
    const [row] = computeSensorStats(rollupsOf('p', samples, 60), [{ sensor_id: 'p', unit: 'bar' }]);
    expect(Math.abs(row.p05! - exact(samples, 0.05))).toBeLessThan(0.1); // 5 % of σ
    expect(Math.abs(row.p50! - exact(samples, 0.5))).toBeLessThan(0.1); // 5 % of σ
    expect(Math.abs(row.p95! - exact(samples, 0.95))).toBeLessThan(0.1); // 5 % of σ
    expect(row.p95! - row.p05!).toBeGreaterThan(6); // 2 × 1.645 × 2 ≈ 6.6
  });

  it('follows a signal whose level changes between buckets', () => {
    // Half the time near 0, half near 100 (an on/off valve position with noise).
    const z = normals(3600, 7);
    const samples = z.map((x, i) => (i < 1800 ? 0 : 100) + x);
    const [p05, p50, p95] = sampleQuantiles(rollupsOf('v', samples, 60), [0.05, 0.5, 0.95]);
    expect(p05).toBeCloseTo(exact(samples, 0.05), 0);
    expect(p95).toBeCloseTo(exact(samples, 0.95), 0);
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThan(100);
  });

  it('is exact for constant buckets and stays within each bucket min and max', () => {
    expect(sampleQuantiles([{ sensor_id: 'c', start: 0, count: 10, sum: 50, sum_sq: 250, min: 5, max: 5, anomaly_count: 0 }], [0.05, 0.95])).toEqual([5, 5]);
    const [lo, hi] = sampleQuantiles([{ sensor_id: 'c', start: 0, count: 2, sum: 1, sum_sq: 1, min: 0, max: 1, anomaly_count: 0 }], [0, 1]);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
  });

  it('weighs buckets by their sample count (a bucket of 30 samples counts three times one of 10)', () => {
    const c = (count: number, v: number) => ({ sensor_id: 'w', start: 0, count, sum: count * v, sum_sq: count * v * v, min: v, max: v, anomaly_count: 0 });
    // 10 samples at 1 and 30 at 2 (listed high first): P5 at 1, P50 and P95 at 2; equal counts put the median between.
    expect(sampleQuantiles([c(30, 2), c(10, 1)], [0.05, 0.5, 0.95])).toEqual([1, 2, 2]);
    const [, mid] = sampleQuantiles([c(10, 2), c(10, 1)], [0.05, 0.5]);
    expect(mid).toBeGreaterThan(1);
    expect(mid).toBeLessThan(2);
  });

  it('inverts the normal CDF', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644854, 5);
  });
});
