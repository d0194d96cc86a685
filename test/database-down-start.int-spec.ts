import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { PlcSim, startPlcSim } from '../apps/plc-sim/src/sim';
import { scrapeMetrics, TEST_METRICS_TOKEN } from './support/app';
import { authHeader, login, registerAndLogin, TEST_PASSWORD } from './support/auth';
import { freePort, PrivateFerretDb } from './support/ferretdb';
import { storedSamples } from './support/historian';
import { eventually } from './support/modbus';
import { ROOT, serviceEnv } from './support/services';

/**
 * IDM started while its database is down (issue 17 item 13): it must start from the local copy of the
 * registry, poll, journal, alarm from memory and say `degraded`, then catch up when the database returns.
 */
describe('start while the database is down', () => {
  const dbName = 'idm_test_dbdown_start';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-dbdown-'));
  let db: PrivateFerretDb;
  let sim: PlcSim;
  let idm: ChildProcess | null = null;
  let port: number;
  const url = () => `http://127.0.0.1:${port}`;

  async function startIdm(queuePrefix: string): Promise<void> {
    const services = serviceEnv();
    const { PATH, HOME } = process.env;
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', 'server', 'main.js')], {
      env: {
        PATH, HOME, NODE_ENV: 'test', LOG_LEVEL: process.env.IDM_TEST_CHILD_LOG ? 'info' : 'warn', HOST: '127.0.0.1', PORT: String(port),
        MONGO_URI: db.uri(dbName), REDIS_URL: services.REDIS_URL, JWT_SECRET: 'idm-dbdown-test-secret-0123456789abcdef', METRICS_TOKEN: TEST_METRICS_TOKEN,
        DATA_DIR: dataDir, QUEUE_PREFIX: queuePrefix, HISTORIAN_FLUSH_MS: '50', HISTORIAN_IDLE_CLOSE_MS: '300',
      },
      // IDM_TEST_CHILD_LOG=<file> keeps the child's log for diagnosis.
      stdio: process.env.IDM_TEST_CHILD_LOG ? ['ignore', fs.openSync(process.env.IDM_TEST_CHILD_LOG, 'a'), fs.openSync(process.env.IDM_TEST_CHILD_LOG, 'a')] : 'ignore',
    });
    idm = child;
    // Before the fix IDM never listened with the database down (Mongoose's first connection failed the start).
    const status = await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`IDM exited with code ${child.exitCode}`);
        return fetch(`${url()}/health`).then((r) => r.status, () => 0);
      },
      (s) => s > 0,
      30_000,
      200,
    );
    if (!status) throw new Error('IDM did not listen within 30 s');
  }

  async function stopIdm(): Promise<void> {
    const child = idm;
    idm = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  const health = async () => {
    const res = await fetch(`${url()}/health`);
    return { status: res.status, body: (await res.json()) as { status: string; uptime_s: number; components: Record<string, { status: string }> } };
  };

  beforeAll(async () => {
    sim = await startPlcSim({ plcs: 1, tags: 6, seed: 7, pollIntervalMs: 200 });
    db = await PrivateFerretDb.create();
    await db.start();
    port = await freePort();
  });
  afterAll(async () => {
    await stopIdm();
    await sim?.close();
    await db?.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts from the local registry copy, polls, journals and alarms from memory, then catches up', async () => {
    // An earlier run with the database: devices are imported, and IDM keeps a copy of its registry.
    await startIdm(`idm-test-dbdown-${process.pid}-1`);
    const admin = (await registerAndLogin(url(), { username: 'admin.dbdown' })).access_token;
    const imported = await fetch(`${url()}/devices/import`, { method: 'POST', headers: authHeader(admin), body: JSON.stringify(sim.deviceFile) });
    expect(imported.status).toBe(200);
    const copy = path.join(dataDir, 'registry.json');
    expect(await eventually(() => (fs.existsSync(copy) ? JSON.parse(fs.readFileSync(copy, 'utf8')).tags.length : 0), (n) => n === sim.deviceFile.tags.length, 10_000)).toBe(sim.deviceFile.tags.length);
    await stopIdm();
    await db.kill();

    // Cold start with the database down.
    // A queue prefix without schedules yet, as at a first start: the retention job runs at once, against a
    // database that is not there.
    const startedAt = Date.now();
    await startIdm(`idm-test-dbdown-${process.pid}-2`);
    const down = await health();
    expect(down.status).toBe(200);
    expect(down.body.status).toBe('degraded');
    expect(down.body.components.mongo.status).toBe('down');

    // Polling runs from the copy, and the polled samples are made durable in the journal.
    const accepted = async () => Number(/^historian_samples_accepted_total(?:\{[^}]*\})? (\d+)/m.exec(await scrapeMetrics(url()))?.[1] ?? 0);
    expect(await eventually(accepted, (n) => n >= 20, 20_000, 250)).toBeGreaterThanOrEqual(20);

    // No user is cached at a cold start: a token check that needs the database answers 503 with Retry-After.
    const refused = await fetch(`${url()}/alarms`, { headers: authHeader(admin) });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // Signing in needs the database: 503 with Retry-After (it was a 500), after Mongoose's bounded wait.
    const signIn = await fetch(`${url()}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin.dbdown', password: TEST_PASSWORD }) });
    expect(signIn.status).toBe(503);
    expect(Number(signIn.headers.get('retry-after'))).toBeGreaterThan(0);

    // A limit is crossed while the database is away: the alarm is raised from memory.
    const plc = sim.plant.plcs[0];
    const tag = sim.deviceFile.tags.find((t) => t.device_id === plc.id && t.limits?.hihi != null && t.limits?.lolo != null)!;
    sim.injectFault({ kind: 'step', plc: plc.id, sensor_id: tag.sensor_id, magnitude: (tag.limits!.hihi! - tag.limits!.lolo!) * 0.75 });
    const activeAlarms = async () => Number(/^idm_alarms_active(?:\{[^}]*\})? (\d+)/m.exec(await scrapeMetrics(url()))?.[1] ?? 0);
    expect(await eventually(activeAlarms, (n) => n > 0, 20_000, 250)).toBeGreaterThan(0);
    // An outage longer than Mongoose's buffering timeout (10 s) once ended the process (a buffered cursor
    // call rejected unhandled): IDM must still be there, degraded, well past it.
    const later = await eventually(health, (h) => h.body.uptime_s >= 25, 40_000, 500);
    expect(later.body.uptime_s).toBeGreaterThanOrEqual(25);
    expect(later.body.status).toBe('degraded');
    expect(later.body.components.mongo.status).toBe('down');

    const dbBackAt = Date.now();
    await db.start();
    const back = await eventually(health, (h) => h.status === 200 && h.body.status === 'ok', 60_000, 500);
    expect(back.body.components.mongo.status).toBe('up');
    expect(back.body.status).toBe('ok');

    const token = (await login(url(), 'admin.dbdown')).access_token;
    const alarms = (await (await fetch(`${url()}/alarms?source_id=${encodeURIComponent(tag.sensor_id)}`, { headers: authHeader(token) })).json()) as Array<{ id: string; raised_at: string | null }>;
    expect(alarms.length).toBeGreaterThan(0);
    expect(new Set(alarms.map((a) => a.id)).size).toBe(alarms.length);
    const raisedWhileDown = alarms.filter((a) => a.raised_at !== null && Date.parse(a.raised_at) < dbBackAt);
    expect(raisedWhileDown.length).toBeGreaterThan(0);
    // The alarms raised from memory, and their audit trail, are written once the database answers.
    const client = await MongoClient.connect(db.uri(dbName));
    try {
      const ids = raisedWhileDown.map((a) => a.id);
      const storedAlarms = await eventually(() => client.db().collection('alarms').find({ _id: { $in: ids } } as object).toArray(), (d) => d.length === ids.length, 20_000, 250);
      expect(storedAlarms.map((a) => a._id).sort()).toEqual([...ids].sort());
      const raisedAudit = await eventually(() => client.db().collection('alarm_audit').find({ alarm_id: ids[0], kind: 'raised' }).toArray(), (d) => d.length > 0, 20_000, 250);
      expect(raisedAudit).toHaveLength(1);
    } finally {
      await client.close();
    }

    // The samples polled while the database was down reach it.
    const stored = await eventually(
      () => storedSamples(db.uri(dbName)),
      (s) => [...s.keys()].filter((k) => k.startsWith(`${tag.sensor_id}|`) && Number(k.split('|')[1]) >= startedAt && Number(k.split('|')[1]) < dbBackAt).length >= 10,
      60_000,
      1000,
    );
    const whileDown = [...stored.keys()].filter((k) => k.startsWith(`${tag.sensor_id}|`) && Number(k.split('|')[1]) >= startedAt && Number(k.split('|')[1]) < dbBackAt);
    expect(whileDown.length).toBeGreaterThanOrEqual(10);
    expect([...stored.values()].every((x) => x.count === 1)).toBe(true);
  }, 240_000);
});
