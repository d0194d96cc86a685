import { io, Socket } from 'socket.io-client';
import type { AlarmDto, AlarmEventDto, AlarmJournalEntryDto, AlarmSnapshotDto, AnomalyEpisodeEvent, AnomalyHistoryPage, ClientToServerEvents, ServerToClientEvents } from '@idm/contracts';
import { AlarmsService } from '@idm/alarms';
import { DomainEvents } from '@idm/core';
import { startTestApp, TestApp } from './support/app';
import { authHeader, clearLoginThrottle, loginAllRoles } from './support/auth';
import type { Role } from '@idm/contracts';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Screen {
  socket: Client;
  events: AlarmEventDto[];
  batches: AlarmEventDto[][];
  floods: boolean[];
  snapshot: Promise<AlarmSnapshotDto>;
}

function openScreen(url: string, token: string): Screen {
  const socket: Client = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const screen: Screen = {
    socket,
    events: [],
    batches: [],
    floods: [],
    snapshot: new Promise((resolve, reject) => {
      socket.once('alarms:snapshot', resolve);
      socket.once('connect_error', reject);
    }),
  };
  socket.on('alarm', (e) => screen.events.push(e));
  socket.on('alarms:batch', (b) => screen.batches.push(b.events));
  socket.on('alarms:flood', (f) => screen.floods.push(f.active));
  return screen;
}

async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MINUTE = 60_000;

let anomalySeq = 0;
function anomaly(sensor: string, type: string, severity: AnomalyEpisodeEvent['severity'] = 'high', value = 120, quality?: AnomalyEpisodeEvent['quality']): AnomalyEpisodeEvent {
  anomalySeq += 1;
  return { anomaly_id: `an-${anomalySeq}`, sensor_id: sensor, anomaly_type: type, severity, score: 0.9, timestamp: Date.now(), end_timestamp: null, value, ...(quality ? { quality } : {}) };
}

