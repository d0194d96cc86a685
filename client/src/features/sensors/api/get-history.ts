import { api } from '../../../lib/api';
import type { Bucket } from '../components/chart-data';

/**
 * `GET /sensors/:id/history?from&to&max_points`: at most `max_points` buckets with min/max/mean (raw
 * samples for short ranges, rollups for long ones). Read field by field so a raw sample (value only)
 * and a rollup bucket both become a chart bucket.
 */
export async function getHistory(sensorId: string, from: number, to: number, maxPoints: number): Promise<Bucket[]> {
  const { data } = await api.get<unknown>(`/sensors/${encodeURIComponent(sensorId)}/history`, {
    params: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), max_points: maxPoints },
  });
  const rows = Array.isArray(data) ? data : ((data as Record<string, unknown>)?.buckets ?? (data as Record<string, unknown>)?.points ?? (data as Record<string, unknown>)?.items ?? []);
  return (rows as Record<string, unknown>[]).flatMap((r) => {
    const rawT = r.timestamp ?? r.t ?? r.start ?? r.bucket_start ?? r.from;
    const t = typeof rawT === 'number' ? rawT : Date.parse(String(rawT));
    const value = typeof r.value === 'number' ? r.value : undefined;
    const mean = typeof r.mean === 'number' ? r.mean : typeof r.avg === 'number' ? r.avg : value;
    const min = typeof r.min === 'number' ? r.min : mean;
    const max = typeof r.max === 'number' ? r.max : mean;
    if (!Number.isFinite(t) || mean === undefined || min === undefined || max === undefined) return [];
    return [{ t, min, max, mean }];
  });
}
