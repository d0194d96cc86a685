import type { SampleQuality, SampleStatus } from '@idm/contracts';

/** A sample as the historian keeps it (timestamps in epoch ms). */
export interface StoredSample {
  sensor_id: string;
  t: number;
  v: number;
  s: SampleStatus;
  q: SampleQuality;
}

/**
 * The statistics of one rollup bucket. Sums (not means) so buckets combine exactly: mean = sum / count,
 * variance = sum_sq / count - mean².
 */
export interface Summary {
  count: number;
  sum: number;
  sum_sq: number;
  min: number;
  max: number;
  first: number;
  last: number;
  first_t: number;
  last_t: number;
  anomaly_count: number;
}

/** Summary of samples (any order); null when there are none. */
export function summarize(samples: Iterable<StoredSample>): Summary | null {
  let out: Summary | null = null;
  for (const x of samples) {
    if (!out) {
      out = { count: 1, sum: x.v, sum_sq: x.v * x.v, min: x.v, max: x.v, first: x.v, last: x.v, first_t: x.t, last_t: x.t, anomaly_count: x.s === 'anomaly' ? 1 : 0 };
      continue;
    }
    out.count++;
    out.sum += x.v;
    out.sum_sq += x.v * x.v;
    if (x.v < out.min) out.min = x.v;
    if (x.v > out.max) out.max = x.v;
    if (x.t < out.first_t) { out.first_t = x.t; out.first = x.v; }
    if (x.t >= out.last_t) { out.last_t = x.t; out.last = x.v; }
    if (x.s === 'anomaly') out.anomaly_count++;
  }
  return out;
}

/** Combines summaries of disjoint periods into one; null when there are none. */
export function combine(parts: Iterable<Summary | null | undefined>): Summary | null {
  let out: Summary | null = null;
  for (const p of parts) {
    if (!p || !p.count) continue;
    if (!out) {
      // Only the summary's own fields: a part may be a pack item whose `t` must not travel with the total.
      out = pickSummary(p as unknown as Record<string, unknown>);
      continue;
    }
    out.count += p.count;
    out.sum += p.sum;
    out.sum_sq += p.sum_sq;
    if (p.min < out.min) out.min = p.min;
    if (p.max > out.max) out.max = p.max;
    if (p.first_t < out.first_t) { out.first_t = p.first_t; out.first = p.first; }
    if (p.last_t >= out.last_t) { out.last_t = p.last_t; out.last = p.last; }
    out.anomaly_count += p.anomaly_count;
  }
  return out;
}

const SUMMARY_KEYS = ['count', 'sum', 'sum_sq', 'min', 'max', 'first', 'last', 'first_t', 'last_t', 'anomaly_count'] as const;

/** Reads a summary out of a stored document (ignores other fields). */
export function pickSummary(doc: Record<string, unknown>): Summary {
  const out = {} as Record<string, number>;
  for (const k of SUMMARY_KEYS) out[k] = Number(doc[k]);
  return out as unknown as Summary;
}
