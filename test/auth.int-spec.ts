import mongoose from 'mongoose';
import { JwtService } from '@nestjs/jwt';
import { startTestApp, TestApp, scrapeMetrics } from './support/app';
import { clearLoginThrottle, login, registerAndLogin, TEST_PASSWORD } from './support/auth';

const SECRET = 'test-secret-test-secret-test-secret-0123'; // the one startTestApp configures

interface Res {
  status: number;
  body: any;
  headers: Headers;
}

async function call(url: string, method: string, body?: unknown, token?: string, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

describe('auth: accounts, sessions and roles on the real database', () => {
  let t: TestApp;
  let admin: { access_token: string; refresh_token: string; user: { id: string } };
  let viewerId: string;

  beforeAll(async () => {
    await clearLoginThrottle('idm_test_auth');
    t = await startTestApp('idm_test_auth', { AUTH_LOGIN_MAX_ATTEMPTS: '1000', AUTH_LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  });
  afterAll(async () => t?.close());

  it('registers the first user as admin and later ones as viewers, never returning the password', async () => {
    const first = await call(`${t.url}/auth/register`, 'POST', { username: 'Alice', email: 'alice@plant.example', password: TEST_PASSWORD });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      username: 'Alice',
      email: 'alice@plant.example',
      roles: ['admin'],
      disabled: false,
      created_at: expect.any(String),
      last_login_at: null,
      locale: null,
      time_zone: null,
    });
    const second = await call(`${t.url}/auth/register`, 'POST', { username: 'victor', email: 'victor@plant.example', password: TEST_PASSWORD });
    expect(second.status).toBe(201);
    expect(second.body.roles).toEqual(['viewer']);
    viewerId = second.body.id;
    expect(JSON.stringify([first.body, second.body])).not.toMatch(/argon2|password/);
  });

  it('logs in (by username or e-mail, any case) and answers /auth/me', async () => {
    const res = await call(`${t.url}/auth/login`, 'POST', { username: 'alice', password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      refresh_expires_in: 604800,
      user: { id: expect.any(String), username: 'Alice', email: 'alice@plant.example', roles: ['admin'] },
    });
    admin = res.body;
    const me = await call(`${t.url}/auth/me`, 'GET', undefined, admin.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'Alice', roles: ['admin'], last_login_at: expect.any(String) });
    expect(JSON.stringify(me.body)).not.toMatch(/argon2|password/);

    const byEmail = await call(`${t.url}/auth/login`, 'POST', { username: 'ALICE@plant.example', password: TEST_PASSWORD });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.user.username).toBe('Alice');
  });

  it('keeps your own date-time settings (locale, time zone), validated, naming the bad field', async () => {
    const patch = (body: unknown) => call(`${t.url}/auth/me`, 'PATCH', body, admin.access_token);
    const set = await patch({ locale: 'en-US', time_zone: 'Europe/Berlin' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ username: 'Alice', locale: 'en-US', time_zone: 'Europe/Berlin' });
    expect((await call(`${t.url}/auth/me`, 'GET', undefined, admin.access_token)).body).toMatchObject({ locale: 'en-US', time_zone: 'Europe/Berlin' });
    // A field left out stays; null resets one to the default.
    expect((await patch({ time_zone: null })).body).toMatchObject({ locale: 'en-US', time_zone: null });
    for (const [body, field] of [
      [{ locale: 'en_US!' }, 'locale'],
      [{ locale: 42 }, 'locale'],
      [{ time_zone: 'Mars/Olympus' }, 'time_zone'],
      [{ time_zone: 'x'.repeat(100) }, 'time_zone'],
      [{ roles: ['admin'] }, 'roles'],
    ] as const) {
      const bad = await patch(body);
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
    }
    expect((await call(`${t.url}/auth/me`, 'GET', undefined, admin.access_token)).body).toMatchObject({ locale: 'en-US', time_zone: null });
    expect((await call(`${t.url}/auth/me`, 'PATCH', { locale: null })).status).toBe(401);
    expect((await patch({ locale: null })).body).toMatchObject({ locale: null, time_zone: null });
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const wrong = await call(`${t.url}/auth/login`, 'POST', { username: 'alice', password: 'not the password at all' });
    const unknown = await call(`${t.url}/auth/login`, 'POST', { username: 'nobody', password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'invalid username or password' });
    expect(unknown.body).toEqual(wrong.body);
  });

  it('refuses a duplicate username or e-mail with 409, also when only the case differs', async () => {
    const name = await call(`${t.url}/auth/register`, 'POST', { username: 'ALICE', email: 'other@plant.example', password: TEST_PASSWORD });
    expect(name.status).toBe(409);
    expect(name.body.details).toEqual([expect.objectContaining({ field: 'username', rule: 'unique' })]);
    const email = await call(`${t.url}/auth/register`, 'POST', { username: 'alice2', email: 'Alice@PLANT.example', password: TEST_PASSWORD });
    expect(email.status).toBe(409);
    expect(email.body.details).toEqual([expect.objectContaining({ field: 'email', rule: 'unique' })]);
    expect(email.body.message).toMatch(/email .* is already taken/);
  });

  it('keeps usernames unique under concurrent registrations (the unique index decides)', async () => {
    const attempts = await Promise.all(
      ['Racer', 'RACER', 'racer'].map((username, i) => call(`${t.url}/auth/register`, 'POST', { username, email: `racer${i}@plant.example`, password: TEST_PASSWORD })),
    );
    expect(attempts.map((a) => a.status).sort()).toEqual([201, 409, 409]);
  });

  it('refuses weak passwords with 400 naming the rule', async () => {
    const cases: Array<[string, string]> = [
      ['short-pw', 'minLength'],
      ['weakling.one', 'notUsername'],
      ['Password2025!', 'notCommon'],
      ['1234567890', 'notCommon'],
    ];
    for (const [password, rule] of cases) {
      const res = await call(`${t.url}/auth/register`, 'POST', { username: 'weakling.one', email: 'weak@plant.example', password });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'password', rule })]);
      expect(res.body.message).toMatch(/^password /);
    }
  });

  it('refuses unknown fields and wrong types with 400 naming the field', async () => {
    const extra = await call(`${t.url}/auth/register`, 'POST', { username: 'eve', email: 'eve@plant.example', password: TEST_PASSWORD, roles: ['admin'] });
    expect(extra.status).toBe(400);
    expect(extra.body.details).toEqual([expect.objectContaining({ field: 'roles', rule: 'whitelistValidation' })]);
    const wrongType = await call(`${t.url}/auth/login`, 'POST', { username: 42, password: TEST_PASSWORD });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.details[0].field).toBe('username');
    const badEmail = await call(`${t.url}/auth/register`, 'POST', { username: 'eve', email: 'not-an-email', password: TEST_PASSWORD });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.details.map((d: { field: string }) => d.field)).toEqual(['email']);
    const badRoles = await call(`${t.url}/users`, 'POST', { username: 'eve', email: 'eve@plant.example', password: TEST_PASSWORD, roles: ['root'] }, admin.access_token);
    expect(badRoles.status).toBe(400);
    expect(badRoles.body.details[0]).toMatchObject({ field: 'roles', message: expect.stringContaining('admin, supervisor, operator, viewer') });
    // An empty form: one plain line per missing field, not every rule each one fails.
    const empty = await call(`${t.url}/auth/register`, 'POST', {});
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('username is required; email is required; password is required');
  });

  it('refuses operator-injection bodies with 400 before any query runs', async () => {
    const queries: string[] = [];
    mongoose.set('debug', (collection: string, method: string) => {
      queries.push(`${collection}.${method}`);
    });
    try {
      const bodies = [
        { username: { $gt: '' }, password: { $gt: '' } },
        { username: 'alice', password: { $ne: null } },
      ];
      for (const body of bodies) {
        const res = await call(`${t.url}/auth/login`, 'POST', body);
        expect(res.status).toBe(400);
        expect(res.body.details.length).toBeGreaterThan(0);
      }
      const refresh = await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: { $regex: '.*' } });
      expect(refresh.status).toBe(400);
      expect(refresh.body.details[0].field).toBe('refresh_token');
      const byId = await call(`${t.url}/users/${encodeURIComponent('{"$gt":""}')}`, 'GET', undefined, admin.access_token);
      expect(byId.status).toBe(400);
      expect(byId.body.details[0].field).toBe('id');
      // Only the guard's `_id` lookups of the admin and their session (for /users/:id) may have run; no query with the bodies.
      expect(queries.filter((q) => !q.startsWith('users.findOne') && !q.startsWith('ended_sessions.findOne'))).toEqual([]);
      expect(queries.length).toBeLessThanOrEqual(2);
    } finally {
      mongoose.set('debug', false);
    }
  });

  it('refuses expired, tampered, foreign and unsigned tokens with 401', async () => {
    const claims = { sub: admin.user.id, username: 'Alice', roles: ['admin'], tv: 0, sid: 'x' };
    const jwt = new JwtService({ secret: SECRET });
    const expired = jwt.sign(claims, { expiresIn: -10 });
    const res = await call(`${t.url}/auth/me`, 'GET', undefined, expired);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/expired/);

    const [h, p, s] = admin.access_token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, sub: viewerId })).toString('base64url');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    const foreign = new JwtService({ secret: 'another-secret-another-secret-another' }).sign(claims);
    for (const token of [`${h}.${forged}.${s}`, `${h}.${p}.${s.slice(0, -2)}xx`, unsigned, foreign, 'garbage']) {
      const r = await call(`${t.url}/auth/me`, 'GET', undefined, token);
      expect(r.status).toBe(401);
      expect(r.body.message).toBe('access token is invalid');
    }
    const none = await call(`${t.url}/auth/me`, 'GET');
    expect(none.status).toBe(401);
    expect(none.body.message).toMatch(/^authentication required/);
  });

  it('answers 403 when a viewer calls an admin route', async () => {
    const viewer = await login(t.url, 'victor');
    const res = await call(`${t.url}/users`, 'GET', undefined, viewer.access_token);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('this needs the admin role; you are viewer');
    expect((await call(`${t.url}/users`, 'GET', undefined, admin.access_token)).status).toBe(200);
  });

  it('rotates refresh tokens and ends the whole session when an old one is reused', async () => {
    const s0 = await login(t.url, 'victor');
    const r1 = await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: s0.refresh_token });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(s0.refresh_token);
    expect((await call(`${t.url}/auth/me`, 'GET', undefined, r1.body.access_token)).status).toBe(200);
    const r2 = await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: r1.body.refresh_token });
    expect(r2.status).toBe(200);

    // The thief replays the first token: refused, and the legitimate latest token dies with the family.
    const replay = await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: s0.refresh_token });
    expect(replay.status).toBe(401);
    expect(replay.body.message).toMatch(/already used/);
    const latest = await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: r2.body.refresh_token });
    expect(latest.status).toBe(401);

    // Another session of the same user is not affected.
    const other = await login(t.url, 'victor');
    expect((await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: other.refresh_token })).status).toBe(200);
    expect((await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: 'made-up-token' })).status).toBe(401);
  });

  it('lets only one of two concurrent refreshes with the same token through', async () => {
    const s = await login(t.url, 'victor');
    const results = await Promise.all([1, 2].map(() => call(`${t.url}/auth/refresh`, 'POST', { refresh_token: s.refresh_token })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toContain(401);
    expect(statuses.filter((x) => x === 200).length).toBeLessThanOrEqual(1);
  });

  it('logs out one session, or every session and access token with all', async () => {
    const a = await login(t.url, 'victor');
    const b = await login(t.url, 'victor');
    expect((await call(`${t.url}/auth/logout`, 'POST', { refresh_token: a.refresh_token }, a.access_token)).status).toBe(204);
    expect((await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: a.refresh_token })).status).toBe(401);
    expect((await call(`${t.url}/auth/me`, 'GET', undefined, b.access_token)).status).toBe(200);

    // Without a refresh token, the session of the access token used ends.
    const c = await login(t.url, 'victor');
    expect((await call(`${t.url}/auth/logout`, 'POST', {}, c.access_token)).status).toBe(204);
    expect((await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: c.refresh_token })).status).toBe(401);
    expect((await call(`${t.url}/auth/me`, 'GET', undefined, b.access_token)).status).toBe(200);

    expect((await call(`${t.url}/auth/logout`, 'POST', { all: true }, b.access_token)).status).toBe(204);
    const after = await call(`${t.url}/auth/me`, 'GET', undefined, b.access_token);
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/session has ended/);
    expect((await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: b.refresh_token })).status).toBe(401);
  });

  it('refuses a disabled user at once (access token, refresh token, login), and takes them back when enabled', async () => {
    const v = await login(t.url, 'victor');
    const disabled = await call(`${t.url}/users/${viewerId}/disable`, 'POST', undefined, admin.access_token);
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);

    const me = await call(`${t.url}/auth/me`, 'GET', undefined, v.access_token);
    expect(me.status).toBe(401);
    expect(me.body.message).toBe('account is disabled');
    expect((await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: v.refresh_token })).status).toBe(401);
    const relog = await call(`${t.url}/auth/login`, 'POST', { username: 'victor', password: TEST_PASSWORD });
    expect(relog.status).toBe(401);
    expect(relog.body.message).toMatch(/disabled/);

    expect((await call(`${t.url}/users/${viewerId}/enable`, 'POST', undefined, admin.access_token)).status).toBe(200);
    const back = await login(t.url, 'victor');
    expect((await call(`${t.url}/auth/me`, 'GET', undefined, back.access_token)).status).toBe(200);
    // Tokens from before the disable stay dead.
    expect((await call(`${t.url}/auth/me`, 'GET', undefined, v.access_token)).status).toBe(401);
  });

  it('changes a password: checks the current one and the policy, then ends every session', async () => {
    const pw = 'first long password here';
    const u = await registerAndLogin(t.url, { username: 'pat', password: pw }, admin.access_token);
    const wrong = await call(`${t.url}/auth/password`, 'POST', { current_password: 'not it at all', new_password: 'a brand new passphrase' }, u.access_token);
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0]).toMatchObject({ field: 'current_password' });
    const weak = await call(`${t.url}/auth/password`, 'POST', { current_password: pw, new_password: 'Password2025!' }, u.access_token);
    expect(weak.status).toBe(400);
    expect(weak.body.details[0]).toMatchObject({ field: 'new_password', rule: 'notCommon' });

    const ok = await call(`${t.url}/auth/password`, 'POST', { current_password: pw, new_password: 'a brand new passphrase' }, u.access_token);
    expect(ok.status).toBe(204);
    expect((await call(`${t.url}/auth/me`, 'GET', undefined, u.access_token)).status).toBe(401);
    expect((await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: u.refresh_token })).status).toBe(401);
    expect((await call(`${t.url}/auth/login`, 'POST', { username: 'pat', password: pw })).status).toBe(401);
    expect((await call(`${t.url}/auth/login`, 'POST', { username: 'pat', password: 'a brand new passphrase' })).status).toBe(200);
  });

  it("lets an admin reset a user's password: the policy applies, every session ends, only the new one signs in", async () => {
    const pw = 'forgotten long password';
    const u = await registerAndLogin(t.url, { username: 'quinn', password: pw }, admin.access_token);
    const weak = await call(`${t.url}/users/${u.user.id}/password`, 'POST', { new_password: 'quinn' }, admin.access_token);
    expect(weak.status).toBe(400);
    expect(weak.body.details[0]).toMatchObject({ field: 'new_password' });
    expect((await call(`${t.url}/users/${u.user.id}/password`, 'POST', {}, admin.access_token)).body.details[0]).toMatchObject({ field: 'new_password' });
    // Only admins: the user themself (a viewer) cannot use it to skip the current-password check.
    expect((await call(`${t.url}/users/${u.user.id}/password`, 'POST', { new_password: 'set by myself, sneaky' }, u.access_token)).status).toBe(403);

    const ok = await call(`${t.url}/users/${u.user.id}/password`, 'POST', { new_password: 'handed over at shift start' }, admin.access_token);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: u.user.id, username: 'quinn' });
    expect(JSON.stringify(ok.body)).not.toMatch(/argon2|password/);
    expect((await call(`${t.url}/auth/me`, 'GET', undefined, u.access_token)).status).toBe(401);
    expect((await call(`${t.url}/auth/refresh`, 'POST', { refresh_token: u.refresh_token })).status).toBe(401);
    expect((await call(`${t.url}/auth/login`, 'POST', { username: 'quinn', password: pw })).status).toBe(401);
    expect((await call(`${t.url}/auth/login`, 'POST', { username: 'quinn', password: 'handed over at shift start' })).status).toBe(200);
    expect((await call(`${t.url}/users/0123456789abcdef01234567/password`, 'POST', { new_password: 'handed over at shift start' }, admin.access_token)).status).toBe(404);
  });

  it('keeps at least one active admin and applies role changes on the next request', async () => {
    const self = await call(`${t.url}/users/${admin.user.id}/roles`, 'PATCH', { roles: ['viewer'] }, admin.access_token);
    expect(self.status).toBe(409);
    expect(self.body.message).toMatch(/at least one active admin/);
    expect((await call(`${t.url}/users/${admin.user.id}/disable`, 'POST', undefined, admin.access_token)).status).toBe(409);

    const bob = await registerAndLogin(t.url, { username: 'bob', roles: ['admin'] }, admin.access_token);
    expect((await call(`${t.url}/users`, 'GET', undefined, bob.access_token)).status).toBe(200);
    const demoted = await call(`${t.url}/users/${bob.user.id}/roles`, 'PATCH', { roles: ['operator'] }, admin.access_token);
    expect(demoted.status).toBe(200);
    expect(demoted.body.roles).toEqual(['operator']);
    // Same token, new roles: the guard reads them from the user, not from the token.
    const now = await call(`${t.url}/users`, 'GET', undefined, bob.access_token);
    expect(now.status).toBe(403);
    expect(now.body.message).toBe('this needs the admin role; you are operator');

    const list = await call(`${t.url}/users`, 'GET', undefined, admin.access_token);
    expect(list.body.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['Alice', 'victor', 'bob', 'pat']));
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|password/);
    expect((await call(`${t.url}/users/0123456789abcdef01234567`, 'GET', undefined, admin.access_token)).status).toBe(404);
  });
});

