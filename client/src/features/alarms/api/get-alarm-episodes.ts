import type { AlarmDto, AnomalyEpisode, AnomalyHistoryPage } from '@idm/contracts';
import { api } from '../../../lib/api';

/**
 * The anomaly episodes behind an alarm (its `anomaly_ids`), picked from its sensor's newest episodes: they
 * belong to the alarm's current activation, so they are among the newest.
 */
export async function getAlarmEpisodes(alarm: Pick<AlarmDto, 'sensor_id' | 'anomaly_ids'>): Promise<AnomalyEpisode[]> {
  if (!alarm.sensor_id || !alarm.anomaly_ids.length) return [];
  const { data } = await api.get<AnomalyHistoryPage>('/anomalies/history', { params: { sensor_id: alarm.sensor_id, limit: 100 } });
  const ids = new Set(alarm.anomaly_ids);
  return data.items.filter((e) => ids.has(e.id));
}
