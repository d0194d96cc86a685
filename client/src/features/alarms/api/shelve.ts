import type { AlarmDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function shelveAlarm(id: string, durationMinutes: number, reason: string): Promise<AlarmDto> {
  const { data } = await api.post<AlarmDto>(`/alarms/${encodeURIComponent(id)}/shelve`, { duration_minutes: durationMinutes, reason });
  return data;
}
