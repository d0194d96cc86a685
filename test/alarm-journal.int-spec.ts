import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AlarmDto, AlarmJournalEntryDto, AlarmJournalPageDto, AnomalyEpisodeEvent, Role } from '@idm/contracts';
import { DomainEvents } from '@idm/core';
import { dropDatabase, startTestApp, TestApp } from './support/app';
import { mongoUriFor, withDb } from './support/services';
import { authHeader, clearLoginThrottle, loginAllRoles } from './support/auth';
import { parseCsv } from './support/csv';
import { call, eventually } from './support/modbus';

const device = { id: 'plc-j', name: 'PLC J', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
const tag = (sensor_id: string, area: string, address: number, alarm_priority: string) => ({
  sensor_id, device_id: 'plc-j', area, register_type: 'holding', address, data_type: 'float32', unit: '°C', description: `tag ${sensor_id}`, alarm_priority,
});


let seq = 0;
const anomaly = (sensor: string, type: string): AnomalyEpisodeEvent => ({
  anomaly_id: `j-${++seq}`, sensor_id: sensor, anomaly_type: type, severity: 'high', score: 0.9, timestamp: Date.now(), end_timestamp: null, value: 120,
});

describe('alarm journal: GET /alarms/journal', () => {
  const db = 'idm_test_alarm_journal';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-alarm-journal-'));
  let t: TestApp;
  let tokens: Record<Role, string>;
  const started = new Date(Date.now() - 60_000).toISOString();
  let all: AlarmJournalEntryDto[];

  const journal = async (query: string, token = tokens.viewer) => call(t.url, 'GET', `/alarms/journal${query}`, token) as Promise<{ status: number; body: AlarmJournalPageDto & { details?: { field: string }[]; message: string } }>;
  const ids = (page: AlarmJournalPageDto) => page.items.map((e) => e.id);

  beforeAll(async () => {
    await clearLoginThrottle(db);
    // Before this build the audit trail kept no priority, area or message: such an entry reads them from the alarm.
    // It is stored before IDM starts, as an upgraded installation has it (IDM copies it into time-keyed segments).
    await dropDatabase(mongoUriFor(db));
    await withDb(db, (d) => d.collection('alarm_audit').insertOne({ alarm_id: 'sensor:TT-J1|limit', kind: 'commented', from: 'normal', to: 'normal', at: Date.now() - 30_000, by: 'old.user', comment: 'written before the upgrade' }));
    t = await startTestApp(db, { KEEP_DB: '1', DATA_DIR: dataDir, MODBUS_POLLING: '0', ALARM_ON_DELAY_MS: '0', ALARM_FLOOD_THRESHOLD: '1000' });
    tokens = await loginAllRoles(t.url);
    expect((await call(t.url, 'POST', '/devices', tokens.admin, device)).status).toBe(201);
    for (const body of [tag('TT-J1', 'Boiler house', 0, 'critical'), tag('PT-J2', 'Tank farm', 2, 'low')]) expect((await call(t.url, 'POST', '/tags', tokens.admin, body)).status).toBe(201);


    const events = t.app.get(DomainEvents);
    events.emit('anomaly.opened', anomaly('TT-J1', 'limit'));
    events.emit('anomaly.opened', anomaly('PT-J2', 'spike'));
    const raised = await eventually(async () => (await call(t.url, 'GET', '/alarms', tokens.viewer)).body as AlarmDto[], (a) => a.length === 2);
    expect(raised.map((a) => a.id).sort()).toEqual(['sensor:PT-J2|spike', 'sensor:TT-J1|limit']);
    expect((await call(t.url, 'POST', `/alarms/${encodeURIComponent('sensor:TT-J1|limit')}/acknowledge`, tokens.operator, { comment: 'Valve V-3 closed, "by hand", 100% (checked)' })).status).toBe(200);
    expect((await call(t.url, 'POST', `/alarms/${encodeURIComponent('sensor:PT-J2|spike')}/comments`, tokens.operator, { text: '=HYPERLINK("http://evil")' })).status).toBe(200);
    expect((await call(t.url, 'POST', `/alarms/${encodeURIComponent('sensor:PT-J2|spike')}/shelve`, tokens.supervisor, { duration_minutes: 60, reason: 'pump swap\nnight shift' })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists every alarm event of the range, newest first, with sensor, area, priority, user and message', async () => {
    const res = await journal(`?from=${started}`);
    expect(res.status).toBe(200);
    all = res.body.items;
    expect(res.body.total).toBe(all.length);
    expect(all.map((e) => `${e.kind} ${e.source_id}`)).toEqual(['shelved PT-J2', 'commented PT-J2', 'acknowledged TT-J1', expect.stringMatching(/^raised /), expect.stringMatching(/^raised /), 'commented TT-J1']);
    const at = all.map((e) => Date.parse(e.at));
    expect(at).toEqual([...at].sort((x, y) => y - x));
    const ack = all.find((e) => e.kind === 'acknowledged')!;
    expect(ack).toMatchObject({ alarm_id: 'sensor:TT-J1|limit', sensor_id: 'TT-J1', area: 'Boiler house', priority: 'critical', condition: 'limit', user: 'operator.test', from: 'unack_active', to: 'ack_active' });
    expect(ack.message).toMatch(/TT-J1/);
    expect(all.find((e) => e.kind === 'shelved')).toMatchObject({ user: 'supervisor.test', area: 'Tank farm', priority: 'low', comment: 'pump swap\nnight shift' });
    expect(all.filter((e) => e.kind === 'raised').every((e) => e.user === null && e.to === 'unack_active')).toBe(true);
    // The entry from before the upgrade: area, priority and message from the alarm as it is now.
    expect(all[5]).toMatchObject({ user: 'old.user', comment: 'written before the upgrade', area: 'Boiler house', priority: 'critical', sensor_id: 'TT-J1' });
    expect(all[5].message).toBe(ack.message);
    // The default range is the last 8 h (a shift), ending now.
    const dflt = await journal('');
    expect(Date.parse(dflt.body.to) - Date.parse(dflt.body.from)).toBe(8 * 3600_000);
    expect(ids(dflt.body)).toEqual(ids(res.body));
    // Before the events: nothing.
    expect((await journal(`?to=${started}`)).body.total).toBe(0);
  });

  it('searches by text, area, sensor, priority, kind of event and user, every value a literal', async () => {
    const find = async (query: string) => {
      const res = await journal(`?from=${started}&${query}`);
      expect(res.status).toBe(200);
      return res.body.items.map((e) => `${e.kind} ${e.source_id}`);
    };
    expect(await find('area=tank%20FARM')).toEqual(['shelved PT-J2', 'commented PT-J2', 'raised PT-J2']);
    expect(await find('sensor_id=tt-j1')).toEqual(['acknowledged TT-J1', 'raised TT-J1', 'commented TT-J1']);
    expect(await find('priority=critical,high')).toEqual(['acknowledged TT-J1', 'raised TT-J1', 'commented TT-J1']);
    expect(await find('event=raised')).toEqual(expect.arrayContaining(['raised TT-J1', 'raised PT-J2']));
    expect(await find('event=shelved,acknowledged')).toEqual(['shelved PT-J2', 'acknowledged TT-J1']);
    expect(await find('user=Operator.Test')).toEqual(['commented PT-J2', 'acknowledged TT-J1']);
    expect(await find(`q=${encodeURIComponent('"by hand", 100% (')}`)).toEqual(['acknowledged TT-J1']);
    expect(await find('q=night')).toEqual(['shelved PT-J2']);
    expect(await find('area=Tank%20farm&event=commented&user=operator.test&q=hyperlink')).toEqual(['commented PT-J2']);
    // Patterns and operators are text: they match nothing.
    expect(await find('q=.*')).toEqual([]);
    expect(await find(`area=${encodeURIComponent('{"$ne":null}')}`)).toEqual([]);
    for (const bad of ['user[$ne]=x', 'q[$regex]=.', 'area[$gt]=', 'user=a&user=b']) {
      const res = await journal(`?from=${started}&${bad}`);
      expect(res.status).toBe(400);
    }
  });

  it('pages through the same events in a stable order, with the total', async () => {
    const seen: string[] = [];
    let pages = 0;
    for (let page = 1; ; page++) {
      const res = await journal(`?from=${started}&limit=4&page=${page}`);
      expect(res.body.total).toBe(6);
      pages = res.body.pages;
      if (!res.body.items.length) break;
      expect(res.body.items.length).toBeLessThanOrEqual(4);
      seen.push(...ids(res.body));
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(all.map((e) => e.id));
    const asc = await journal(`?from=${started}&order=asc&limit=500`);
    expect(ids(asc.body)).toEqual(all.map((e) => e.id).reverse());
  });

  it('exports the search as CSV: quoted fields, local and UTC times, the range in the file name', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await fetch(`${t.url}/alarms/journal?from=${started}&to=${to}&format=csv&tz=Europe/Berlin&area=Tank%20farm`, { headers: authHeader(tokens.viewer) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const stamp = (iso: string) => iso.replace(/[-:]/g, '').slice(0, 13) + 'Z';
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="alarm-journal_${stamp(started)}_${stamp(to)}.csv"`);
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual(['time_local (Europe/Berlin)', 'time_utc', 'event', 'priority', 'area', 'sensor', 'alarm_id', 'from_state', 'to_state', 'user', 'message', 'comment', 'source_name']);
    const body = rows.slice(1);
    // The tag's name beside its id.
    expect(body.map((r) => r[12])).toEqual(['tag PT-J2', 'tag PT-J2', 'tag PT-J2']);
    expect(body.map((r) => `${r[2]} ${r[5]}`)).toEqual(['shelved PT-J2', 'commented PT-J2', 'raised PT-J2']);
    const shelved = body[0];
    expect(shelved[11]).toBe('pump swap\nnight shift');
    // A formula is neutralised, the text kept.
    expect(body[1][11]).toBe(`'=HYPERLINK("http://evil")`);
    const utc = new Date(shelved[1]);
    expect(shelved[1]).toBe(utc.toISOString());
    const berlin = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'medium' }).format(utc);
    expect(shelved[0]).toBe(berlin);
    expect(shelved.slice(3, 10)).toEqual(['low', 'Tank farm', 'PT-J2', 'sensor:PT-J2|spike', 'unack_active', 'shelved', 'supervisor.test']);

    const ack = parseCsv(await (await fetch(`${t.url}/alarms/journal?from=${started}&format=csv&event=acknowledged`, { headers: authHeader(tokens.viewer) })).text());
    expect(ack[0][0]).toBe('time_local (UTC)');
    expect(ack[1][11]).toBe('Valve V-3 closed, "by hand", 100% (checked)');
    expect(ack).toHaveLength(2);
  });

  it("names a device's event by the device's name in the CSV, its id kept in the sensor column", async () => {
    t.app.get(DomainEvents).emit('device.comm_failed', { device_id: 'plc-j', device_name: 'PLC J', at: Date.now(), reason: 'timeout' });
    await eventually(async () => (await call(t.url, 'GET', '/alarms', tokens.viewer)).body as AlarmDto[], (a) => a.some((x) => x.source_type === 'device'));
    const rows = parseCsv(await (await fetch(`${t.url}/alarms/journal?from=${started}&format=csv&sensor_id=plc-j`, { headers: authHeader(tokens.viewer) })).text());
    const raised = rows.slice(1).filter((r) => r[2] === 'raised');
    expect(raised.map((r) => [r[5], r[12]])).toEqual([['plc-j', 'PLC J']]);
  });

  it('answers 400 naming the field for bad input, and 401 without a token', async () => {
    const hour = 3600_000;
    const now = Date.now();
    const cases: [string, string][] = [
      ['from=yesterday', 'from'],
      ['to=2026-13-45T00:00:00Z', 'to'],
      [`from=${new Date(now).toISOString()}&to=${new Date(now - hour).toISOString()}`, 'from'],
      [`from=${new Date(now - 32 * 24 * hour).toISOString()}&to=${new Date(now).toISOString()}`, 'to'],
      ['priority=urgent', 'priority'],
      ['event=raised,exploded', 'event'],
      ['user=a%20b', 'user'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['page=0', 'page'],
      ['page=x', 'page'],
      ['order=up', 'order'],
      ['format=xml', 'format'],
      ['tz=Mars/Base', 'tz'],
      [`q=${'x'.repeat(201)}`, 'q'],
      ['colour=red', 'colour'],
    ];
    for (const [query, field] of cases) {
      const res = await journal(`?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect({ query, fields: (res.body.details ?? []).map((d) => d.field) }).toEqual({ query, fields: expect.arrayContaining([field]) });
    }
    expect((await call(t.url, 'GET', '/alarms/journal', null)).status).toBe(401);
  });
});

describe('alarm journal storage: hour segments read by _id, legacy documents, retention', () => {
  const db = 'idm_test_alarm_journal_store';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-alarm-journal-store-'));
  const DAY = 86_400_000;
  const HOUR = 3_600_000;
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('copies per-event documents into hour segments, answers ranges from the segments alone, and deletes events past ALARM_AUDIT_RETENTION_DAYS', async () => {
    await clearLoginThrottle(db);
    await dropDatabase(mongoUriFor(db));
    const now = Date.now();
    const hour = Math.floor(now / HOUR) * HOUR;
    const event = (at: number, i: number) => ({ alarm_id: 'sensor:OLD-1|limit', kind: i % 2 ? 'cleared' : 'raised', from: 'normal', to: 'normal', at, by: null, comment: `n${i}` });
    // 1 200 events over the two hours before the current one (600 an hour: six segments each), and 50 from 40 days ago.
    const recent = Array.from({ length: 1200 }, (_, i) => event(hour - 2 * HOUR + i * 6000, i));
    const old = Array.from({ length: 50 }, (_, i) => event(now - 40 * DAY + i * 60_000, i));
    await withDb(db, (d) => d.collection('alarm_audit').insertMany([...recent, ...old]));

    t = await startTestApp(db, { KEEP_DB: '1', DATA_DIR: dataDir, MODBUS_POLLING: '0', ALARM_AUDIT_RETENTION_DAYS: '30' });
    const tokens = await loginAllRoles(t.url);
    // The copy and the retention run in the background once the database is ready.
    const state = () => withDb(db, async (d) => ({
      migrated: !!(await d.collection<{ _id: string; migrated?: boolean }>('alarm_audit_segments').findOne({ _id: 'meta' }))?.migrated,
      legacyOld: await d.collection('alarm_audit').countDocuments({ at: { $lt: now - 30 * DAY } }),
      segmentIds: (await d.collection<{ _id: string }>('alarm_audit_segments').find({}, { projection: { _id: 1 } }).toArray()).map((x) => x._id),
    }));
    const s = await eventually(state, (x) => x.migrated && x.legacyOld === 0, 60_000, 250);
    const pad = (h: number) => String(h).padStart(16, '0');
    expect(s.segmentIds).toEqual(expect.arrayContaining([`${pad(hour - 2 * HOUR)}|0`, `${pad(hour - 2 * HOUR)}|5`, `${pad(hour - HOUR)}|0`, `${pad(hour - HOUR)}|5`]));
    expect(s.segmentIds.filter((id) => id !== 'meta' && Number(id.split('|')[0]) < now - 30 * DAY)).toEqual([]);

    // Without the per-event documents the journal still answers every event of the range, from the segments.
    await withDb(db, (d) => d.collection('alarm_audit').drop());
    const range = `from=${new Date(hour - 2 * HOUR).toISOString()}&to=${new Date(hour).toISOString()}`;
    const page = await call(t.url, 'GET', `/alarms/journal?${range}&limit=500&order=asc`, tokens.viewer);
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(1200);
    expect(page.body.items.map((e: AlarmJournalEntryDto) => e.comment).slice(0, 3)).toEqual(['n0', 'n1', 'n2']);
    // A range inside one hour: only its events.
    const part = await call(t.url, 'GET', `/alarms/journal?from=${new Date(hour - HOUR + 30 * 60_000).toISOString()}&to=${new Date(hour).toISOString()}&limit=1`, tokens.viewer);
    expect(part.body.total).toBe(300);

    const gone = await call(t.url, 'GET', `/alarms/journal?from=${new Date(now - 41 * DAY).toISOString()}&to=${new Date(now - 39 * DAY).toISOString()}`, tokens.viewer);
    expect(gone.status).toBe(200);
    expect(gone.body.total).toBe(0);
  });
});
