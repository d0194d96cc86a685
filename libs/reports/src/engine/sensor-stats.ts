import * as dfd from 'danfojs-node';
import type { SensorStatsRow } from '@idm/contracts';
import { round } from './alarm-figures';
import type { RollupFact } from './report-input';

/**
 * Per-sensor statistics over a range from the historian's rollup buckets, with danfojs: count, mean and
 * (sample) standard deviation from the summed count / sum / sum of squares, exact min and max, and
 * percentiles of the bucket means (raw samples are not read: a report over a month stays cheap).
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
    const means = new Map<string, number[]>();
    for (const r of used) {
      const l = means.get(r.sensor_id) ?? [];
      l.push(r.sum / r.count);
      means.set(r.sensor_id, l);
    }
    for (const g of dfd.toJSON(grouped) as Array<Record<string, number | string>>) {
      const id = String(g.sensor_id);
      const n = Number(g.count_sum);
      const mean = Number(g.sum_sum) / n;
      const variance = n > 1 ? Math.max(0, (Number(g.sum_sq_sum) - n * mean * mean) / (n - 1)) : 0;
      const bucketMeans = (means.get(id) ?? []).sort((a, b) => a - b);
      rows.set(id, {
        ...(rows.get(id) ?? emptyRow(id, '')),
        samples: n,
        mean: round6(mean),
        std: round6(Math.sqrt(variance)),
        min: Number(g.min_min),
        max: Number(g.max_max),
        p05: round6(quantile(bucketMeans, 0.05)),
        p50: round6(quantile(bucketMeans, 0.5)),
        p95: round6(quantile(bucketMeans, 0.95)),
        anomalous_samples: Number(g.anomaly_count_sum),
      });
    }
  }
  return [...rows.values()].sort((a, b) => a.sensor_id.localeCompare(b.sensor_id));
}

/** Linear-interpolation quantile of sorted values (NumPy's default), q in [0, 1]. */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function round6(x: number): number | null {
  return Number.isFinite(x) ? round(x, 6) : null;
}

function emptyRow(sensor_id: string, unit: string): SensorStatsRow {
  return { sensor_id, unit, samples: 0, mean: null, std: null, min: null, max: null, p05: null, p50: null, p95: null, anomalous_samples: 0 };
}
