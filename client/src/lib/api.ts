import axios, { AxiosError, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';
import type { TokenResponse } from '@idm/contracts';
import { config } from '../config';
import { getSession, sessionFromTokens, setSession, withRenewLock, type Session } from './session';

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
 * second use would end the session). Across tabs the same holds through the renew lock: a tab that gets the
 * lock after another tab renewed takes that tab's new pair. A refused refresh ends the session (the app
 * shows the login, in every tab).
 */
export function refreshAccessToken(): Promise<string> {
  const stale = getSession()?.accessToken;
  inFlight ??= withRenewLock(async (current) => {
    if (!current) throw new Error('not signed in');
    // Another tab renewed while this one waited for the lock: its token is the new one.
    if (current.accessToken !== stale && current.expiresAt > Date.now() + 5_000) return current.accessToken;
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
  }).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/**
 * Ends a session on the server (its refresh token family and access token). Called after the session was
 * dropped in every tab, so no tab renews it meanwhile; an access token about to run out is renewed first
 * (no other tab holds the pair any more), since the server wants one to sign out.
 */
export async function endSession(s: Session): Promise<void> {
  const base = config().apiBaseUrl;
  let { accessToken, refreshToken } = s;
  if (s.expiresAt < Date.now() + 5_000) {
    const { data } = await axios.post<TokenResponse>(`${base}/auth/refresh`, { refresh_token: refreshToken }, { timeout: 20_000 });
    ({ access_token: accessToken, refresh_token: refreshToken } = data);
  }
  await axios.post(`${base}/auth/logout`, { refresh_token: refreshToken }, { headers: { Authorization: `Bearer ${accessToken}` }, timeout: 20_000 });
}
