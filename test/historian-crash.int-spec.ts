import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HistorianService } from '@idm/historian';
import { scrapeMetrics, startTestApp, TEST_METRICS_TOKEN, TestApp } from './support/app';
import { authHeader, login, registerAndLogin } from './support/auth';
import { freePort, PrivateFerretDb } from './support/ferretdb';
import { expectExactlyOnce, storedSamples } from './support/historian';
import { ROOT, serviceEnv } from './support/services';

const SENSORS = ['crash-a', 'crash-b', 'crash-c', 'crash-d'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Posts batches continuously; remembers which samples were answered 202 (accepted = durable). */
class Ingester {
  readonly accepted = new Map<string, number>(); // `${sensor}|${t}` -> value
  readonly posted = new Set<string>();
  private next: number;
  private running = false;
  private loop: Promise<void> | null = null;
  statuses: number[] = [];

  constructor(private url: () => string, private token: () => string, start: number) {
    this.next = start;
  }
  readonly acceptedAt: number[] = [];

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const samples = [];
        for (let i = 0; i < 25; i++) {
          const t = this.next;
          this.next += 100;
          for (const s of SENSORS) samples.push({ sensor_id: s, timestamp: t, value: Math.round(Math.sin(t / 5000) * 1000) / 10 || 0 });
        }
        for (const s of samples) this.posted.add(`${s.sensor_id}|${s.timestamp}`);
        try {
          const res = await fetch(`${this.url()}/sensors/data`, { method: 'POST', headers: authHeader(this.token()), body: JSON.stringify({ samples }), signal: AbortSignal.timeout(10_000) });
          this.statuses.push(res.status);
          if (res.status === 202) for (const s of samples) this.accepted.set(`${s.sensor_id}|${s.timestamp}`, s.value);
          if (res.status === 202) this.acceptedAt.push(Date.now());
          await res.arrayBuffer();
        } catch {
          this.statuses.push(0); // connection refused / reset: not accepted
        }
        await sleep(20);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

describe('historian: kill -9 of the database during a sustained ingest', () => {
  let db: PrivateFerretDb;
  let t: TestApp;

  beforeAll(async () => {
    db = await PrivateFerretDb.create();
    await db.start();
    t = await startTestApp('idm_test_historian_dbkill', {
      MONGO_URI: db.uri('idm_test_historian_dbkill'),
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'idm-dbkill-')),
      QUEUE_PREFIX: `idm-test-dbkill-${process.pid}`,
      HISTORIAN_FLUSH_MS: '50',
      MODBUS_POLLING: '0',
    });
  });
  afterAll(async () => {
    // A failed assertion can leave the database killed; the app closes cleanly only with it back.
    if (db && !db.running) await db.start();
    await t?.close();
    await db?.destroy();
  });

  it('stores every accepted sample exactly once after the database comes back', async () => {
    // Samples arrive over REST all along: the user behind the token was checked before the outage, so the
    // authentication serves it from memory while the database is away (fail static, see UserLookup).
    const token = (await registerAndLogin(t.url, { username: 'dbkill.op' })).access_token;
    const ing = new Ingester(() => t.url, () => token, Date.now() - 3_600_000);
    ing.start();
    await sleep(1500);
    await db.kill();
    const killedAt = Date.now();
    await sleep(3000);
    // Health says so within seconds (a write to a killed server fails only after the driver's server selection).
    let historianStatus = '';
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(250)) {
      const health: any = await (await fetch(`${t.url}/health`)).json();
      historianStatus = health.components.historian.status;
      if (historianStatus === 'degraded') break;
    }
    expect(historianStatus).toBe('degraded');
    const restartedAt = Date.now();
    await db.start();
    await sleep(1500);
    await ing.stop();
    const historian = t.app.get(HistorianService);
    await historian.drain(true);

    expect(ing.accepted.size).toBeGreaterThan(1000);
    // Samples kept being accepted (into the journal) while the database was down.
    expect(ing.statuses.every((s) => s === 202)).toBe(true);
    expect(ing.acceptedAt.filter((at) => at > killedAt + 500 && at < restartedAt).length).toBeGreaterThan(10);
    expectExactlyOnce(ing.accepted, ing.posted, await storedSamples(db.uri('idm_test_historian_dbkill')));
  });
});

describe('historian: kill -9 of IDM during ingest while the database is down', () => {
  let db: PrivateFerretDb;
  let idm: ChildProcess | null = null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-idmkill-'));
  const dbName = 'idm_test_historian_idmkill';
  let port: number;

  async function startIdm(): Promise<void> {
    const main = path.join(ROOT, 'dist', 'apps', 'server', 'main.js');
    const services = serviceEnv();
    const { PATH, HOME } = process.env;
    idm = spawn(process.execPath, [main], {
      env: {
        PATH, HOME, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port),
        MONGO_URI: db.uri(dbName), REDIS_URL: services.REDIS_URL, JWT_SECRET: 'idm-kill-test-secret-0123456789abcdef', METRICS_TOKEN: TEST_METRICS_TOKEN,
        DATA_DIR: dataDir, QUEUE_PREFIX: `idm-test-idmkill-${process.pid}`, HISTORIAN_IDLE_CLOSE_MS: '300', HISTORIAN_FLUSH_MS: '50', MODBUS_POLLING: '0',
      },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).status) return;
      } catch {
        /* not listening yet */
      }
      await sleep(200);
    }
    throw new Error('IDM did not start');
  }

  async function killIdm(): Promise<void> {
    const child = idm;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    idm = null;
  }

  beforeAll(async () => {
    db = await PrivateFerretDb.create();
    await db.start();
    port = await freePort();
  });
  afterAll(async () => {
    await killIdm();
    await db?.destroy();
  });

  it('replays the journal at the next start: nothing accepted is lost or doubled', async () => {
    await startIdm();
    const url = `http://127.0.0.1:${port}`;
    let token = (await registerAndLogin(url, { username: 'admin.kill' })).access_token; // first user: admin
    const ing = new Ingester(() => url, () => token, Date.now() - 7_200_000);
    ing.start();
    await sleep(1000); // some samples reach the database
    await db.kill();
    await sleep(2000); // the rest only reach the journal
    await killIdm(); // mid-ingest, the hard way
    await ing.stop();
    const acceptedWhileDown = ing.accepted.size;
    expect(acceptedWhileDown).toBeGreaterThan(500);
    expect(fs.readdirSync(path.join(dataDir, 'journal', dbName)).some((f) => f.endsWith('.log'))).toBe(true);

    await db.start();
    await startIdm();
    const metricsText = async () => scrapeMetrics(url);
    expect(await metricsText()).toMatch(/^historian_replay_records\{[^}]*\} [1-9]/m);
    token = (await login(url, 'admin.kill')).access_token;

    // The replayed minutes close once the sensors are quiet; wait for every accepted sample to be written.
    const deadline = Date.now() + 60_000;
    let stored = await storedSamples(db.uri(dbName));
    while ([...ing.accepted.keys()].some((k) => !stored.has(k)) && Date.now() < deadline) {
      await sleep(500);
      stored = await storedSamples(db.uri(dbName));
    }
    expectExactlyOnce(ing.accepted, ing.posted, stored);
    const history: any = await (await fetch(`${url}/sensors/crash-a/history?from=${Date.now() - 3 * 3_600_000}&max_points=10`, { headers: authHeader(token) })).json();
    expect(history.buckets.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBeGreaterThanOrEqual(acceptedWhileDown / SENSORS.length);
  });
});
