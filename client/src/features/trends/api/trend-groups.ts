import type { TrendGroupDto } from '@idm/contracts';
import { api } from '../../../lib/api';

/** `GET /trends/groups`: the signed-in user's saved trend groups, by name. */
export async function getTrendGroups(): Promise<TrendGroupDto[]> {
  const { data } = await api.get<TrendGroupDto[]>('/trends/groups');
  return data;
}

/** `PUT /trends/groups`: replaces the user's whole list; answers it as saved. */
export async function putTrendGroups(groups: TrendGroupDto[]): Promise<TrendGroupDto[]> {
  const { data } = await api.put<TrendGroupDto[]>('/trends/groups', { groups });
  return data;
}

/** Adds or replaces (by name) a group. */
export function upsertGroup(groups: readonly TrendGroupDto[], g: TrendGroupDto): TrendGroupDto[] {
  return [...groups.filter((x) => x.name !== g.name), g];
}
