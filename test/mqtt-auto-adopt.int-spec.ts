import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SparkplugEdgeNode } from '../apps/plc-sim/src/sparkplug-edge-node';
import { startTestApp, TestApp } from './support/app';
import { registerAndLogin } from './support/auth';
import { call, eventually } from './support/modbus';
import { serviceEnv } from './support/services';

// A shared broker and a possibly loaded machine: every wait polls a condition.
jest.setTimeout(240_000);

const run = `${process.pid}-${Date.now().toString(36)}`;

/** An MQTT device's auto_adopt rules: metrics announced in Sparkplug births become tags without an admin clicking Adopt. */
describe('Sparkplug auto-adoption by rule (edge node on Mosquitto, through the app)', () => {
  const url = serviceEnv().MQTT_URL;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'idm-mqtt-adopt-'));
  const group = `Adopt-${run}`;
  let t: TestApp;
  let admin: string;
  let edge: SparkplugEdgeNode | undefined;

  const device = (over: object = {}) => ({
    id: 'mq-auto', name: 'Auto broker', protocol: 'mqtt', broker_url: url, client_id: `idm-auto-${run}`, mode: 'sparkplug', group_id: group,
    host_id: `idm-auto-${run}`, timeout_ms: 3000, enabled: true, ...over,
  });
  const rule = { match: 'gw1/boiler/*', sensor_id: 'auto.{device}.{metric}', area: 'Boiler house', alarm_priority: 'high', limits: { hi: 100 } };
  const tagsOf = async () => ((await call(t.url, 'GET', '/tags?device_id=mq-auto', admin)).body as any[]).sort((a, b) => a.sensor_id.localeCompare(b.sensor_id));
  const latest = async (sensorId: string) => (await call(t.url, 'GET', `/sensors/${sensorId}`, admin)).body?.latest;

  beforeAll(async () => {
    t = await startTestApp('idm_test_mqtt_adopt', { DATA_DIR: path.join(tmp, 'idm-data'), HISTORIAN_FLUSH_MS: '50' });
    admin = (await registerAndLogin(t.url, { username: 'admin.adopt' })).access_token;
  });

  afterAll(async () => {
    await edge?.stop();
    await t?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses bad rules as a whole, with a 400 naming each field', async () => {
    const r = await call(t.url, 'POST', '/devices', admin, device({ auto_adopt: [{ match: 'gw1' }, { match: '**', sensor_id: 'x.{node}', alarm_priority: 'urgent' }] }));
    expect(r.status).toBe(400);
    expect(r.body.details.map((d: { field: string }) => d.field)).toEqual([
      'devices[mq-auto].auto_adopt[0].match',
      'devices[mq-auto].auto_adopt[1].sensor_id',
      'devices[mq-auto].auto_adopt[1].alarm_priority',
    ]);
    const plain = await call(t.url, 'POST', '/devices', admin, device({ mode: 'plain', group_id: undefined, host_id: undefined, auto_adopt: [{ match: '**' }] }));
    expect([plain.status, plain.body.details?.[0]?.field]).toEqual([400, 'devices[mq-auto].auto_adopt']);
    expect((await call(t.url, 'POST', '/devices', admin, device({ auto_adopt: 'all' }))).body.details[0].field).toBe('auto_adopt');
  });

  it('a birth adopts the matching metrics as tags with area, priority, limits and the unit from the birth; their data flows', async () => {
    const created = await call(t.url, 'POST', '/devices', admin, device({ auto_adopt: [rule] }));
    expect(created.status).toBe(201);
    expect(created.body.auto_adopt).toEqual([rule]);
    // Subscribed before the edge node is born, so its births reach IDM (a birth missed would need data and a rebirth request).
    await eventually(async () => (await call(t.url, 'GET', '/devices/mq-auto/status', admin)).body.state, (s) => s === 'connected', 60_000);
    edge = new SparkplugEdgeNode({
      url, groupId: group, edgeNodeId: 'gw1', dataQos: 1,
      devices: {
        boiler: [
          { name: 'Pressure', alias: 10, unit: 'bar', value: 12.5 },
          { name: 'Temperature', alias: 11, unit: '°C', value: 180 },
        ],
        pump: [{ name: 'Flow', alias: 20, unit: 'm3/h', value: 30 }],
      },
    });
    await edge.start();
    const tags = await eventually(tagsOf, (x) => x.length === 2, 60_000);
    expect(tags.map((x) => [x.sensor_id, x.area, x.unit, x.alarm_priority, x.limits, x.source])).toEqual([
      ['auto.boiler.Pressure', 'Boiler house', 'bar', 'high', { hi: 100 }, { edge_node_id: 'gw1', device_id: 'boiler', metric: 'Pressure' }],
      ['auto.boiler.Temperature', 'Boiler house', '°C', 'high', { hi: 100 }, { edge_node_id: 'gw1', device_id: 'boiler', metric: 'Temperature' }],
    ]);
    const s = await eventually(async () => (await edge!.data('boiler', { Pressure: 13.5 }), latest('auto.boiler.Pressure')), (l) => l?.value === 13.5, 60_000);
    expect(s.quality).toBe('good');
  });

  it('a rebirth adopts only what is new: nothing twice, and what the admin changed stays', async () => {
    const edited = await call(t.url, 'PATCH', '/tags/auto.boiler.Pressure', admin, { area: 'Edited', limits: { hi: 50 } });
    expect(edited.status).toBe(200);
    edge!.opts.devices.boiler.push({ name: 'Level', alias: 12, unit: 'm', value: 3 });
    await edge!.birth();
    // Births go at QoS 0 (Sparkplug): one sent while the tag change restarts IDM's connection is lost, and then
    // data by the new alias makes IDM ask for a rebirth, which brings the new metric all the same.
    let level = 3;
    const tags = await eventually(async () => (await edge!.data('boiler', { Level: ++level }), tagsOf()), (x) => x.length === 3, 60_000);
    expect(tags.map((x) => [x.sensor_id, x.area, x.unit, x.limits?.hi])).toEqual([
      ['auto.boiler.Level', 'Boiler house', 'm', 100],
      ['auto.boiler.Pressure', 'Edited', 'bar', 50],
      ['auto.boiler.Temperature', 'Boiler house', '°C', 100],
    ]);
    const discovered = (await call(t.url, 'GET', '/devices/mq-auto/discovered', admin)).body as any[];
    expect(discovered.map((m) => [m.device_id, m.name, m.sensor_id])).toEqual([
      ['boiler', 'Pressure', 'auto.boiler.Pressure'],
      ['boiler', 'Temperature', 'auto.boiler.Temperature'],
      ['boiler', 'Level', 'auto.boiler.Level'],
      ['pump', 'Flow', null],
    ]);
  });

  it('the rules travel in the device file export and back in through import', async () => {
    const file = await call(t.url, 'GET', '/devices/export?format=json', admin);
    const body = typeof file.body === 'string' ? JSON.parse(file.body) : file.body;
    expect(body.devices.find((d: any) => d.id === 'mq-auto').auto_adopt).toEqual([rule]);
    body.devices.find((d: any) => d.id === 'mq-auto').auto_adopt[0].area = 'Imported';
    const back = await call(t.url, 'POST', '/devices/import?mode=merge', admin, body);
    expect(back.status).toBe(200);
    expect((await call(t.url, 'GET', '/devices/mq-auto', admin)).body.auto_adopt[0].area).toBe('Imported');
    expect((await tagsOf()).length).toBe(3);
  });
});
