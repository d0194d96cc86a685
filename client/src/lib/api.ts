import axios, { AxiosError, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';
import type { TokenResponse } from '@idm/contracts';
import { config } from '../config';
import { getSession, sessionFromTokens, setSession } from './session';

/** The one axios instance: attaches the access token and refreshes it once when the server answers 401. */
export const api = axios.create({ timeout: 20_000 });

api.interceptors.request.use((req) => {
  req.baseURL ??= config().apiBaseUrl;
  const token = getSession()?.accessToken;
  if (token && !req.headers.has('Authorization')) req.headers.set('Authorization', `Bearer ${token}`);
  return req;
});

type Retried = InternalAxiosRequestConfig & { _idmRetried?: boolean };

const NO_REFRESH = ['/auth/login', '/auth/register', '/auth/refresh'];

api.interceptors.response.use(undefined, async (error: AxiosError) => {
  const req = error.config as Retried | undefined;
  if (error.response?.status !== 401 || !req || req._idmRetried || NO_REFRESH.some((p) => req.url?.endsWith(p))) {
    throw error;
  }
  req._idmRetried = true;
  const token = await refreshAccessToken();
  req.headers.set('Authorization', `Bearer ${token}`);
  return api.request(req as AxiosRequestConfig);
});

let inFlight: Promise<string> | null = null;

/**
 * Swaps the refresh token for a new pair. Single-flight: the refresh token is single use, so when ten
 * calls get 401 at once they all wait for one refresh instead of spending the token ten times (the
 * second use would end the session). A refused refresh ends the session (the app shows the login).
 */
export function refreshAccessToken(): Promise<string> {
  inFlight ??= (async () => {
    const current = getSession();
    if (!current) throw new Error('not signed in');
    try {
      const { data } = await axios.post<TokenResponse>(`${config().apiBaseUrl}/auth/refresh`, { refresh_token: current.refreshToken }, { timeout: 20_000 });
      const next = sessionFromTokens(data);
      setSession(next);
      return next.accessToken;
    } catch (err) {
      const status = (err as AxiosError).response?.status;
      if (status === 401 || status === 400 || status === 403) setSession(null);
      throw err;
    }
  })().finally(() => {
    inFlight = null;
  });
  return inFlight;
}
