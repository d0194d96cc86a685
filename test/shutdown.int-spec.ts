import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEST_METRICS_TOKEN } from './support/app';
import { authHeader, registerAndLogin } from './support/auth';
import { freePort, PrivateFerretDb } from './support/ferretdb';
import { PrivateRedis } from './support/redis';
import { ROOT } from './support/services';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every sample in the journal segments under `dir`, as `${sensor}|${t}` (complete lines only). */
function journaled(dir: string): Set<string> {
  const out = new Set<string>();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log'))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n').slice(0, -1)) {
      for (const [sensor, t] of (JSON.parse(line) as { s: Array<[string, number]> }).s) out.add(`${sensor}|${t}`);
    }
  }
  return out;
}

describe('shutdown: SIGTERM with the database and Redis gone', () => {
  const dbName = 'idm_test_shutdown';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-shutdown-'));
  let db: PrivateFerretDb;
  let redis: PrivateRedis;
  let idm: ChildProcess | null = null;

  beforeAll(async () => {
    db = await PrivateFerretDb.create();
    redis = await PrivateRedis.create();
    await Promise.all([db.start(), redis.start()]);
  });
  afterAll(async () => {
    if (idm && idm.exitCode === null && idm.signalCode === null) idm.kill('SIGKILL');
    await db?.destroy();
    await redis?.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits within SHUTDOWN_TIMEOUT_MS, with every accepted sample in the journal', async () => {
    const port = await freePort();
    const { PATH, HOME } = process.env;
    idm = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', 'server', 'main.js')], {
      env: {
        PATH, HOME, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port),
        MONGO_URI: db.uri(dbName), REDIS_URL: redis.url, JWT_SECRET: 'idm-shutdown-test-secret-0123456789abcdef', METRICS_TOKEN: TEST_METRICS_TOKEN,
        DATA_DIR: dataDir, QUEUE_PREFIX: 'idm-test-shutdown', MODBUS_POLLING: '0', SHUTDOWN_TIMEOUT_MS: '3000',
      },
      stdio: 'ignore',
    });
    const exited = new Promise<number>((resolve) => idm!.once('exit', () => resolve(Date.now())));
    const url = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 60_000; ; await sleep(200)) {
      const res = await fetch(`${url}/health`).catch(() => null);
      if (res?.status === 200) break;
      if (Date.now() > deadline) throw new Error('IDM did not start');
    }
    const token = (await registerAndLogin(url, { username: 'shutdown.admin' })).access_token;

    // An authenticated request before the outage: the user is then served from memory while the database is away.
    const before = await fetch(`${url}/sensors/data`, { method: 'POST', headers: authHeader(token), body: JSON.stringify({ samples: [{ sensor_id: 'shutdown-b', timestamp: Date.now() - 1000, value: 1 }] }) });
    expect(before.status).toBe(202);
    await Promise.all([db.kill(), redis.kill()]);
    // Samples keep being accepted into the journal while both are gone.
    const accepted: string[] = [];
    const t0 = Date.now() - 600_000;
    for (let b = 0; b < 10; b++) {
      const samples = Array.from({ length: 50 }, (_, i) => ({ sensor_id: 'shutdown-a', timestamp: t0 + (b * 50 + i) * 1000, value: i }));
      const res = await fetch(`${url}/sensors/data`, { method: 'POST', headers: authHeader(token), body: JSON.stringify({ samples }) });
      if (res.status === 202) accepted.push(...samples.map((s) => `shutdown-a|${s.timestamp}`));
    }
    expect(accepted.length).toBeGreaterThan(0);

    const termAt = Date.now();
    idm.kill('SIGTERM');
    // Bounded: 3 s configured; a minute means the bound does not hold (before, it took minutes).
    const exitAt = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(Infinity), 60_000).unref())]);
    expect(exitAt - termAt).toBeLessThan(20_000);
    const inJournal = journaled(path.join(dataDir, 'journal', dbName));
    expect(accepted.filter((k) => !inJournal.has(k))).toEqual([]);
  }, 180_000);
});