describe('auth: closed registration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('idm_test_auth_closed', { AUTH_REGISTRATION: 'closed' });
  });
  afterAll(async () => t?.close());

  it('still lets the very first user in as admin, then refuses self-registration; admins add users', async () => {
    const first = await registerAndLogin(t.url, { username: 'root.admin' });
    expect(first.user.roles).toEqual(['admin']);
    const second = await call(`${t.url}/auth/register`, 'POST', { username: 'walkin', email: 'walkin@plant.example', password: TEST_PASSWORD });
    expect(second.status).toBe(403);
    expect(second.body.message).toMatch(/self-registration is closed/);
    const added = await registerAndLogin(t.url, { username: 'oscar', roles: ['operator'] }, first.access_token);
    expect(added.user.roles).toEqual(['operator']);
  });
});

describe('auth: login throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    await clearLoginThrottle('idm_test_auth_throttle');
    // The test client stands in for a proxy on loopback, so X-Forwarded-For sets the client address.
    t = await startTestApp('idm_test_auth_throttle', { AUTH_LOGIN_MAX_ATTEMPTS: '3', AUTH_LOGIN_MAX_ATTEMPTS_PER_IP: '5', AUTH_LOGIN_WINDOW_SECONDS: '60', TRUST_PROXY: 'loopback' });
    await registerAndLogin(t.url, { username: 'target' });
    await registerAndLogin(t.url, { username: 'bystander' });
  });
  afterAll(async () => t?.close());

  const attempt = (username: string, password: string, ip: string) =>
    call(`${t.url}/auth/login`, 'POST', { username, password }, undefined, { 'x-forwarded-for': ip });

  it('answers 429 with Retry-After per username, even with the right password, without blocking others', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('target', 'wrong password!', '10.0.0.1')).status).toBe(401);
    const blocked = await attempt('TARGET', TEST_PASSWORD, '10.0.0.2');
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/too many failed logins/) });
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await attempt('bystander', TEST_PASSWORD, '10.0.0.2')).status).toBe(200);
  });

  it('answers 429 per client address across usernames', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt(`ghost${i}`, 'wrong password!', '10.0.0.9')).status).toBe(401);
    const blocked = await attempt('bystander', TEST_PASSWORD, '10.0.0.9');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await attempt('bystander', TEST_PASSWORD, '10.0.0.10')).status).toBe(200);
  });

  it('counts logins by result in /metrics', async () => {
    const text = await scrapeMetrics(t.url);
    const count = (result: string) => Number(new RegExp(`^idm_auth_logins_total\\{result="${result}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    expect(count('throttled')).toBe(2);
    expect(count('bad_credentials')).toBe(8);
    expect(count('ok')).toBeGreaterThanOrEqual(4);
  });
});

describe('auth: the first user', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('idm_test_auth_first');
  });
  afterAll(async () => t?.close());

  it('makes exactly one admin when several register at once on a fresh install', async () => {
    const results = await Promise.all(
      ['ann', 'ben', 'cat'].map((u) => call(`${t.url}/auth/register`, 'POST', { username: u, email: `${u}@plant.example`, password: TEST_PASSWORD })),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(results.map((r) => r.body.roles[0]).sort()).toEqual(['admin', 'viewer', 'viewer']);
  });
});
