import type { HistoryResponseDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export interface TrendPoint {
  t: number;
  mean: number | null;
}

/** `GET /sensors/:id/history`: one sensor's mean per bucket over [from, to] (at most `maxPoints`). */
export async function getSensorTrend(sensorId: string, from: number, to: number, maxPoints: number): Promise<TrendPoint[]> {
  const { data } = await api.get<HistoryResponseDto>(`/sensors/${encodeURIComponent(sensorId)}/history`, {
    params: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), max_points: maxPoints },
  });
  return data.buckets.map((b) => ({ t: b.t ?? Date.parse(b.timestamp), mean: b.mean }));
}
