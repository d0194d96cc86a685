import type { TagDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function getTags(): Promise<TagDto[]> {
  const { data } = await api.get<TagDto[]>('/tags');
  return data;
}
