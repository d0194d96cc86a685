import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import type { Role, WriterChangedEvent } from '@idm/contracts';
import { modbusBinding } from '@idm/contracts';
import { startPlcSim, PlcSim } from '../apps/plc-sim/src/sim';
import { scrapeMetrics, TEST_METRICS_TOKEN } from './support/app';
import { authHeader, loginAllRoles } from './support/auth';
import { storedSamples } from './support/historian';
import { LiveScreen, openLiveScreen, sleep, until } from './support/live-screen';
import { call, freePort } from './support/modbus';
import { PrivateRedis } from './support/redis';
import { mongoUriFor, ROOT } from './support/services';

const DB = 'idm_test_writer_failover';
const REST_SENSOR = 'FAILOVER-REST';

/** One IDM server process (dist/apps/server/main.js) with IDM_ROLE=auto. */
class Instance {
  child: ChildProcess | null = null;
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-failover-'));
  log = '';
  constructor(readonly id: string, readonly port: number, private readonly redisUrl: () => string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const { PATH, HOME } = process.env;
    this.child = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', 'server', 'main.js')], {
      env: {
        PATH, HOME, NODE_ENV: 'test', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(this.port),
        MONGO_URI: mongoUriFor(DB), REDIS_URL: this.redisUrl(), JWT_SECRET: 'idm-failover-test-secret-0123456789abcdef', METRICS_TOKEN: TEST_METRICS_TOKEN,
        DATA_DIR: this.dataDir, QUEUE_PREFIX: `idm-test-failover-${process.pid}`,
        IDM_ROLE: 'auto', IDM_INSTANCE_ID: this.id, IDM_ADVERTISE_URL: this.url, IDM_LEASE_MS: '3000',
        SOCKET_REDIS_ADAPTER: 'true', ALARM_ON_DELAY_MS: '0', ALARM_FLOOD_THRESHOLD: '1000',
        HISTORIAN_SNAPSHOT_MS: '500', HISTORIAN_IDLE_CLOSE_MS: '1000', HISTORIAN_FLUSH_MS: '100', DETECTION_SNAPSHOT_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c: Buffer) => (this.log += c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => (this.log += c.toString()));
    await until(async () => fetch(`${this.url}/health`).then((r) => r.status > 0, () => false), 30_000, `${this.id} listening`);
  }

  async writer(): Promise<{ status: number; body: WriterChangedEvent } | null> {
    try {
      const res = await fetch(`${this.url}/health/writer`, { signal: AbortSignal.timeout(1000) });
      return { status: res.status, body: (await res.json()) as WriterChangedEvent };
    } catch {
      return null; // killed, frozen or starting
    }
  }

  async isWriter(): Promise<boolean> {
    return (await this.writer())?.status === 200;
  }

  signal(sig: NodeJS.Signals): void {
    this.child?.kill(sig);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.child = null;
  }
}

/** Modbus requests an instance has sent (0 when it never polled). */
async function modbusRequests(i: Instance): Promise<number> {
  const m = /^idm_modbus_requests_total\{[^}]*\} (\d+)/m.exec(await scrapeMetrics(i.url));
  return m ? Number(m[1]) : 0;
}

async function untilAsync<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Alarm events a screen got since its snapshot are numbered right after it, without a gap or a repeat. */
function expectContinuous(screen: LiveScreen, snapshotSeq: number): void {
  const seqs = screen.alarms.map((e) => e.seq);
  expect(seqs.length).toBeGreaterThan(0);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => snapshotSeq + 1 + i));
}

/**
 * Two IDM instances with IDM_ROLE=auto on one database and one (private) Redis, polling the PLC simulator:
 * the writer is killed (kill -9), frozen (SIGSTOP) and cut off from Redis; the other takes over.
 */
