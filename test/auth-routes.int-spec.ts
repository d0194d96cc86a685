import { GUARDS_METADATA } from '@nestjs/common/constants';
import { DiscoveryService } from '@nestjs/core';
import { GATEWAY_METADATA } from '@nestjs/websockets/constants';
import { WsAuthGuard } from '@idm/auth';
import { startTestApp, TEST_METRICS_TOKEN, TestApp } from './support/app';
import { registerAndLogin } from './support/auth';

/** The only routes reachable without a token (the docs, /docs and /docs-json, are not Nest routes). */
const PUBLIC = ['POST /auth/login', 'POST /auth/register', 'POST /auth/refresh', 'GET /health', 'GET /health/writer'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const SOME_ID = '0123456789abcdef01234567';

interface Operation {
  key: string;
  method: string;
  path: string;
  op: Record<string, any>;
}

function operations(doc: { paths: Record<string, Record<string, any>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      if (item[method]) out.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, op: item[method] });
    }
  }
  return out;
}

/** A concrete URL for a documented path: every `{param}` gets a well-formed id. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, SOME_ID).replace(/:[A-Za-z_]+/g, SOME_ID);

describe('auth: every route and socket of IDM is guarded', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, any>> };

  beforeAll(async () => {
    t = await startTestApp('idm_test_auth_routes');
    const res = await fetch(`${t.url}/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as typeof doc;
  });
  afterAll(async () => t?.close());

  it('documents exactly the agreed public routes as public', () => {
    const publicOps = operations(doc).filter((o) => o.op['x-idm-public']).map((o) => o.key).sort();
    expect(publicOps).toEqual([...PUBLIC].sort());
  });

  it("documents each route's minimum role", () => {
    expect(doc.paths['/users'].get['x-idm-min-role']).toBe('admin');
    expect(doc.paths['/users/{id}/roles'].patch.description).toContain('Requires the `admin` role.');
    expect(doc.paths['/auth/me'].get.description).toContain('Requires a signed-in user (any role).');
    expect(doc.paths['/auth/login'].post.security).toEqual([]);
  });

  it('answers 401 without a token, and with a bogus one, on every other documented route', async () => {
    const ops = operations(doc).filter((o) => !PUBLIC.includes(o.key));
    expect(ops.length).toBeGreaterThanOrEqual(8); // at least auth's own: logout, me, and the /users routes
    const failures: string[] = [];
    for (const o of ops) {
      for (const token of [undefined, 'bogus.token.value']) {
        const res = await fetch(`${t.url}${concrete(o.path)}`, {
          method: o.method,
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: ['GET', 'DELETE'].includes(o.method) ? undefined : '{}',
        });
        const body = (await res.json().catch(() => null)) as { statusCode?: number } | null;
        if (res.status !== 401 || body?.statusCode !== 401) failures.push(`${o.key} ${token ? 'bogus token' : 'no token'}: ${res.status}`);
      }
      if (JSON.stringify(o.op.security) !== JSON.stringify([{ 'access-token': [] }])) failures.push(`${o.key}: no access-token security in the docs`);
      if (!/Requires (the `\w+` role|a signed-in user)/.test(o.op.description ?? '')) failures.push(`${o.key}: required role not documented`);
    }
    expect(failures).toEqual([]);
  });

  it('also guards routes hidden from the OpenAPI document (read from the router itself)', async () => {
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
    const walk = (stack: Layer[]): Layer[] => stack.flatMap((l) => (l.route ? [l] : l.handle?.stack ? walk(l.handle.stack) : []));
    const express = t.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
    const routes = walk(express.router.stack)
      .flatMap((l) => Object.keys(l.route!.methods).map((m) => ({ method: m.toUpperCase(), path: l.route!.path })))
      // The docs (served by swagger-ui) and the catch-all 404 handler are not Nest routes.
      .filter((r) => !/^\/docs/.test(r.path) && r.path !== '/{*path}' && ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
    expect(routes.length).toBeGreaterThanOrEqual(operations(doc).length);
    expect(routes).toContainEqual({ method: 'GET', path: '/auth/me' });
    const failures: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`;
      if (PUBLIC.includes(key)) continue;
      const res = await fetch(`${t.url}${concrete(r.path)}`, { method: r.method, headers: { 'content-type': 'application/json' }, body: ['GET', 'DELETE'].includes(r.method) ? undefined : '{}' });
      if (res.status !== 401) failures.push(`${key}: ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('serves the docs and the public routes without a token', async () => {
    for (const path of ['/docs', '/docs-json', '/health']) {
      expect((await fetch(`${t.url}${path}`)).status).toBe(200);
    }
  });

  it('lets a scraper read /metrics with the scrape token, and nobody without a token or with a wrong one', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN.replace(/.$/, 'x')}` } })).status).toBe(401);
    const ok = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^process_cpu_user_seconds_total\{/m);
    // The scrape token opens /metrics only.
    expect((await fetch(`${t.url}/sensors`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })).status).toBe(401);
    const user = await registerAndLogin(t.url, { username: 'mira.metrics' });
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${user.access_token}` } })).status).toBe(200);
  });

  it('puts the socket-event guard on every gateway of the app', () => {
    const gateways = t.app
      .get(DiscoveryService)
      .getProviders()
      .map((w) => w.metatype as (new () => unknown) | null)
      .filter((type): type is new () => unknown => !!type && !!Reflect.getMetadata(GATEWAY_METADATA, type));
    expect(gateways.map((g) => g.name)).toContain('SessionGateway');
    const unguarded = gateways.filter((g) => !(Reflect.getMetadata(GUARDS_METADATA, g) ?? []).some((x: unknown) => x instanceof WsAuthGuard));
    expect(unguarded.map((g) => g.name)).toEqual([]);
  });

  it('refuses a Socket.IO connection without a token on the default namespace', async () => {
    const { io } = await import('socket.io-client');
    const s = io(t.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      const err = await new Promise<Error>((resolve, reject) => {
        s.once('connect', () => reject(new Error('connected without a token')));
        s.once('connect_error', resolve);
      });
      expect(err.message).toMatch(/^authentication required/);
    } finally {
      s.close();
    }
  });
});