describe('alarms: ISA-18.2 lifecycle over REST and Socket.IO', () => {
  const db = 'idm_test_alarms';
  let t: TestApp;
  let events: DomainEvents;
  let tokens: Record<Role, string>;
  const screens: Screen[] = [];

  beforeAll(async () => {
    await clearLoginThrottle(db);
    t = await startTestApp(db, { ALARM_ON_DELAY_MS: '0', ALARM_OFF_DELAY_MS: '1500', ALARM_FLOOD_THRESHOLD: '1000' });
    events = t.app.get(DomainEvents);
    tokens = await loginAllRoles(t.url);
  });

  afterAll(async () => {
    screens.forEach((s) => s.socket.disconnect());
    await t?.close();
  });

  function screen(token: string): Screen {
    const s = openScreen(t.url, token);
    screens.push(s);
    return s;
  }

  const get = async (path: string, token = tokens.viewer) => {
    const res = await fetch(`${t.url}${path}`, { headers: authHeader(token) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const post = async (path: string, body: unknown, token = tokens.operator) => {
    const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: authHeader(token), body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('refuses a socket without a valid token', async () => {
    for (const auth of [{}, { token: 'not-a-jwt' }]) {
      const socket: Client = io(t.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
      const err = await new Promise<Error & { data?: { statusCode: number } }>((resolve) => socket.once('connect_error', resolve));
      expect(err.data?.statusCode).toBe(401);
      socket.disconnect();
    }
  });

  it('says when the reading behind an alarm was bad: its placeholder value never passes for a measurement', async () => {
    const a = screen(tokens.viewer);
    await a.snapshot;
    // A device flagged the reading (a NaN float becomes 0 with quality bad) below the physical range.
    events.emit('anomaly.opened', anomaly('TT-BAD-1', 'out_of_range', 'high', 0, 'bad'));
    const raised = await until(() => a.events.find((e) => e.kind === 'raised' && e.alarm.sensor_id === 'TT-BAD-1'));
    expect(raised.alarm).toMatchObject({ last_value: 0, last_reading: 'bad' });
    const listed = (await get('/alarms')).body.find((x: AlarmDto) => x.sensor_id === 'TT-BAD-1');
    expect(listed).toMatchObject({ last_value: 0, last_reading: 'bad' });
    // A good reading afterwards is a measurement again.
    events.emit('anomaly.updated', anomaly('TT-BAD-1', 'out_of_range', 'high', 140));
    const updated = await until(() => get('/alarms').then((r) => r.body.find((x: AlarmDto) => x.sensor_id === 'TT-BAD-1' && x.last_value === 140)));
    expect(updated.last_reading).toBe('good');
  });

  it('raises an alarm on every screen, and an operator acknowledgement reaches every screen', async () => {
    const a = screen(tokens.viewer);
    const b = screen(tokens.operator);
    await Promise.all([a.snapshot, b.snapshot]);

    events.emit('anomaly.opened', anomaly('TT-101', 'limit_hi', 'high', 131.5));
    const raised = await until(() => a.events.find((e) => e.kind === 'raised' && e.alarm.sensor_id === 'TT-101'));
    expect(raised.alarm).toMatchObject({ id: 'sensor:TT-101|limit_hi', state: 'unack_active', priority: 'high', last_value: 131.5, acknowledged: false });
    await until(() => b.events.find((e) => e.seq === raised.seq));

    const list = await get('/alarms');
    expect(list.status).toBe(200);
    expect(list.body.map((x: AlarmDto) => x.id)).toContain('sensor:TT-101|limit_hi');

    const ack = await post(`/alarms/${encodeURIComponent(raised.alarm.id)}/acknowledge`, { comment: 'checking the burner' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ state: 'ack_active', acked_by: 'operator.test' });
    for (const s of [a, b]) {
      const e = await until(() => s.events.find((x) => x.kind === 'acknowledged' && x.alarm.id === raised.alarm.id));
      expect(e.by).toBe('operator.test');
      expect(e.seq).toBeGreaterThan(raised.seq);
    }

    const detail = await get(`/alarms/${encodeURIComponent(raised.alarm.id)}`);
    expect(detail.body.history.map((h: { kind: string }) => h.kind)).toEqual(['acknowledged', 'raised']);
    expect(detail.body.history[0]).toMatchObject({ by: 'operator.test', comment: 'checking the burner', from: 'unack_active', to: 'ack_active' });
  });

  it('documents the alarm responses in OpenAPI, with the episodes behind an alarm', async () => {
    const docs = await get('/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.components.schemas.AlarmResponse.properties.anomaly_ids).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(docs.body.paths['/alarms/{id}'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/AlarmDetailResponse');
    expect(docs.body.paths['/alarms'].get.responses['200'].content['application/json'].schema).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/AlarmResponse' } });
  });

  it('does not let a viewer acknowledge (403), and says why an alarm cannot be acknowledged twice (422)', async () => {
    events.emit('anomaly.opened', anomaly('PT-201', 'spike'));
    await until(() => t.app.get(AlarmsService).list({ source_id: 'PT-201' }).length);
    const id = encodeURIComponent('sensor:PT-201|spike');
    const list = await get('/alarms?source_id=PT-201');
    expect(list.body).toHaveLength(1);
    const viewer = await post(`/alarms/${id}/acknowledge`, {}, tokens.viewer);
    expect(viewer.status).toBe(403);
    expect((await post(`/alarms/${id}/acknowledge`, {})).status).toBe(200);
    const again = await post(`/alarms/${id}/acknowledge`, {});
    expect(again.status).toBe(422);
    expect(again.body.message).toMatch(/not awaiting acknowledgement/);
    expect((await post(`/alarms/${id}/shelve`, { duration_minutes: 'soon', reason: 'x' })).body.message).toMatch(/duration_minutes/);
  });

  it('a value chattering across a high limit within its deadband raises one alarm; it returns to normal only once the value leaves the deadband', async () => {
    const s = screen(tokens.viewer);
    await s.snapshot;
    const sensor = 'LT-310';
    // Registered, not polled: the samples come over REST. High limit 80, deadband 5: active from 80 until below 75.
    expect((await post('/devices', { id: 'plc-lt', name: 'PLC LT', host: '127.0.0.1', port: 1502, enabled: false }, tokens.admin)).status).toBe(201);
    const tag = { sensor_id: sensor, device_id: 'plc-lt', register_type: 'holding', address: 0, data_type: 'float32', unit: '%', description: 'Tank 310 level', limits: { hi: 80, deadband: 5 } };
    expect((await post('/tags', tag, tokens.admin)).status).toBe(201);

    let i = 0;
    const t0 = Date.now() - 10 * MINUTE;
    const ingest = async (values: number[]) => {
      const samples = values.map((value) => ({ sensor_id: sensor, timestamp: t0 + i++ * 1000, value }));
      expect((await post('/sensors/data', { samples })).status).toBe(202);
    };
    const mine = (kind: string) => s.events.filter((e) => e.kind === kind && e.alarm.sensor_id === sensor);

    await ingest([70, 71, 70.5, 72, 71.5, 70]);
    // Crosses 80, then chatters: back above it now and then, and for 13 samples at a time just below it,
    // inside the deadband. Without the deadband each such run (12 normal samples) would close the episode
    // and, past the off-delay, clear the alarm, and the next crossing would raise it again.
    const insideDeadband = [79, 77, 76, 78.5, 75.5, 79.9, 77.5, 76.5, 78, 79.5, 75.8, 77, 78.2];
    await ingest([81, 79, 82, 77, 83, ...insideDeadband]);
    const raised = await until(() => mine('raised')[0]);
    expect(raised.alarm).toMatchObject({ id: `sensor:${sensor}|limit`, condition: 'limit', state: 'unack_active' });
    // The operator reads which tag, what it is, which limit and the value (with its unit).
    expect(raised.alarm.message).toMatch(/^LT-310 Tank 310 level: above Hi 80 \(8[1-3] %\)$/);
    await sleep(2000); // beyond the off-delay (1.5 s)
    await ingest([80.5, ...insideDeadband]);
    await sleep(2000);
    const chattered = i;
    expect(mine('raised')).toHaveLength(1);
    expect(mine('cleared')).toHaveLength(0);
    expect((await get(`/alarms/${encodeURIComponent(raised.alarm.id)}`)).body).toMatchObject({ state: 'unack_active', activation_count: 1 });

    // The episode behind it links to the alarm (the link is written behind the episode, so poll).
    const history = async () => ((await get(`/anomalies/history?sensor_id=${sensor}`)).body as AnomalyHistoryPage).items;
    const linked = await until(async () => (await history()).find((e) => e.alarm_id === raised.alarm.id));
    expect(linked).toMatchObject({ sensor_id: sensor, anomaly_type: 'limit', resolved: false });
    expect(await history()).toHaveLength(1);
    // ...and the alarm lists it, in REST and on screens.
    expect((await get(`/alarms/${encodeURIComponent(raised.alarm.id)}`)).body.anomaly_ids).toEqual([linked.id]);
    expect(raised.alarm.anomaly_ids).toEqual([linked.id]);

    // Out of the deadband: the episode closes after 12 normal samples, the alarm clears once after the off-delay.
    await ingest(Array.from({ length: 14 }, (_, k) => 70 + (k % 3)));
    const cleared = await until(() => mine('cleared')[0], 5000);
    expect(cleared.alarm.state).toBe('unack_rtn');
    await sleep(300);
    expect(mine('cleared')).toHaveLength(1);
    expect(mine('raised')).toHaveLength(1);
    // One episode over the whole chatter, and its closing write kept the link.
    const closed = await until(async () => (await history()).find((e) => e.alarm_id === raised.alarm.id && e.samples === chattered - 6));
    expect(closed.end_timestamp).toBe(new Date(t0 + (chattered - 1) * 1000).toISOString());
  });

  it('raises one alarm, not dozens, for episodes opening and closing faster than the off-delay', async () => {
    // The off-delay, not the deadband: e.g. a noisy signal whose episodes keep closing and re-opening.
    const s = screen(tokens.viewer);
    await s.snapshot;
    for (let i = 0; i < 30; i++) {
      const e = anomaly('LT-301', 'noise', 'medium', 80 + (i % 2));
      events.emit(i % 2 === 0 ? 'anomaly.opened' : 'anomaly.closed', e);
      await sleep(20);
    }
    // The raise reaches the screen once it is recorded; then give a second raise or a clear time to show up.
    await until(() => s.events.find((e) => e.kind === 'raised' && e.alarm.sensor_id === 'LT-301'));
    await sleep(300);
    const mine = s.events.filter((e) => e.alarm.sensor_id === 'LT-301');
    expect(mine.filter((e) => e.kind === 'raised')).toHaveLength(1);
    expect(mine.filter((e) => e.kind === 'cleared')).toHaveLength(0);
    const detail = await get(`/alarms/${encodeURIComponent('sensor:LT-301|noise')}`);
    expect(detail.body.activation_count).toBe(1);
    // When the condition really goes away, it clears once after the off-delay.
    events.emit('anomaly.closed', anomaly('LT-301', 'noise', 'medium', 70));
    await until(() => s.events.find((e) => e.kind === 'cleared' && e.alarm.sensor_id === 'LT-301'), 5000);
    expect(s.events.filter((e) => e.alarm.sensor_id === 'LT-301' && e.kind === 'cleared')).toHaveLength(1);
  });

  it('keeps a shelved alarm silent until its shelf time ends, then re-annunciates it', async () => {
    const s = screen(tokens.viewer);
    await s.snapshot;
    events.emit('anomaly.opened', anomaly('FT-401', 'stuck', 'low', 12));
    const raised = await until(() => s.events.find((e) => e.kind === 'raised' && e.alarm.sensor_id === 'FT-401'));
    const id = encodeURIComponent(raised.alarm.id);
    const shelvedAt = s.events.length;
    // 6 s on the shelf: the 1.9 s below (past the off-delay) plus a slow write of the shelving itself fit in it.
    const shelve = await post(`/alarms/${id}/shelve`, { duration_minutes: 0.1, reason: 'transmitter being replaced' });
    expect(shelve.status).toBe(200);
    expect(shelve.body.state).toBe('shelved');

    events.emit('anomaly.closed', anomaly('FT-401', 'stuck', 'low', 12));
    await sleep(1700); // beyond the off-delay: the condition cleared while shelved
    events.emit('anomaly.opened', anomaly('FT-401', 'stuck', 'low', 12));
    await sleep(200);
    expect(s.events.slice(shelvedAt).filter((e) => e.alarm.sensor_id === 'FT-401').map((e) => e.kind)).toEqual(['shelved']);

    const back = await until(() => s.events.find((e) => e.kind === 'unshelved' && e.alarm.sensor_id === 'FT-401'), 10_000);
    expect(back.alarm.state).toBe('unack_active');
    expect(back.by).toBe('system');
  });

  it('gives a reconnecting screen exactly the events it missed', async () => {
    const s = screen(tokens.viewer);
    const snap = await s.snapshot;
    events.emit('anomaly.opened', anomaly('TT-501', 'drift'));
    const seen = await until(() => s.events.find((e) => e.alarm.sensor_id === 'TT-501'));
    s.socket.disconnect();
    const lastSeq = seen.seq;
    expect(lastSeq).toBeGreaterThan(snap.seq);

    // While it is away: three changes.
    events.emit('anomaly.opened', anomaly('TT-502', 'drift'));
    events.emit('anomaly.opened', anomaly('TT-503', 'drift'));
    await post(`/alarms/${encodeURIComponent('sensor:TT-501|drift')}/acknowledge`, {});
    await until(() => t.app.get(AlarmsService).list({ source_id: 'TT-501' })[0]?.acknowledged);

    const again = screen(tokens.viewer);
    await again.snapshot;
    const ack = await new Promise<{ replayed: number; snapshot: boolean }>((resolve) => again.socket.emit('alarms:resume', { last_seq: lastSeq }, resolve));
    expect(ack.snapshot).toBe(false);
    await until(() => again.events.length >= ack.replayed);
    const replayed = again.events.slice(0, ack.replayed);
    expect(replayed.map((e) => e.seq)).toEqual(Array.from({ length: ack.replayed }, (_, i) => lastSeq + 1 + i));
    expect(replayed.map((e) => `${e.kind}:${e.alarm.source_id}`)).toEqual(['raised:TT-502', 'raised:TT-503', 'acknowledged:TT-501']);
  });

  it('raises a comm-failure alarm for a device and returns it to normal with the device', async () => {
    const s = screen(tokens.viewer);
    await s.snapshot;
    events.emit('device.comm_failed', { device_id: 'plc-7', device_name: 'PLC 7', at: Date.now(), reason: 'timeout after 500 ms' });
    const raised = await until(() => s.events.find((e) => e.kind === 'raised' && e.alarm.source_id === 'plc-7'));
    expect(raised.alarm).toMatchObject({ id: 'device:plc-7|comm_failure', source_type: 'device', condition: 'comm_failure', priority: 'high' });
    expect(raised.alarm.message).toContain('PLC 7');
    events.emit('device.comm_restored', { device_id: 'plc-7', device_name: 'PLC 7', at: Date.now(), down_ms: 3000 });
    const cleared = await until(() => s.events.find((e) => e.kind === 'cleared' && e.alarm.source_id === 'plc-7'), 5000);
    expect(cleared.alarm.state).toBe('unack_rtn');
    const ack = await post(`/alarms/${encodeURIComponent(raised.alarm.id)}/acknowledge`, {});
    expect(ack.body.state).toBe('normal');
    expect((await get('/alarms?source_id=plc-7')).body).toEqual([]);
  });

  it('names the source in every alarm payload: socket events, the snapshot, the list, the detail and the journal', async () => {
    // A listed device and a tag of it (registry names), a device the server does not list (a comm event names
    // it) and an asset (its episode names it): screens show these before loading any list of their own.
    const device = { id: 'plc-n2', name: 'PLC 02 (Turbine hall)', host: '127.0.0.1', port: 1502, unit_id: 42, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
    expect((await post('/devices', device, tokens.admin)).status).toBe(201);
    const tag = { sensor_id: 'PT-N8', device_id: 'plc-n2', area: 'Turbine hall', register_type: 'holding', address: 0, data_type: 'float32', unit: 'bar', description: 'Pressure 8 of PLC 02' };
    expect((await post('/tags', tag, tokens.admin)).status).toBe(201);
    const s = screen(tokens.viewer);
    await s.snapshot;
    events.emit('device.comm_failed', { device_id: 'plc-n2', device_name: 'PLC 02 (Turbine hall)', at: Date.now(), reason: 'timeout after 500 ms' });
    events.emit('device.comm_failed', { device_id: 'plc-gone', device_name: 'PLC 99 (Old yard)', at: Date.now(), reason: 'connection refused' });
    events.emit('anomaly.opened', anomaly('PT-N8', 'spike'));
    events.emit('anomaly.opened', { ...anomaly('asset:pump-n1', 'health'), asset: { id: 'pump-n1', name: 'Feed pump P-101', alarm_priority: 'medium', top_sensors: ['PT-N8'] } });
    const names: Record<string, string> = {
      'device:plc-n2|comm_failure': 'PLC 02 (Turbine hall)',
      'device:plc-gone|comm_failure': 'PLC 99 (Old yard)',
      'sensor:PT-N8|spike': 'Pressure 8 of PLC 02',
      'asset:pump-n1|health': 'Feed pump P-101',
    };
    const ids = Object.keys(names);
    const named = (alarms: AlarmDto[]) => Object.fromEntries(alarms.filter((a) => ids.includes(a.id)).map((a) => [a.id, a.source_name]));
    await until(() => ids.every((id) => s.events.some((e) => e.kind === 'raised' && e.alarm.id === id)));
    expect(named(s.events.filter((e) => e.kind === 'raised').map((e) => e.alarm))).toEqual(names);
    expect(named((await get('/alarms')).body)).toEqual(names);
    expect(named((await screen(tokens.viewer).snapshot).alarms)).toEqual(names);
    expect((await get(`/alarms/${encodeURIComponent('device:plc-n2|comm_failure')}`)).body.source_name).toBe('PLC 02 (Turbine hall)');
    // Polled: an alarm is pushed before its audit entry (what the journal reads) is written.
    const journal = await until(async () => {
      const items = ((await get('/alarms/journal?event=raised')).body.items as AlarmJournalEntryDto[]).filter((e) => ids.includes(e.alarm_id));
      return items.length === ids.length && items;
    });
    expect(Object.fromEntries(journal.map((e) => [e.alarm_id, e.source_name]))).toEqual(names);
  });

  it('acknowledges in bulk and reports what it skipped', async () => {
    events.emit('anomaly.opened', anomaly('B-1', 'spike'));
    events.emit('anomaly.opened', anomaly('B-2', 'spike'));
    await until(() => t.app.get(AlarmsService).list({ source_id: 'B-2' }).length);
    const r = await post('/alarms/acknowledge', { ids: ['sensor:B-1|spike', 'sensor:B-2|spike', 'sensor:nope|spike'], comment: 'shift handover' });
    expect(r.status).toBe(200);
    expect(r.body.acknowledged.sort()).toEqual(['sensor:B-1|spike', 'sensor:B-2|spike']);
    expect(r.body.skipped).toEqual([{ id: 'sensor:nope|spike', reason: 'no such alarm' }]);
  });
});

describe('alarms: flood protection', () => {
  const db = 'idm_test_alarm_flood';
  let t: TestApp;

  afterAll(async () => t?.close());

  it('marks a flood and batches events so screens stay responsive', async () => {
    await clearLoginThrottle(db);
    t = await startTestApp(db, { ALARM_FLOOD_THRESHOLD: '3', ALARM_OFF_DELAY_MS: '0' });
    const tokens = await loginAllRoles(t.url);
    const s = openScreen(t.url, tokens.viewer);
    await s.snapshot;
    const events = t.app.get(DomainEvents);
    for (let i = 0; i < 12; i++) events.emit('anomaly.opened', anomaly(`F-${i}`, 'spike'));
    await until(() => s.floods.includes(true));
    const batch = await until(() => s.batches.find((b) => b.length > 1), 5000);
    expect(batch.every((e) => e.kind === 'raised')).toBe(true);
    // The 12 raises are written one after the other, so they can span more than one batch (one a second).
    const raised = () => [...s.events, ...s.batches.flat()].filter((e) => e.kind === 'raised');
    await until(() => raised().length >= 12, 10_000);
    const all = raised();
    expect(all).toHaveLength(12);
    expect(s.events.length).toBeLessThan(12); // not one push per alarm once the flood is on
    const list = (await (await fetch(`${t.url}/alarms`, { headers: authHeader(tokens.viewer) })).json()) as AlarmDto[];
    expect(list.filter((a: AlarmDto) => a.in_flood).length).toBeGreaterThanOrEqual(12 - 3);
    s.socket.disconnect();
  });
});
