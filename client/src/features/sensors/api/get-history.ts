import type { HistoryResponseDto } from '@idm/contracts';
import { api } from '../../../lib/api';
import type { Bucket } from '../components/chart-data';

/**
 * `GET /sensors/:id/history?from&to&max_points`: at most `max_points` buckets with min/max/mean (raw
 * samples for short ranges, rollups for long ones, chosen by the server).
 */
export async function getHistory(sensorId: string, from: number, to: number, maxPoints: number): Promise<Bucket[]> {
  const { data } = await api.get<HistoryResponseDto>(`/sensors/${encodeURIComponent(sensorId)}/history`, {
    params: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), max_points: maxPoints },
  });
  return data.buckets.map((b) => ({ t: b.t ?? Date.parse(b.timestamp), min: b.min, max: b.max, mean: b.mean }));
}
