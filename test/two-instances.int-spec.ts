import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Role } from '@idm/contracts';
import { startTestApp, TestApp } from './support/app';
import { clearLoginThrottle, login, loginAllRoles } from './support/auth';
import { expectThrottled, LiveScreen, openLiveScreen, sleep, until } from './support/live-screen';
import { call } from './support/modbus';


/**
 * Two IDM instances on one database and one Redis, both with SOCKET_REDIS_ADAPTER=true. A is the processing
 * instance (ingest, detection, alarms, historian); B only serves screens, as the README describes: IDM_ROLE=screens
 * (no polling; samples and alarm actions refused with 409), its own DATA_DIR.
 */
describe('two IDM instances behind the Socket.IO Redis adapter', () => {
  const db = 'idm_test_two_instances';
  const dataDirB = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-instance-b-'));
  const shared = {
    SOCKET_REDIS_ADAPTER: 'true',
    MODBUS_POLLING: '0',
    ALARM_ON_DELAY_MS: '0',
    ALARM_FLOOD_THRESHOLD: '1000',
    // A saves its latest values and closes quiet minutes soon; B follows the saved values at this pace too.
    HISTORIAN_SNAPSHOT_MS: '500',
    HISTORIAN_IDLE_CLOSE_MS: '1000',
  };
  let a: TestApp;
  let b: TestApp;
  let tokens: Record<Role, string>;
  const screens: LiveScreen[] = [];

  beforeAll(async () => {
    await clearLoginThrottle(db);
    a = await startTestApp(db, shared);
    tokens = await loginAllRoles(a.url);
    const device = { id: 'plc-2i', name: 'PLC 2I', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
    expect((await call(a.url, 'POST', '/devices', tokens.admin, device)).status).toBe(201);
    const tag = { sensor_id: 'TT-2I', device_id: 'plc-2i', area: 'Boiler house', register_type: 'holding', address: 0, data_type: 'float32', unit: '°C', limits: { hi: 80, hihi: 90 } };
    expect((await call(a.url, 'POST', '/tags', tokens.admin, tag)).status).toBe(201);
    b = await startTestApp(db, { ...shared, KEEP_DB: '1', DATA_DIR: dataDirB, IDM_ROLE: 'screens' });
  });
  afterAll(async () => {
    screens.forEach((s) => s.socket.disconnect());
    await b?.close();
    await a?.close();
    fs.rmSync(dataDirB, { recursive: true, force: true });
  });

  async function screen(t: TestApp): Promise<LiveScreen> {
    const s = openLiveScreen(t.url, tokens.viewer);
    screens.push(s);
    await s.snapshot;
    return s;
  }

  /** Like `until`, for a check that needs a request. */
  async function untilAsync<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** Posts samples to instance A, one second apart and ending now. */
  async function postToA(sensorId: string, values: number[]): Promise<void> {
    const end = Date.now();
    const samples = values.map((value, i) => ({ sensor_id: sensorId, timestamp: end - (values.length - 1 - i) * 1000, value }));
    expect((await call(a.url, 'POST', '/sensors/data', tokens.operator, { samples })).status).toBe(202);
  }

  it('pushes an alarm raised on A, and its acknowledgement on A, to a screen on B once, and B replays it on resume', async () => {
    const onA = await screen(a);
    const onB = await screen(b);
    const before = await onB.snapshot;

    await postToA('TT-2I', [50, 51, 85]); // crosses the tag's hi limit on A
    const raised = await until(() => onB.alarms.find((e) => e.kind === 'raised' && e.alarm.id === 'sensor:TT-2I|limit'), 10_000, 'raised on B');
    expect(raised.alarm).toMatchObject({ state: 'unack_active', last_value: 85 });
    await until(() => onA.alarms.find((e) => e.seq === raised.seq), 5000, 'raised on A');

    const ack = await call(a.url, 'POST', `/alarms/${encodeURIComponent(raised.alarm.id)}/acknowledge`, tokens.operator, { comment: 'seen on B' });
    expect(ack.status).toBe(200);
    const acked = await until(() => onB.alarms.find((e) => e.kind === 'acknowledged' && e.alarm.id === raised.alarm.id), 5000, 'acknowledged on B');
    expect(acked.by).toBe('operator.test');

    await sleep(300);
    for (const s of [onA, onB]) {
      const seqs = s.alarms.map((e) => e.seq);
      expect(new Set(seqs).size).toBe(seqs.length); // the adapter does not echo an instance's own events back
    }
    // A screen that fails over from A to B asks B for what it missed: the replay log is shared in Redis.
    const resumed = openLiveScreen(b.url, tokens.viewer);
    screens.push(resumed);
    await resumed.snapshot;
    const replay = await resumed.socket.timeout(5000).emitWithAck('alarms:resume', { last_seq: before.seq });
    expect(replay.snapshot).toBe(false);
    await until(() => resumed.alarms.some((e) => e.seq === acked.seq), 5000, 'replayed on B');
    expect(resumed.alarms.map((e) => e.kind)).toEqual(expect.arrayContaining(['raised', 'acknowledged']));
  });

  it('gives a screen that connects to B after an alarm was raised and acknowledged on A that alarm, in its current state, and B lists it', async () => {
    const tag = { sensor_id: 'TT-2J', device_id: 'plc-2i', area: 'Boiler house', register_type: 'holding', address: 2, data_type: 'float32', unit: '°C', limits: { hi: 80, hihi: 90 } };
    expect((await call(a.url, 'POST', '/tags', tokens.admin, tag)).status).toBe(201);
    const id = 'sensor:TT-2J|limit';
    await postToA('TT-2J', [50, 51, 86]);
    await untilAsync(async () => ((await call(a.url, 'GET', '/alarms', tokens.viewer)).body as Array<{ id: string }>).some((x) => x.id === id), 10_000, 'raised on A');
    const ack = await call(a.url, 'POST', `/alarms/${encodeURIComponent(id)}/acknowledge`, tokens.operator, { comment: 'for B' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ state: 'ack_active', acknowledged: true });

    // B loaded its alarms before this one existed: it knows it only from A's relay.
    const listed = await untilAsync(async () => {
      const res = await call(b.url, 'GET', '/alarms', tokens.viewer);
      expect(res.status).toBe(200);
      return (res.body as Array<{ id: string; state: string }>).find((x) => x.id === id && x.state === 'ack_active');
    }, 5000, 'acknowledged alarm listed by B');
    expect(listed).toEqual(ack.body);

    const late = await screen(b);
    const snap = await late.snapshot;
    expect(snap.alarms.find((x) => x.id === id)).toEqual(ack.body);
    const detail = await call(b.url, 'GET', `/alarms/${encodeURIComponent(id)}`, tokens.viewer);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ ...ack.body, history: expect.arrayContaining([expect.objectContaining({ kind: 'acknowledged', comment: 'for B' })]) });
  });

  it('streams a sample ingested on A to a screen on B that subscribed, throttled for that screen, and stops on unsubscribe', async () => {
    const onA = await screen(a);
    const onB = await screen(b);
    expect(await onB.subscribe(['LV-1', 'LV-2'], 400)).toEqual({ ok: true });
    expect(await onA.subscribe(['LV-1'], 400)).toEqual({ ok: true });

    for (let i = 1; i <= 12; i++) {
      const now = Date.now();
      const samples = [{ sensor_id: 'LV-1', timestamp: now, value: i }, { sensor_id: 'LV-3', timestamp: now, value: i }];
      expect((await call(a.url, 'POST', '/sensors/data', tokens.operator, { samples })).status).toBe(202);
      await sleep(80);
    }
    await until(() => onB.samplesOf('LV-1').at(-1)?.value === 12 && onA.samplesOf('LV-1').at(-1)?.value === 12, 5000, 'latest LV-1 on both screens');
    await sleep(600);
    for (const s of [onA, onB]) {
      const got = s.samplesOf('LV-1').map((x) => x.value);
      expect(got.at(-1)).toBe(12);
      expect(got.length).toBeLessThan(12);
      expect([...new Set(got)].sort((x, y) => x - y)).toEqual(got); // in order, none twice
      expectThrottled(s.samplesOf('LV-1'), 400);
    }
    expect(onB.samplesOf('LV-3')).toEqual([]);

    expect(await onB.unsubscribe(['LV-1'])).toEqual({ ok: true });
    const seen = onB.samplesOf('LV-1').length;
    await postToA('LV-1', [100]);
    await postToA('LV-2', [100]);
    await until(() => onB.samplesOf('LV-2').at(-1)?.value === 100, 5000, 'LV-2 on B');
    await until(() => onA.samplesOf('LV-1').at(-1)?.value === 100, 5000, 'LV-1 on A');
    await sleep(300);
    expect(onB.samplesOf('LV-1')).toHaveLength(seen);
  });

  it('follows A on B: a sensor first ingested on A after B started is listed on B with its latest value, and B charts it like A', async () => {
    const sensor = `HIST-2I-${Date.now()}`; // apart from earlier runs' samples that A's journal may replay
    // Ten minutes at one sample per 10 s, ending in the minute just past (A writes a past minute once the
    // sensor is quiet); B reads them from the database, bucket by bucket while their hour is not packed.
    const end = Math.floor(Date.now() / 60_000) * 60_000 - 1000;
    const samples = Array.from({ length: 60 }, (_, i) => ({ sensor_id: sensor, timestamp: end - (59 - i) * 10_000, value: 20 + (i % 7) + i / 10 }));
    expect((await call(a.url, 'POST', '/sensors/data', tokens.operator, { samples })).status).toBe(202);

    const latest = await untilAsync(async () => {
      const r = await call(b.url, 'GET', `/sensors/${sensor}`, tokens.viewer);
      return r.status === 200 && r.body.latest?.timestamp === new Date(end).toISOString() ? r.body : undefined;
    }, 10_000, `${sensor} listed on B with its latest sample`);
    expect(latest.latest).toMatchObject({ value: samples[59].value, quality: 'good' });

    const query = `/sensors/${sensor}/history?from=${new Date(end - 600_000).toISOString()}&to=${new Date(end + 1).toISOString()}&max_points=20`;
    const onA = await call(a.url, 'GET', query, tokens.viewer);
    expect(onA.body.source).toBe('1m');
    expect(onA.body.buckets.reduce((n: number, x: { count: number }) => n + x.count, 0)).toBe(60);
    // Once A has written every minute (the last one closes after HISTORIAN_IDLE_CLOSE_MS), B answers the same.
    const onB = await untilAsync(async () => {
      const r = await call(b.url, 'GET', query, tokens.viewer);
      return JSON.stringify(r.body.buckets) === JSON.stringify(onA.body.buckets) ? r.body : undefined;
    }, 15_000, 'the same history on B as on A');
    expect(onB.source).toBe('1m');
    expect(onB.buckets.length).toBeGreaterThanOrEqual(10);
  });

  it('refuses samples, alarm actions and registry writes on B (IDM_ROLE=screens) with 409, while sign-in and reads work there', async () => {
    const refused = { statusCode: 409, error: 'Conflict', message: 'this IDM instance serves screens only (IDM_ROLE=screens): send samples and alarm actions to the writer instance' };
    const samples = { samples: [{ sensor_id: 'TT-2I', timestamp: Date.now(), value: 95 }] };
    expect(await call(b.url, 'POST', '/sensors/data', tokens.operator, samples)).toMatchObject({ status: 409, body: refused });
    // Who is asking comes first: without a token, or with a role that may not write, the answer says so.
    expect((await call(b.url, 'POST', '/sensors/data', null, samples)).status).toBe(401);
    expect((await call(b.url, 'POST', '/sensors/data', tokens.viewer, samples)).status).toBe(403);
    const id = encodeURIComponent('sensor:TT-2I|limit');
    expect(await call(b.url, 'POST', `/alarms/${id}/acknowledge`, tokens.operator, { comment: 'on B' })).toMatchObject({ status: 409, body: refused });
    expect(await call(b.url, 'POST', '/alarms/acknowledge', tokens.operator, { ids: ['sensor:TT-2I|limit'] })).toMatchObject({ status: 409, body: refused });
    expect(await call(b.url, 'POST', `/alarms/${id}/shelve`, tokens.operator, { duration_minutes: 10, reason: 'on B' })).toMatchObject({ status: 409, body: refused });
    expect(await call(b.url, 'PATCH', '/tags/TT-2I', tokens.admin, { area: 'elsewhere' })).toMatchObject({ status: 409, body: refused });

    const session = await login(b.url, 'viewer.test');
    expect(typeof session.access_token).toBe('string');
    expect((await call(b.url, 'GET', '/alarms', session.access_token)).status).toBe(200);
    expect((await call(b.url, 'GET', '/tags', tokens.viewer)).status).toBe(200);
    const history = await call(b.url, 'GET', `/sensors/TT-2I/history?from=${new Date(Date.now() - 3_600_000).toISOString()}`, tokens.viewer);
    expect(history.status).toBe(200);
    expect(fs.existsSync(path.join(dataDirB, 'journal'))).toBe(false); // B keeps no journal
  });
});
