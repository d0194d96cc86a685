import { api } from '../../../lib/api';

export async function acknowledgeMany(ids: string[], comment?: string): Promise<unknown> {
  const { data } = await api.post('/alarms/acknowledge', comment ? { ids, comment } : { ids });
  return data;
}
