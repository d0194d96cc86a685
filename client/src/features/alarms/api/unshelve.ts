import type { AlarmDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function unshelveAlarm(id: string): Promise<AlarmDto> {
  const { data } = await api.post<AlarmDto>(`/alarms/${encodeURIComponent(id)}/unshelve`, {});
  return data;
}
