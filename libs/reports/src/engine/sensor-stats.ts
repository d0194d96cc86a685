import type { SensorStatsRow } from '@idm/contracts';
import { round } from './alarm-figures';
import type { RollupFact } from './report-input';

/**
 * Per-sensor statistics over a range from the historian's rollup buckets: count, mean and (sample) standard
 * deviation from the summed count / sum / sum of squares, exact min and max, and percentiles of the samples
 * estimated from the buckets (see `sampleQuantiles`; raw samples are not read, so a report over a month stays
 * cheap). One pass in plain arithmetic: a danfojs DataFrame group-by cost more than the rest of the report's
 * figures together (building the frame copies every bucket into columns).
 */
export function computeSensorStats(rollups: RollupFact[], sensors: Array<{ sensor_id: string; unit: string }>): SensorStatsRow[] {
  const rows = new Map<string, SensorStatsRow>();
  for (const s of sensors) rows.set(s.sensor_id, emptyRow(s.sensor_id, s.unit));
  const bySensor = new Map<string, RollupFact[]>();
  for (const r of rollups) {
    if (!(r.count > 0)) continue;
    const l = bySensor.get(r.sensor_id);
    if (l) l.push(r);
    else bySensor.set(r.sensor_id, [r]);
  }
  for (const [id, buckets] of bySensor) {
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    let min = Infinity;
    let max = -Infinity;
    let anomalous = 0;
    for (const b of buckets) {
      n += b.count;
      sum += b.sum;
      sumSq += b.sum_sq;
      if (b.min < min) min = b.min;
      if (b.max > max) max = b.max;
      anomalous += b.anomaly_count;
    }
    const mean = sum / n;
    const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
    const [p05, p50, p95] = sampleQuantiles(buckets, [0.05, 0.5, 0.95]);
    rows.set(id, {
      ...(rows.get(id) ?? emptyRow(id, '')),
      samples: n,
      mean: round6(mean),
      std: round6(Math.sqrt(variance)),
      min,
      max,
      p05: round6(p05),
      p50: round6(p50),
      p95: round6(p95),
      anomalous_samples: anomalous,
    });
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
  const k = z.length;
  // Typed arrays, and when every bucket holds as many samples (a steady sampling rate, the usual case) one
  // native numeric sort of the values alone: sorting objects with a comparator was most of a report's CPU.
  const xs = new Float64Array(used.length * k);
  const ws = new Float64Array(used.length * k);
  let sameWeight = true;
  let i = 0;
  for (const b of used) {
    const mean = b.sum / b.count;
    const sd = b.count > 1 ? Math.sqrt(Math.max(0, (b.sum_sq - b.count * mean * mean) / (b.count - 1))) : 0;
    const w = b.count / k;
    if (b.count !== used[0].count) sameWeight = false;
    for (const zk of z) {
      xs[i] = Math.min(b.max, Math.max(b.min, mean + sd * zk));
      ws[i++] = w;
    }
  }
  let x: Float64Array;
  let w: Float64Array;
  if (sameWeight) {
    x = xs.sort();
    w = ws;
  } else {
    const order = Uint32Array.from({ length: xs.length }, (_, j) => j).sort((a, b) => xs[a] - xs[b]);
    x = new Float64Array(xs.length);
    w = new Float64Array(xs.length);
    order.forEach((o, j) => {
      x[j] = xs[o];
      w[j] = ws[o];
    });
  }
  // Each point sits at the middle of its weight on the cumulative scale.
  let total = 0;
  for (let j = 0; j < w.length; j++) total += w[j];
  const mids = new Float64Array(w.length);
  let acc = 0;
  for (let j = 0; j < w.length; j++) {
    mids[j] = (acc + w[j] / 2) / total;
    acc += w[j];
  }
  const last = x.length - 1;
  return qs.map((q) => {
    if (q <= mids[0]) return x[0];
    if (q >= mids[last]) return x[last];
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (mids[mid] <= q) lo = mid;
      else hi = mid;
    }
    const f = (q - mids[lo]) / (mids[hi] - mids[lo]);
    return x[lo] + (x[hi] - x[lo]) * f;
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