describe('hot-standby writer (IDM_ROLE=auto)', () => {
  let redis: PrivateRedis;
  let sim: PlcSim;
  let a: Instance;
  let b: Instance;
  let tokens: Record<Role, string>;
  let polled: string;
  let alarmId: string;
  const screens: LiveScreen[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    await redis.start();
    const client = await MongoClient.connect(mongoUriFor(DB));
    await client.db().dropDatabase();
    await client.close();
    sim = await startPlcSim({ plcs: 1, tags: 4, seed: 7 });
    a = new Instance('idm-a', await freePort(), () => redis.url);
    b = new Instance('idm-b', await freePort(), () => redis.url);
    await a.start();
    await untilAsync(() => a.isWriter(), 10_000, 'A elected');
    tokens = await loginAllRoles(a.url);
    const device = sim.deviceFile.devices[0];
    expect((await call(a.url, 'POST', '/devices', tokens.admin, { ...device, poll_interval_ms: 1000 })).status).toBe(201);
    const tag = sim.deviceFile.tags.find((t) => t.device_id === device.id && modbusBinding(t)?.data_type === 'float32')!;
    polled = tag.sensor_id;
    alarmId = `sensor:${polled}|limit`;
    // A high limit the value always stands above: one alarm, active for the whole test.
    const hi = tag.limits?.lolo ?? tag.physical_min ?? 0;
    const created = await call(a.url, 'POST', '/tags', tokens.admin, { ...tag, limits: { hi } });
    expect(created).toMatchObject({ status: 201 });
    await b.start();
  }, 120_000);

  afterAll(async () => {
    screens.forEach((s) => s.socket.disconnect());
    for (const i of [a, b]) {
      if (!i) continue;
      i.signal('SIGCONT');
      await i.kill();
      fs.rmSync(i.dataDir, { recursive: true, force: true });
    }
    await sim?.close();
    await redis?.destroy();
  });

  type Sample = { sensor_id: string; timestamp: number; value: number };
  /** Posts samples; remembers those answered 202 in `accepted`. Returns the status (0: no answer). */
  async function post(i: Instance, samples: Sample[], accepted: Set<string>): Promise<number> {
    const res = await fetch(`${i.url}/sensors/data`, { method: 'POST', headers: authHeader(tokens.operator), body: JSON.stringify({ samples }), signal: AbortSignal.timeout(5000) }).catch(() => null);
    if (res?.status === 202) samples.forEach((x) => accepted.add(`${x.sensor_id}|${x.timestamp}`));
    return res?.status ?? 0;
  }

  /** Waits until every accepted sample is stored, then checks none of `sensor` is stored twice. */
  async function expectStoredOnce(accepted: Set<string>, sensor: string, split: number): Promise<void> {
    const stored = await untilAsync(async () => {
      const s = await storedSamples(mongoUriFor(DB));
      return [...accepted].every((k) => s.has(k)) ? s : undefined;
    }, 30_000, 'every accepted sample stored').catch(async (err: Error) => {
      const s = await storedSamples(mongoUriFor(DB));
      const missing = [...accepted].filter((k) => !s.has(k));
      throw new Error(`${err.message}: ${missing.length} of ${accepted.size} missing (${missing.filter((k) => Number(k.split('|')[1]) < split).length} accepted by the old writer)`);
    });
    expect([...stored].filter(([k, v]) => k.startsWith(`${sensor}|`) && v.count !== 1)).toEqual([]);
  }

  function screen(i: Instance): LiveScreen {
    const s = openLiveScreen(i.url, tokens.viewer);
    screens.push(s);
    return s;
  }

  it('takes over within the lease when the writer is killed: polling resumes, no accepted sample lost, the alarm not raised twice, the sequence continuous', async () => {
    expect(await b.writer()).toMatchObject({ status: 503, body: { is_writer: false, instance_id: 'idm-b', writer: { instance_id: 'idm-a', url: a.url } } });
    // /health on the standby names the writer.
    const health = (await (await fetch(`${b.url}/health`)).json()) as { components: Record<string, { writer?: { instance_id: string }; is_writer?: boolean }> };
    expect(health.components.writer).toMatchObject({ status: 'up', is_writer: false, writer: { instance_id: 'idm-a' } });
    // Only the writer polls.
    await untilAsync(async () => (await modbusRequests(a)) > 2, 10_000, 'A polling');
    expect(await modbusRequests(b)).toBe(0);
    expect(await scrapeMetrics(b.url)).toMatch(/^idm_writer_is_writer\{[^}]*\} 0$/m);
    // A standby refuses plant writes with 503, Retry-After and the writer's address.
    const refused = await fetch(`${b.url}/sensors/data`, { method: 'POST', headers: authHeader(tokens.operator), body: JSON.stringify({ samples: [{ sensor_id: REST_SENSOR, timestamp: Date.now(), value: 1 }] }) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(refused.headers.get('x-idm-writer-url')).toBe(a.url);
    expect((await refused.json()).message).toBe(`this IDM instance is a standby (IDM_ROLE=auto): the writer is idm-a at ${a.url}; send samples and alarm actions there`);

    const onB = screen(b);
    const changes: WriterChangedEvent[] = [];
    onB.socket.on('writer:changed', (e) => changes.push(e));
    const snapshot = await onB.snapshot;
    expect(await onB.subscribe([polled], 50)).toEqual({ ok: true });
    await until(() => changes.length > 0, 5000, 'writer:changed on connect');
    expect(changes[0].writer?.instance_id).toBe('idm-a');
    // A raised the alarm (before or after this screen connected; B knows it through A's relay).
    await untilAsync(async () => {
      const r = await call(b.url, 'GET', '/alarms', tokens.viewer);
      return (r.body as Array<{ id: string; state: string }>).some((x) => x.id === alarmId && x.state === 'unack_active');
    }, 20_000, 'the alarm raised by A, listed on B');
    const raisedBefore = onB.alarms.filter((e) => e.alarm.id === alarmId && e.kind === 'raised').length;

    // REST samples accepted (202) by A right up to its death, in a minute an hour back that B writes to as well
    // after the takeover (A's first half, B's second half), so A's replay meets a minute open on B.
    const minute = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
    const accepted = new Set<string>();
    const postTo = (i: Instance, samples: Sample[]) => post(i, samples, accepted);
    let t = minute;
    let posting = true;
    const poster = (async () => {
      while (posting && t < minute + 25_000) {
        await postTo(a, Array.from({ length: 20 }, () => ({ sensor_id: REST_SENSOR, timestamp: (t += 10), value: t % 1000 })));
        await sleep(30);
      }
    })();
    await sleep(1500);
    await a.kill();
    const killedAt = Date.now();
    posting = false;
    await poster;
    const acceptedByA = accepted.size;
    expect(acceptedByA).toBeGreaterThan(100);

    await untilAsync(() => b.isWriter(), 30_000, 'B takes over');
    const takeoverMs = Date.now() - killedAt;
    console.log(`takeover after kill -9 of the writer: ${takeoverMs} ms (lease 3000 ms)`);
    await until(() => changes.some((e) => e.is_writer && e.writer?.instance_id === 'idm-b'), 5000, 'writer:changed naming B on B');

    // The polled tag has fresh samples again, from B.
    await untilAsync(async () => {
      const r = await call(b.url, 'GET', `/sensors/${polled}`, tokens.viewer);
      return r.status === 200 && Date.parse(r.body.latest?.timestamp) > killedAt + 500;
    }, 20_000, 'polled samples after the takeover');
    expect(await scrapeMetrics(b.url)).toMatch(/^idm_writer_is_writer\{[^}]*\} 1$/m);
    // Several polls later the alarm is still the one A raised: B did not raise it again.
    await sleep(3000);
    expect(onB.alarms.filter((e) => e.alarm.id === alarmId && e.kind === 'raised')).toHaveLength(raisedBefore);
    const list = await call(b.url, 'GET', '/alarms', tokens.viewer);
    expect((list.body as Array<{ id: string; state: string }>).filter((x) => x.id === alarmId)).toEqual([expect.objectContaining({ state: 'unack_active' })]);
    // An alarm action on the new writer is numbered right after what A numbered.
    const ack = await call(b.url, 'POST', `/alarms/${encodeURIComponent(alarmId)}/acknowledge`, tokens.operator, { comment: 'after failover' });
    expect(ack.status).toBe(200);
    await until(() => onB.alarms.find((e) => e.kind === 'acknowledged' && e.alarm.id === alarmId), 5000, 'acknowledged on B');
    expectContinuous(onB, snapshot.seq);

    // A comes back as a standby and replays its journal while B keeps that minute open with samples of its own:
    // every sample either answered 202 is in the database once.
    let tb = minute + 30_000;
    let feeding = true;
    const feeder = (async () => {
      while (feeding && tb < minute + 59_000) {
        expect(await postTo(b, Array.from({ length: 10 }, () => ({ sensor_id: REST_SENSOR, timestamp: (tb += 10), value: tb % 1000 })))).toBe(202);
        await sleep(100);
      }
    })();
    await a.start();
    await untilAsync(async () => (await a.writer())?.body.writer?.instance_id === 'idm-b', 10_000, 'A sees B as the writer');
    expect(await a.isWriter()).toBe(false);
    await untilAsync(async () => {
      const h = await fetch(`${a.url}/health`).then((r) => r.json() as Promise<{ components: Record<string, { replay_pending_samples?: number }> }>);
      return h.components.historian?.replay_pending_samples === 0;
    }, 30_000, "A's journal replay done");
    await sleep(1000);
    feeding = false;
    await feeder;
    expect(accepted.size).toBeGreaterThan(acceptedByA);
    await expectStoredOnce(accepted, REST_SENSOR, minute + 30_000);
    // The polled tag's longest gap on the screen around the kill: reported, not asserted (no timing assertions).
    const around = onB.samplesOf(polled).map((x) => Date.parse(x.timestamp)).filter((x) => x > killedAt - 10_000 && x < killedAt + 10_000);
    console.log(`polled ${polled} on B's screen: longest gap around the kill ${Math.max(0, ...around.slice(1).map((x, i) => x - around[i]))} ms (poll interval 1000 ms, ${around.length} samples)`);
  }, 180_000);

  it('a frozen writer (SIGSTOP) loses the lease; resumed, it stops writing and stays a standby while the other writes', async () => {
    // B is the writer now, A the standby.
    expect(await b.isWriter()).toBe(true);
    const onA = screen(a);
    await onA.snapshot;
    // B accepts samples of a minute two hours back, then freezes with them unwritten (the minute still open).
    const sensor = `${REST_SENSOR}-2`;
    const minute = Math.floor((Date.now() - 7_200_000) / 60_000) * 60_000;
    const accepted = new Set<string>();
    let t = minute;
    for (let i = 0; i < 20; i++) expect(await post(b, Array.from({ length: 20 }, () => ({ sensor_id: sensor, timestamp: (t += 10), value: t % 1000 })), accepted)).toBe(202);
    b.signal('SIGSTOP');
    const frozenAt = Date.now();
    await untilAsync(() => a.isWriter(), 30_000, 'A takes over from the frozen B');
    console.log(`takeover after SIGSTOP of the writer: ${Date.now() - frozenAt} ms`);
    // A takes samples of the same minute and keeps it open while B wakes up.
    let ta = minute + 30_000;
    let feeding = true;
    const feeder = (async () => {
      while (feeding && ta < minute + 59_000) {
        expect(await post(a, Array.from({ length: 10 }, () => ({ sensor_id: sensor, timestamp: (ta += 10), value: ta % 1000 })), accepted)).toBe(202);
        await sleep(100);
      }
    })();
    const epochA = (await a.writer())!.body.writer!.epoch;
    // A changes the alarm while B is frozen: the stored record now carries A's epoch.
    expect((await call(a.url, 'POST', `/alarms/${encodeURIComponent(alarmId)}/comments`, tokens.operator, { text: 'A took over' })).status).toBeLessThan(300);
    b.signal('SIGCONT');
    await untilAsync(async () => (await b.writer())?.body.writer?.instance_id === 'idm-a', 10_000, 'B sees A as the writer');
    expect(await b.isWriter()).toBe(false);
    // B polls no more once resumed, and hands what it had not written to A: every sample either took is stored once.
    const polledByB = await modbusRequests(b);
    await until(() => /unwritten sample\(s\) handed to the writer/.test(b.log), 10_000, 'B hands its unwritten samples over');
    await sleep(2500);
    expect(await modbusRequests(b)).toBe(polledByB);
    feeding = false;
    await feeder;
    await expectStoredOnce(accepted, sensor, minute + 30_000);
    // A keeps polling and writing with its epoch; the stored alarm and detector states carry it, none an older one.
    const client = await MongoClient.connect(mongoUriFor(DB));
    try {
      const alarm = await client.db().collection('alarms').findOne({ _id: alarmId as never });
      expect(alarm?.epoch).toBe(epochA);
      const state = await client.db().collection('detector_states').findOne({ _id: polled as never });
      expect(state?.epoch).toBe(epochA);
    } finally {
      await client.close();
    }
    expect(b.log).toMatch(/this instance \(idm-b\) is no longer the writer/);
    const raised = onA.alarms.filter((e) => e.alarm.id === alarmId && e.kind === 'raised');
    expect(raised).toEqual([]);
  }, 120_000);

  it('a Redis outage leaves no writer rather than two: the writer stops when it cannot renew; one is elected when Redis is back', async () => {
    expect(await a.isWriter()).toBe(true);
    await redis.kill();
    const downAt = Date.now();
    // Never two writers, until neither is one.
    await untilAsync(async () => {
      const [wa, wb] = [await a.isWriter(), await b.isWriter()];
      expect(wa && wb).toBe(false);
      return !wa && !wb;
    }, 15_000, 'no writer while Redis is down');
    console.log(`writer stopped ${Date.now() - downAt} ms after Redis went down`);
    for (let i = 0; i < 10; i++) {
      expect((await a.isWriter()) || (await b.isWriter())).toBe(false);
      await sleep(200);
    }
    await redis.start();
    await untilAsync(async () => (await a.isWriter()) !== (await b.isWriter()), 30_000, 'one writer once Redis is back');
  }, 120_000);
});
