import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AlarmDto, Role } from '@idm/contracts';
import { TagRegistryService } from '@idm/ingestion';
import { startTestApp, TestApp } from './support/app';
import { clearLoginThrottle, loginAllRoles } from './support/auth';
import { call, eventually } from './support/modbus';

const device = { id: 'plc-p', name: 'PLC P', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
const tag = (sensor_id: string, address: number, extra: object = {}) => ({
  sensor_id, device_id: 'plc-p', area: 'Boiler house', register_type: 'holding', address, data_type: 'float32', unit: '°C',
  description: `tag ${sensor_id}`, limits: { hi: 80, hihi: 90 }, ...extra,
});

describe('alarm priority from the tag configuration (ISA-18.2 rationalization)', () => {
  const db = 'idm_test_alarm_priority';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-alarm-priority-'));
  let t: TestApp;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    await clearLoginThrottle(db);
    t = await startTestApp(db, { DATA_DIR: dataDir, MODBUS_POLLING: '0', ALARM_ON_DELAY_MS: '0', ALARM_FLOOD_THRESHOLD: '1000' });
    tokens = await loginAllRoles(t.url);
    expect((await call(t.url, 'POST', '/devices', tokens.admin, device)).status).toBe(201);
    for (const body of [
      tag('TT-CRIT', 0, { alarm_priority: { limit: 'critical', stuck: 'low' } }),
      tag('TT-PLAIN', 2),
      tag('TT-LOW', 4, { alarm_priority: 'low' }),
    ]) {
      const r = await call(t.url, 'POST', '/tags', tokens.admin, body);
      expect(r.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sends samples over REST (through detection, like any sample) one second apart, ending now. */
  async function ingest(sensorId: string, values: number[]): Promise<void> {
    const end = Date.now();
    const samples = values.map((value, i) => ({ sensor_id: sensorId, timestamp: end - (values.length - 1 - i) * 1000, value }));
    expect((await call(t.url, 'POST', '/sensors/data', tokens.operator, { samples })).status).toBeLessThan(300);
  }

  async function alarmOf(sensorId: string, ok: (a: AlarmDto) => boolean = () => true): Promise<AlarmDto> {
    const r = await eventually(
      () => call(t.url, 'GET', `/alarms?source_id=${encodeURIComponent(sensorId)}`, tokens.viewer),
      (x) => Array.isArray(x.body) && x.body.some(ok),
      10_000,
      50,
    );
    const alarm = (r.body as AlarmDto[]).find(ok);
    if (!alarm) throw new Error(`no alarm for ${sensorId}: ${JSON.stringify(r.body)}`);
    return alarm;
  }

  it('raises a critical alarm for a tag configured critical for the condition, where the severity gives medium', async () => {
    await ingest('TT-PLAIN', [50, 51, 85]);
    await ingest('TT-CRIT', [50, 51, 85]);
    const plain = await alarmOf('TT-PLAIN');
    const crit = await alarmOf('TT-CRIT');
    expect(plain).toMatchObject({ condition: 'limit', priority: 'medium', state: 'unack_active' });
    expect(crit).toMatchObject({ condition: 'limit', priority: 'critical', state: 'unack_active' });
    // The episode behind it is medium: the priority came from the configuration, not from the score.
    // (Detection writes the episode just behind announcing it, so it may be stored after the alarm shows.)
    const history = await eventually(
      () => call(t.url, 'GET', '/anomalies/history?sensor_id=TT-CRIT', tokens.viewer),
      (r) => r.body.items?.length > 0,
      10_000,
      50,
    );
    expect(history.body.items.map((e: { anomaly_type: string; severity: string }) => [e.anomaly_type, e.severity])).toEqual([['limit', 'medium']]);
    // Critical first in the list operators work from.
    const ids = ((await call(t.url, 'GET', '/alarms', tokens.viewer)).body as AlarmDto[]).map((a) => a.id);
    expect(ids.indexOf('sensor:TT-CRIT|limit')).toBeLessThan(ids.indexOf('sensor:TT-PLAIN|limit'));
  });

  it('keeps a configured priority fixed while the episode worsens; a severity-derived one escalates', async () => {
    await ingest('TT-LOW', [50, 51, 85]);
    expect((await alarmOf('TT-LOW')).priority).toBe('low');
    await ingest('TT-LOW', [95]); // past hihi: the episode becomes critical
    await ingest('TT-PLAIN', [95]);
    expect((await alarmOf('TT-PLAIN', (a) => a.priority === 'critical')).priority).toBe('critical');
    await eventually(
      () => call(t.url, 'GET', '/anomalies/history?sensor_id=TT-LOW', tokens.viewer),
      (r) => r.body.items?.[0]?.severity === 'critical',
    );
    // Seen by the alarm (its last value is the hihi sample), and still at the configured priority.
    expect((await alarmOf('TT-LOW', (a) => a.last_value === 95)).priority).toBe('low');
  });

  it('refuses bad configuration with a 400 naming the tag and the field, and stores nothing', async () => {
    const cond = await call(t.url, 'POST', '/tags', tokens.admin, tag('TT-BAD', 10, { alarm_priority: { limit_hi: 'critical' } }));
    expect(cond.status).toBe(400);
    expect(cond.body.message).toMatch(/^tag "TT-BAD": alarm_priority\.limit_hi is not a condition of a tag \(one of limit, out_of_range, spike/);
    expect(cond.body.details).toEqual([expect.objectContaining({ field: 'tags[TT-BAD].alarm_priority.limit_hi', rule: 'isCondition' })]);
    expect(t.app.get(TagRegistryService).getTag('TT-BAD')).toBeUndefined();

    const name = await call(t.url, 'PATCH', '/tags/TT-CRIT', tokens.admin, { alarm_priority: 'urgent' });
    expect(name.status).toBe(400);
    expect(name.body.message).toBe('tag "TT-CRIT": alarm_priority must be one of critical, high, medium, low (got "urgent")');
    expect(name.body.details[0].field).toBe('tags[TT-CRIT].alarm_priority');

    const file = { version: 1, devices: [device], tags: [tag('TT-NEW', 20, { alarm_priority: { spike: 'very high' } })] };
    const imported = await call(t.url, 'POST', '/devices/import', tokens.admin, file);
    expect(imported.status).toBe(400);
    expect(imported.body.message).toBe('tag "TT-NEW": alarm_priority.spike must be one of critical, high, medium, low (got "very high")');
    expect(t.app.get(TagRegistryService).getTag('TT-NEW')).toBeUndefined();
    expect(t.app.get(TagRegistryService).getTag('TT-CRIT')?.alarm_priority).toEqual({ limit: 'critical', stuck: 'low' });
  });

  it('round-trips through YAML export and import, and PATCH null goes back to the severity', async () => {
    const exported = await call(t.url, 'GET', '/devices/export?format=yaml', tokens.admin);
    const file = parseYaml(exported.body);
    const bySensor = Object.fromEntries(file.tags.map((x: { sensor_id: string; alarm_priority?: unknown }) => [x.sensor_id, x.alarm_priority]));
    expect(bySensor).toEqual({ 'TT-CRIT': { limit: 'critical', stuck: 'low' }, 'TT-PLAIN': undefined, 'TT-LOW': 'low' });
    expect((await call(t.url, 'POST', '/devices/import?mode=replace', tokens.admin, { yaml: exported.body })).status).toBe(200);
    expect(parseYaml((await call(t.url, 'GET', '/devices/export?format=yaml', tokens.admin)).body)).toEqual(file);

    const patched = await call(t.url, 'PATCH', '/tags/TT-LOW', tokens.admin, { alarm_priority: null });
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('alarm_priority');
    expect(t.app.get(TagRegistryService).getTag('TT-LOW')?.alarm_priority).toBeUndefined();
  });
});
