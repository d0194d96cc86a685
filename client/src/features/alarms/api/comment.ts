import type { AlarmDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function commentAlarm(id: string, text: string): Promise<AlarmDto> {
  const { data } = await api.post<AlarmDto>(`/alarms/${encodeURIComponent(id)}/comments`, { text });
  return data;
}
