import { startTestApp, TestApp } from './support/app';
import { clearLoginThrottle, login, registerAndLogin } from './support/auth';
import { call } from './support/modbus';

const me = (t: TestApp, token: string) => call(t.url, 'GET', '/auth/me', token);
const refresh = (t: TestApp, token: string) => call(t.url, 'POST', '/auth/refresh', null, { refresh_token: token });

/** Auth attacks from outside testing (issue 17, items 9-11), on the real database and Redis. */
describe('auth hardening: a replayed refresh token or a logout ends the access tokens too', () => {
  let t: TestApp;

  beforeAll(async () => {
    await clearLoginThrottle('idm_test_auth_sessions');
    t = await startTestApp('idm_test_auth_sessions');
    await registerAndLogin(t.url, { username: 'admin.sessions' });
    await registerAndLogin(t.url, { username: 'victor.sessions' });
  });
  afterAll(async () => t?.close());

  it('ends every access token of the session at once when an old refresh token is replayed', async () => {
    const s0 = await login(t.url, 'victor.sessions');
    const r1 = await refresh(t, s0.refresh_token);
    expect(r1.status).toBe(200);
    const other = await login(t.url, 'victor.sessions');
    expect((await me(t, r1.body.access_token)).status).toBe(200);

    // The thief replays the first refresh token: the session ends, and with it the access tokens already out.
    expect((await refresh(t, s0.refresh_token)).status).toBe(401);
    for (const token of [s0.access_token, r1.body.access_token]) {
      const r = await me(t, token);
      expect(r.status).toBe(401);
      expect(r.body.message).toBe('session has ended: log in again');
    }
    // The same user's other session goes on.
    expect((await me(t, other.access_token)).status).toBe(200);
  });

  it('ends the access token of a session logged out', async () => {
    const a = await login(t.url, 'victor.sessions');
    const b = await login(t.url, 'victor.sessions');
    expect((await call(t.url, 'POST', '/auth/logout', a.access_token, {})).status).toBe(204);
    expect((await me(t, a.access_token)).status).toBe(401);
    expect((await call(t.url, 'POST', '/auth/logout', b.access_token, { refresh_token: b.refresh_token })).status).toBe(204);
    expect((await me(t, b.access_token)).status).toBe(401);
  });
});
