import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { parse as parseYaml } from 'yaml';
import { startTestApp, TEST_METRICS_TOKEN, TestApp } from './support/app';
import { PrivateFerretDb } from './support/ferretdb';
import { runPython } from './support/python';
import { ROOT, serviceEnv } from './support/services';

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    last = await fn();
  }
  return last;
}

describe('foundation: the app on the real local services', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('idm_test_foundation');
  });
  afterAll(async () => t?.close());

  it('answers /health 200 when FerretDB and Redis answer', async () => {
    // The historian loads its latest values after the app listens (it accepts samples meanwhile), so a
    // just-started app may say "starting" for a moment; it must become ok without any traffic.
    expect((await getJson(`${t.url}/health`)).status).toBe(200);
    const { status, body } = await eventually(() => getJson(`${t.url}/health`), (r) => r.body.status === 'ok');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.components.mongo.status).toBe('up');
    expect(body.components.redis.status).toBe('up');
  });

  it('serves a valid OpenAPI 3 document at /docs-json and a UI at /docs', async () => {
    const { status, body } = await getJson(`${t.url}/docs-json`);
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(body))).resolves.toBeTruthy();
    expect(body.paths['/health']).toBeDefined();
    const ui = await fetch(`${t.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('gives every documented operation a summary and a success response, and tells a /docs reader how to authorize', async () => {
    const { body } = await getJson(`${t.url}/docs-json`);
    const missing: string[] = [];
    // Its success too: declaring an error response (503, 409) makes the generator drop the default 2xx.
    const noSuccess: string[] = [];
    for (const [path, item] of Object.entries(body.paths as Record<string, Record<string, { summary?: string; responses?: Record<string, unknown> }>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.summary) missing.push(`${method.toUpperCase()} ${path}`);
        if (!Object.keys(op.responses ?? {}).some((code) => /^2\d\d$/.test(code))) noSuccess.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(noSuccess).toEqual([]);
    expect(body.info.description).toContain('`POST /auth/login`');
    expect(body.info.description).toContain('**Authorize**');
  });

  it('serves Prometheus text at /metrics with process metrics and request durations', async () => {
    await fetch(`${t.url}/health`);
    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
    expect(res.headers.get('content-type')).toContain('text/plain');
    // Parsed by the official Prometheus client's parser, not by our own code.
    const families: Array<{ name: string; type: string; samples: Array<{ name: string; labels: Record<string, string>; value: number }> }> =
      JSON.parse(runPython('parse_prometheus.py', await res.text()));
    const names = families.map((f) => f.name);
    expect(names).toContain('process_cpu_user_seconds');
    const http = families.find((f) => f.name === 'http_request_duration_seconds');
    expect(http?.type).toBe('histogram');
    const count = http?.samples.find((s) => s.name.endsWith('_count') && s.labels.route === '/health' && s.labels.method === 'GET');
    expect(count?.value).toBeGreaterThanOrEqual(1);
  });

  it('answers unknown routes and malformed JSON with the one error shape', async () => {
    const nf = await getJson(`${t.url}/no/such/route`);
    expect(nf.status).toBe(404);
    expect(nf.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
    const res = await fetch(`${t.url}/no/such/route`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'body is not valid JSON' });
  });

  it('gives every response a request id, honouring a given one', async () => {
    const res = await fetch(`${t.url}/health`, { headers: { 'x-request-id': 'trace-42' } });
    expect(res.headers.get('x-request-id')).toBe('trace-42');
    const other = await fetch(`${t.url}/health`);
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('foundation: health follows the database', () => {
  let db: PrivateFerretDb;
  let t: TestApp;
  beforeAll(async () => {
    db = await PrivateFerretDb.create();
    await db.start();
    t = await startTestApp('idm_test_health', { MONGO_URI: db.uri('idm_test_health') });
  });
  afterAll(async () => {
    await t?.close();
    await db?.destroy();
  });

  it('is 200 `degraded` naming mongo down while the database is down (IDM keeps journaling), and `ok` after it restarts', async () => {
    expect((await getJson(`${t.url}/health`)).status).toBe(200);

    await db.kill();
    const down = await eventually(() => getJson(`${t.url}/health`), (r) => r.body.components?.mongo?.status === 'down');
    expect(down.status).toBe(200);
    expect(down.body.status).toBe('degraded');
    expect(down.body.message).toMatch(/^mongo is down/);
    expect(down.body.components.mongo.status).toBe('down');
    expect(down.body.components.redis.status).toBe('up');

    await db.start();
    const up = await eventually(() => getJson(`${t.url}/health`), (r) => r.body.components?.mongo?.status === 'up');
    expect(up.status).toBe(200);
    expect(up.body.components.mongo.status).toBe('up');
  });
});

describe('foundation: start-up refuses bad configuration with one clear line', () => {
  const main = path.join(ROOT, 'dist', 'apps', 'server', 'main.js');
  const services = serviceEnv();

  function start(env: Record<string, string>) {
    expect(fs.existsSync(main)).toBe(true); // built by scripts/setup.sh
    const { PATH, HOME } = process.env;
    return spawnSync(process.execPath, [main], { env: { PATH, HOME, ...env }, encoding: 'utf8', timeout: 20000 });
  }

  it('refuses a malformed MONGO_URI, naming it, without a stack trace', () => {
    const r = start({ MONGO_URI: 'localhost:27017/idm', REDIS_URL: services.REDIS_URL });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toBe('IDM cannot start: MONGO_URI must be a mongodb:// or mongodb+srv:// URI (got "localhost:27017/idm")');
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses production without a JWT_SECRET, saying why', () => {
    const r = start({ NODE_ENV: 'production', MONGO_URI: services.MONGO_URI, REDIS_URL: services.REDIS_URL });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^IDM cannot start: JWT_SECRET is required when NODE_ENV=production/);
  });

  it('refuses production with the example JWT_SECRET from .env.example', () => {
    const example = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const secret = /^JWT_SECRET=(.*)$/m.exec(example)?.[1];
    expect(secret).toBeTruthy();
    const r = start({ NODE_ENV: 'production', JWT_SECRET: secret as string, MONGO_URI: services.MONGO_URI, REDIS_URL: services.REDIS_URL });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/JWT_SECRET is still the example value/);
  });
});

describe('foundation: production mode serves the control-room client at /', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('idm_test_client', {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-real-production-secret-0123456789abcdef',
      CLIENT_DIST: path.join(ROOT, 'client', 'dist'),
    });
  });
  afterAll(async () => t?.close());

  it('returns the built index.html and its assets', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<div id="root"></div>');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const js = await fetch(`${t.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  it('still answers the API beside it', async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });
});

