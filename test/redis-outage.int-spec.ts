import { startTestApp, TestApp } from './support/app';
import { authHeader, registerAndLogin } from './support/auth';
import { PrivateRedis } from './support/redis';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis outage: report jobs and subscription changes', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let token: string;

  const call = (method: string, path: string, body?: unknown, key?: string) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { ...authHeader(token), ...(key ? { 'idempotency-key': key } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      // Before, these hung 30 s and more while Redis was away: a hung request fails the test here.
      signal: AbortSignal.timeout(15_000),
    });
  const job = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString(), format: 'csv' };
  const subscription = { name: 'Morning digest', recipients: ['ops@plant.example'], cron: '0 6 * * *', time_zone: 'UTC' };

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    await redis.start();
    t = await startTestApp('idm_test_redis_outage', { REDIS_URL: redis.url, MODBUS_POLLING: '0' });
    token = (await registerAndLogin(t.url, { username: 'redis.admin' })).access_token; // first user: admin
  });
  afterAll(async () => {
    // The app closes its queues cleanly only with Redis there.
    if (redis && !redis.running) await redis.start();
    await t?.close();
    await redis?.destroy();
  });

  it('answers a retried POST with the same Idempotency-Key with the same job or subscription, never a second one', async () => {
    const first = await call('POST', '/reports/jobs', job, 'report-key-1');
    expect(first.status).toBe(202);
    const a: any = await first.json();
    const again: any = await (await call('POST', '/reports/jobs', job, 'report-key-1')).json();
    expect(again.id).toBe(a.id);
    const other: any = await (await call('POST', '/reports/jobs', job, 'report-key-2')).json();
    expect(other.id).not.toBe(a.id);
    const misuse = await call('POST', '/reports/jobs', { ...job, format: 'json' }, 'report-key-1');
    expect(misuse.status).toBe(409);
    expect((await call('POST', '/reports/jobs', job, 'bad key with spaces')).status).toBe(400);

    const s1: any = await (await call('POST', '/notifications/subscriptions', subscription, 'sub-key-1')).json();
    const s2: any = await (await call('POST', '/notifications/subscriptions', subscription, 'sub-key-1')).json();
    expect(s2.id).toBe(s1.id);
    const all: any[] = await (await call('GET', '/notifications/subscriptions')).json();
    expect(all.filter((s) => s.name === subscription.name)).toHaveLength(1);
  });

  it('answers 503 with Retry-After at once while Redis is down, and the refused change never lands later', async () => {
    const sub: any = await (await call('POST', '/notifications/subscriptions', { ...subscription, name: 'Evening digest' })).json();
    await redis.kill();
    for (const deadline = Date.now() + 20_000; ; await sleep(200)) {
      const health: any = await (await fetch(`${t.url}/health`)).json();
      if (health.components.redis.status === 'down') break;
      if (Date.now() > deadline) throw new Error('health never saw Redis down');
    }

    const refusedJob = await call('POST', '/reports/jobs', job, 'report-key-3');
    expect(refusedJob.status).toBe(503);
    expect(Number(refusedJob.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refusedJob.json()) as any).message).toMatch(/Redis is unreachable/);
    const refusedPatch = await call('PATCH', `/notifications/subscriptions/${sub.id}`, { name: 'Renamed while Redis was down' });
    expect(refusedPatch.status).toBe(503);
    expect(Number(refusedPatch.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const refusedCreate = await call('POST', '/notifications/subscriptions', { ...subscription, name: 'Made while Redis was down' });
    expect(refusedCreate.status).toBe(503);
    expect((await call('DELETE', `/notifications/subscriptions/${sub.id}`)).status).toBe(503);

    await redis.start();
    // A client retrying with its key gets the job once Redis is back, and the same job on a further retry.
    let retried: Response | null = null;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
      retried = await call('POST', '/reports/jobs', job, 'report-key-3');
      if (retried.status !== 503) break;
    }
    expect(retried?.status).toBe(202);
    const id = ((await retried!.json()) as any).id;
    expect(((await (await call('POST', '/reports/jobs', job, 'report-key-3')).json()) as any).id).toBe(id);
    const after: any = await (await call('GET', `/notifications/subscriptions/${sub.id}`)).json();
    expect(after.name).toBe('Evening digest');
    const all: any[] = await (await call('GET', '/notifications/subscriptions')).json();
    expect(all.map((s) => s.name)).not.toContain('Made while Redis was down');
  });
});
