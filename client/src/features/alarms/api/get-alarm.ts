import type { AlarmDetailDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function getAlarm(id: string): Promise<AlarmDetailDto> {
  const { data } = await api.get<AlarmDetailDto>(`/alarms/${encodeURIComponent(id)}`);
  return data;
}
