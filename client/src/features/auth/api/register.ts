import type { RegisterRequest, UserDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function register(body: RegisterRequest): Promise<UserDto> {
  const { data } = await api.post<UserDto>('/auth/register', body);
  return data;
}
