import type { HistoryResponseDto } from '@idm/contracts';
import { api } from '../../../lib/api';
import type { PenPoint } from '../components/pens';

/** One pen's trend over [from, to]: the bucket means of `GET /sensors/:id/history` (at most `maxPoints`). */
export async function getPenHistory(sensorId: string, from: number, to: number, maxPoints: number): Promise<PenPoint[]> {
  const { data } = await api.get<HistoryResponseDto>(`/sensors/${encodeURIComponent(sensorId)}/history`, {
    params: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), max_points: maxPoints },
  });
  return data.buckets.map((b) => ({ t: b.t ?? Date.parse(b.timestamp), v: b.mean })).filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v));
}