describe('docker-compose.yml: the production path for users with Docker', () => {
  const compose = parseYaml(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'));

  it('runs MongoDB 7, Redis 7 and IDM wired to them', () => {
    expect(compose.services.mongo.image).toMatch(/^mongo:7/);
    expect(compose.services.redis.image).toMatch(/^redis:7/);
    const idm = compose.services.idm;
    expect(idm.build ?? idm.image).toBeTruthy();
    expect(idm.environment.MONGO_URI).toMatch(/^mongodb:\/\/mongo:27017\//);
    expect(idm.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(idm.environment.NODE_ENV).toBe('production');
    expect(idm.environment.JWT_SECRET).toMatch(/\$\{JWT_SECRET[:?]/); // must come from the user, never baked in
    expect(idm.depends_on).toEqual(expect.objectContaining({ mongo: expect.anything(), redis: expect.anything() }));
    expect(idm.ports).toContain('3000:3000');
  });

  it('has a Dockerfile whose unprivileged user owns the data folder compose mounts a volume on', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const dataDir = compose.services.idm.environment.DATA_DIR as string;
    expect(compose.services.idm.volumes.some((v: string) => v.endsWith(`:${dataDir}`))).toBe(true);
    const user = /^USER (\S+)$/m.exec(dockerfile)?.[1];
    expect(user).toBeTruthy();
    const chown = new RegExp(`^RUN .*chown ${user}(:${user})? ${dataDir.replace(/\//g, '\\/')}\\b`, 'm');
    expect(dockerfile).toMatch(chown);
    expect(dockerfile.indexOf(`USER ${user}`)).toBeGreaterThan(dockerfile.search(chown));
  });
});
