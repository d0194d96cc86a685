import type { TagDto } from '@idm/contracts';
import { api } from './api';

/** `GET /tags`: every registered tag with its area, unit, limits and device (any signed-in role). */
export async function getTags(): Promise<TagDto[]> {
  const { data } = await api.get<TagDto[]>('/tags');
  return data;
}
