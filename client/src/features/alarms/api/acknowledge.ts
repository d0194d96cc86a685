import type { AlarmDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function acknowledgeAlarm(id: string, comment?: string): Promise<AlarmDto> {
  const { data } = await api.post<AlarmDto>(`/alarms/${encodeURIComponent(id)}/acknowledge`, comment ? { comment } : {});
  return data;
}
