import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { useEffect, useState } from 'react';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { initConfig } from '../config';
import { fakeApi, fakeToken } from '../test/fake-api';
import { api } from './api';
import { AuthProvider, useAuth } from './auth';
import { getSession, sessionFromTokens, setSession } from './session';

const OLD = fakeToken('olga', ['operator'], -10, 'old');
const NEW = fakeToken('olga', ['operator'], 900, 'new');

beforeEach(() => {
  initConfig({});
  setSession(sessionFromTokens({ access_token: OLD, refresh_token: 'r1', expires_in: -10 }));
});
afterEach(() => {
  cleanup();
  setSession(null);
});

/** A screen that loads three things at once, as the overview does. */
function Dashboard() {
  const { user } = useAuth();
  const [loaded, setLoaded] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all(['/sensors', '/devices', '/alarms'].map((u) => api.get<{ name: string }>(u).then((r) => r.data.name)))
      .then(setLoaded)
      .catch((e: Error) => setError(e.message));
  }, []);
  if (!user) return <p>Signed out: please sign in</p>;
  return <p>{error ? `failed: ${error}` : loaded ? `loaded ${loaded.join(', ')}` : 'loading'}</p>;
}

function server(refresh: () => { status: number; data?: unknown }) {
  return fakeApi((req) => {
    if (req.url === '/auth/refresh') return refresh();
    if (req.auth !== `Bearer ${NEW}`) return { status: 401, data: { statusCode: 401, error: 'Unauthorized', message: 'access token expired' } };
    return { status: 200, data: { name: req.url.slice(1) } };
  });
}

test('an expired access token is refreshed once for concurrent calls, and every call then succeeds', async () => {
  const calls = server(() => ({ status: 200, data: { access_token: NEW, refresh_token: 'r2', token_type: 'Bearer', expires_in: 900, refresh_expires_in: 3600 } }));
  render(
    <AuthProvider>
      <Dashboard />
    </AuthProvider>,
  );
  expect(await screen.findByText('loaded sensors, devices, alarms')).toBeInTheDocument();
  const refreshes = calls.filter((c) => c.url === '/auth/refresh');
  expect(refreshes).toHaveLength(1); // the single-use refresh token is spent once, not three times
  expect(refreshes[0].body).toEqual({ refresh_token: 'r1' });
  expect(getSession()?.refreshToken).toBe('r2');
  expect(getSession()?.user).toEqual({ id: 'id-olga', username: 'olga', roles: ['operator'] });
});

test('a refused refresh ends the session and the screen asks to sign in again', async () => {
  const calls = server(() => ({ status: 401, data: { statusCode: 401, error: 'Unauthorized', message: 'refresh token reused: session ended' } }));
  render(
    <AuthProvider>
      <Dashboard />
    </AuthProvider>,
  );
  expect(await screen.findByText('Signed out: please sign in')).toBeInTheDocument();
  await waitFor(() => expect(getSession()).toBeNull());
  expect(calls.filter((c) => c.url === '/auth/refresh')).toHaveLength(1);
});

test('a call that fails with 401 after a fresh refresh is not retried in a loop', async () => {
  const calls = fakeApi((req) =>
    req.url === '/auth/refresh'
      ? { status: 200, data: { access_token: NEW, refresh_token: 'r2', token_type: 'Bearer', expires_in: 900, refresh_expires_in: 3600 } }
      : { status: 401, data: { statusCode: 401, error: 'Unauthorized', message: 'nope' } },
  );
  await expect(api.get('/auth/me')).rejects.toThrow('401');
  expect(calls.map((c) => c.url)).toEqual(['/auth/me', '/auth/refresh', '/auth/me']);
});
