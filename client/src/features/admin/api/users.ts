import type { CreateUserRequest, Role, UserDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function listUsers(): Promise<UserDto[]> {
  const { data } = await api.get<UserDto[]>('/users');
  return data;
}

export async function createUser(body: CreateUserRequest): Promise<UserDto> {
  const { data } = await api.post<UserDto>('/users', body);
  return data;
}

export async function setUserRoles(id: string, roles: Role[]): Promise<UserDto> {
  const { data } = await api.patch<UserDto>(`/users/${encodeURIComponent(id)}/roles`, { roles });
  return data;
}

export async function setUserDisabled(id: string, disabled: boolean): Promise<UserDto> {
  const { data } = await api.post<UserDto>(`/users/${encodeURIComponent(id)}/${disabled ? 'disable' : 'enable'}`, {});
  return data;
}

/** An admin sets a user's password; that user's sessions all end. */
export async function resetUserPassword(id: string, newPassword: string): Promise<UserDto> {
  const { data } = await api.post<UserDto>(`/users/${encodeURIComponent(id)}/password`, { new_password: newPassword });
  return data;
}
