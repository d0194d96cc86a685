import type { LoginRequest, TokenResponse } from '@idm/contracts';
import { api } from '../../../lib/api';
import { sessionFromTokens, setSession } from '../../../lib/session';

export async function login(body: LoginRequest): Promise<void> {
  const { data } = await api.post<TokenResponse>('/auth/login', body);
  setSession(sessionFromTokens(data));
}
