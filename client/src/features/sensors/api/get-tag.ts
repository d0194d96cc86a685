import type { TagDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function getTag(sensorId: string): Promise<TagDto> {
  const { data } = await api.get<TagDto>(`/tags/${encodeURIComponent(sensorId)}`);
  return data;
}
