import type { AnomalyEpisode, AnomalyHistoryPage } from '@idm/contracts';
import { api } from '../../../lib/api';

/** Anomaly episodes of one sensor that overlap [from, to] (newest first, one page is plenty for a chart). */
export async function getEpisodes(sensorId: string, from: number, to: number): Promise<AnomalyEpisode[]> {
  const { data } = await api.get<AnomalyHistoryPage>('/anomalies/history', {
    params: { sensor_id: sensorId, from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit: 200 },
  });
  return data.items;
}
