/**
 * Helpers for integration tests of protected routes:
 *
 *   const admin = await registerAndLogin(t.url, { username: 'alice' });            // first user: admin
 *   const op = await registerAndLogin(t.url, { username: 'oscar', roles: ['operator'] }, admin.access_token);
 *   await fetch(`${t.url}/alarms/x/ack`, { method: 'POST', headers: authHeader(op.access_token) });
 *
 * Each test database starts empty, so the first user registered there becomes admin.
 */
import Redis from 'ioredis';
import type { Role, TokenResponse } from '@idm/contracts';
import { serviceEnv } from './services';

/** A password that passes IDM's policy. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** `Authorization` (+ JSON content type) headers for fetch. */
export function authHeader(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

async function post(url: string, body: unknown, token?: string): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: token ? authHeader(token) : { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = res.status === 204 ? undefined : await res.json();
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Logs a user in; returns the token response (access_token, refresh_token, user). */
export function login(baseUrl: string, username: string, password = TEST_PASSWORD): Promise<TokenResponse> {
  return post(`${baseUrl}/auth/login`, { username, password });
}

/**
 * Creates a user and logs them in. Without `adminToken` the user self-registers (the first user of a
 * database becomes admin, later ones viewers); with it, an admin adds the user with `roles` (default viewer).
 */
export async function registerAndLogin(
  baseUrl: string,
  user: { username: string; roles?: Role[]; email?: string; password?: string },
  adminToken?: string,
): Promise<TokenResponse> {
  const password = user.password ?? TEST_PASSWORD;
  const email = user.email ?? `${user.username}@plant.example`;
  if (adminToken) {
    await post(`${baseUrl}/users`, { username: user.username, email, password, roles: user.roles ?? ['viewer'] }, adminToken);
  } else {
    const created = await post(`${baseUrl}/auth/register`, { username: user.username, email, password });
    if (user.roles && user.roles.join() !== created.roles.join()) {
      throw new Error(`registerAndLogin: ${user.username} became ${created.roles.join()}, not ${user.roles.join()}; pass an admin token to choose roles`);
    }
  }
  return login(baseUrl, user.username, password);
}

/** An admin plus one user per role, logged in: `tokens.operator` etc. are access tokens. */
export async function loginAllRoles(baseUrl: string): Promise<Record<Role, string>> {
  const admin = await registerAndLogin(baseUrl, { username: 'admin.test' });
  const out: Record<string, string> = { admin: admin.access_token };
  for (const role of ['supervisor', 'operator', 'viewer'] as const) {
    out[role] = (await registerAndLogin(baseUrl, { username: `${role}.test`, roles: [role] }, admin.access_token)).access_token;
  }
  return out as Record<Role, string>;
}

/** Forgets the failed-login counters of a test database (Redis outlives the dropped database between runs). */
export async function clearLoginThrottle(db: string): Promise<void> {
  const redis = new Redis(serviceEnv().REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`idm:${db}:login:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
