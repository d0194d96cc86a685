import type { UpdateMeRequest, UserDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function getMe(): Promise<UserDto> {
  const { data } = await api.get<UserDto>('/auth/me');
  return data;
}

/** Your own display settings (locale, time zone); null resets one to the default. */
export async function updateMe(body: UpdateMeRequest): Promise<UserDto> {
  const { data } = await api.patch<UserDto>('/auth/me', body);
  return data;
}
