import type { HistoryBucketDto, HistoryResolution } from '@idm/contracts';
import { combine, Summary } from './summary';
import { floorTo, HOUR, MINUTE } from './time';

export interface HistoryPlan {
  source: HistoryResolution;
  /** Start of the first bucket (the range start rounded down to the source resolution). */
  start: number;
  bucketMs: number;
}

const RES_MS: Record<Exclude<HistoryResolution, 'raw'>, number> = { '1m': MINUTE, '1h': HOUR };

/**
 * Chooses what a chart of [from, to) at most `maxPoints` buckets is computed from: the coarsest source
 * that still gives at least half the requested points (hour rollups for months, minute rollups for days,
 * raw samples for short ranges), so a month reads 30 day-packs rather than 43 200 minute buckets. Raw
 * samples older than `rawSince` are gone (retention), so such ranges use minute rollups.
 */
export function planHistory(from: number, to: number, maxPoints: number, rawSince = -Infinity): HistoryPlan {
  const range = to - from;
  let source: HistoryResolution = 'raw';
  if (range / HOUR >= maxPoints / 2) source = '1h';
  else if (range / MINUTE >= maxPoints / 2 || from < rawSince) source = '1m';
  if (source === 'raw') {
    return { source, start: from, bucketMs: Math.max(1, Math.ceil(range / maxPoints)) };
  }
  const res = RES_MS[source];
  const start = floorTo(from, res);
  const bucketMs = Math.max(1, Math.ceil((to - start) / maxPoints / res)) * res;
  return { source, start, bucketMs };
}

/** Groups summaries (each at its start time `t`) into the plan's buckets; empty buckets are left out. */
export function toBuckets(items: Iterable<Summary & { t: number }>, plan: HistoryPlan, to: number): HistoryBucketDto[] {
  const groups = new Map<number, Summary[]>();
  for (const it of items) {
    if (it.t < plan.start || it.t >= to) continue;
    const b = plan.start + Math.floor((it.t - plan.start) / plan.bucketMs) * plan.bucketMs;
    const g = groups.get(b);
    if (g) g.push(it);
    else groups.set(b, [it]);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, parts]) => {
      const s = combine(parts) as Summary;
      return { timestamp: new Date(t).toISOString(), t, count: s.count, min: s.min, max: s.max, mean: s.sum / s.count, first: s.first, last: s.last, anomaly_count: s.anomaly_count };
    });
}
