import * as dfd from 'danfojs-node';
import type { SensorStatsRow } from '@idm/contracts';
import { round } from './alarm-figures';
import type { RollupFact } from './report-input';

/**
 * Per-sensor statistics over a range from the historian's rollup buckets, with danfojs: count, mean and
 * (sample) standard deviation from the summed count / sum / sum of squares, exact min and max, and
 * percentiles of the samples estimated from the buckets (see `sampleQuantiles`; raw samples are not read,
 * so a report over a month stays cheap).
 */
export function computeSensorStats(rollups: RollupFact[], sensors: Array<{ sensor_id: string; unit: string }>): SensorStatsRow[] {
  const rows = new Map<string, SensorStatsRow>();
  for (const s of sensors) rows.set(s.sensor_id, emptyRow(s.sensor_id, s.unit));
  const used = rollups.filter((r) => r.count > 0);
  if (used.length) {
    const df = new dfd.DataFrame(
      used.map((r) => ({ sensor_id: r.sensor_id, count: r.count, sum: r.sum, sum_sq: r.sum_sq, min: r.min, max: r.max, anomaly_count: r.anomaly_count })),
    );
    const grouped = df.groupby(['sensor_id']).agg({ count: 'sum', sum: 'sum', sum_sq: 'sum', min: 'min', max: 'max', anomaly_count: 'sum' });
    const bySensor = new Map<string, RollupFact[]>();
    for (const r of used) {
      const l = bySensor.get(r.sensor_id) ?? [];
      l.push(r);
      bySensor.set(r.sensor_id, l);
    }
    for (const g of dfd.toJSON(grouped) as Array<Record<string, number | string>>) {
      const id = String(g.sensor_id);
      const n = Number(g.count_sum);
      const mean = Number(g.sum_sum) / n;
      const variance = n > 1 ? Math.max(0, (Number(g.sum_sq_sum) - n * mean * mean) / (n - 1)) : 0;
      const [p05, p50, p95] = sampleQuantiles(bySensor.get(id) ?? [], [0.05, 0.5, 0.95]);
      rows.set(id, {
        ...(rows.get(id) ?? emptyRow(id, '')),
        samples: n,
        mean: round6(mean),
        std: round6(Math.sqrt(variance)),
        min: Number(g.min_min),
        max: Number(g.max_max),
        p05: round6(p05),
        p50: round6(p50),
        p95: round6(p95),
        anomalous_samples: Number(g.anomaly_count_sum),
      });
    }
  }
  return [...rows.values()].sort((a, b) => a.sensor_id.localeCompare(b.sensor_id));
}

/** Points that stand for the samples of all buckets of one sensor together (bounds the work per sensor). */
const POINTS_PER_SENSOR = 4000;

/**
 * Quantiles of a sensor's samples estimated from its rollup buckets. Percentiles of the bucket means would
 * lose the spread inside each bucket (a noisy but steady signal has P5 = P50 = P95 = mean), so each bucket
 * stands for its samples as a normal distribution with the bucket's mean and standard deviation (from
 * count / sum / sum of squares), clipped to the bucket's exact min and max, represented by K points at that
 * distribution's (k − ½)/K quantiles, each weighing count / K. The answer is the weighted quantile of all
 * points. Exact for a bucket of one value; close when each bucket's samples are roughly normal.
 */
export function sampleQuantiles(buckets: RollupFact[], qs: number[]): number[] {
  const used = buckets.filter((b) => b.count > 0);
  if (!used.length) return qs.map(() => NaN);
  const z = normalScores(Math.min(101, Math.max(7, Math.ceil(POINTS_PER_SENSOR / used.length))));
  const points: Array<{ x: number; w: number }> = [];
  for (const b of used) {
    const mean = b.sum / b.count;
    const sd = b.count > 1 ? Math.sqrt(Math.max(0, (b.sum_sq - b.count * mean * mean) / (b.count - 1))) : 0;
    const w = b.count / z.length;
    for (const zk of z) points.push({ x: Math.min(b.max, Math.max(b.min, mean + sd * zk)), w });
  }
  points.sort((a, b) => a.x - b.x);
  // Each point sits at the middle of its weight on the cumulative scale.
  const total = points.reduce((acc, p) => acc + p.w, 0);
  const mids: number[] = [];
  let acc = 0;
  for (const p of points) {
    mids.push((acc + p.w / 2) / total);
    acc += p.w;
  }
  return qs.map((q) => {
    if (q <= mids[0]) return points[0].x;
    if (q >= mids[mids.length - 1]) return points[points.length - 1].x;
    let lo = 0;
    let hi = mids.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (mids[mid] <= q) lo = mid;
      else hi = mid;
    }
    const f = (q - mids[lo]) / (mids[hi] - mids[lo]);
    return points[lo].x + (points[hi].x - points[lo].x) * f;
  });
}

const scoreTables = new Map<number, number[]>();

/** Standard-normal quantiles at (k − ½)/K for k = 1..K, cached per K. */
function normalScores(k: number): number[] {
  let t = scoreTables.get(k);
  if (!t) {
    t = Array.from({ length: k }, (_, i) => normalQuantile((i + 0.5) / k));
    scoreTables.set(k, t);
  }
  return t;
}

/** Inverse standard-normal CDF by bisection (only used to build the small cached tables). */
export function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function normalCdf(x: number): number {
  // Abramowitz & Stegun 7.1.26 for erf (absolute error below 1.5e-7).
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

function round6(x: number): number | null {
  return Number.isFinite(x) ? round(x, 6) : null;
}

function emptyRow(sensor_id: string, unit: string): SensorStatsRow {
  return { sensor_id, unit, samples: 0, mean: null, std: null, min: null, max: null, p05: null, p50: null, p95: null, anomalous_samples: 0 };
}
