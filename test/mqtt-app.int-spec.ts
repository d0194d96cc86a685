import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, MqttClient } from 'mqtt';
import { PlcSim, startPlcSim } from '../apps/plc-sim/src/sim';
import { startTestApp, TestApp } from './support/app';
import { registerAndLogin } from './support/auth';
import { call, eventually } from './support/modbus';
import { serviceEnv } from './support/services';

// The simulator publishes on the shared test broker and the machine may be loaded; every wait polls a condition.
jest.setTimeout(240_000);

const run = `${process.pid}-${Date.now().toString(36)}`;

/** MQTT through the whole app: devices and tags by the API, samples in the historian, one alarm per dead edge node. */
describe('MQTT in the app (simulator as Sparkplug B edge node, Mosquitto)', () => {
  const url = serviceEnv().MQTT_URL;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'idm-mqtt-app-'));
  const group = `AppSim-${run}`;
  const plainPrefix = `appsim-${run}`;
  let sim: PlcSim;
  let t: TestApp;
  let admin: string;

  const mqttDevice = (id: string, over: object = {}) => ({
    id, name: `Broker ${id}`, protocol: 'mqtt', broker_url: url, client_id: `idm-${id}-${run}`, mode: 'sparkplug', group_id: group,
    host_id: `idm-${run}`, timeout_ms: 3000, enabled: true, ...over,
  });
  const alarms = async (deviceId: string) => (await call(t.url, 'GET', `/alarms?include_normal=true&source_id=${deviceId}`, admin)).body as any[];
  const latest = async (sensorId: string) => (await call(t.url, 'GET', `/sensors/${sensorId}`, admin)).body?.latest;

  beforeAll(async () => {
    sim = await startPlcSim({ plcs: 1, tags: 4, seed: 5, mqttUrl: url, mqtt: { groupId: group, updateMs: 200, plainPrefix, plainTagsPerPlc: 1 } });
    t = await startTestApp('idm_test_mqtt_app', { DATA_DIR: path.join(tmp, 'idm-data'), ALARM_OFF_DELAY_MS: '0', HISTORIAN_FLUSH_MS: '50' });
    admin = (await registerAndLogin(t.url, { username: 'admin.mqtt' })).access_token;
  });

  afterAll(async () => {
    await t?.close();
    await sim?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a Sparkplug device and its tags added through the API deliver good samples; the password is never returned', async () => {
    const created = await call(t.url, 'POST', '/devices', admin, mqttDevice('mq-sp', { username: 'idm', password: 's3cret' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ protocol: 'mqtt', mode: 'sparkplug', password_set: true });
    expect(created.body).not.toHaveProperty('password');
    // Mosquitto here allows anonymous clients and ignores the credentials; remove them so the device reads as configured.
    expect((await call(t.url, 'PATCH', '/devices/mq-sp', admin, { username: null })).body.password_set).toBe(false);
    const plc = sim.plant.plcs[0];
    for (const x of plc.tags) {
      const r = await call(t.url, 'POST', '/tags', admin, { sensor_id: x.sensor_id, device_id: 'mq-sp', area: 'Gateway', unit: x.signal.unit, source: { edge_node_id: plc.id, device_id: 'io', metric: x.sensor_id } });
      expect(r.status).toBe(201);
    }
    for (const x of plc.tags) {
      const s = await eventually(() => latest(x.sensor_id), (l) => l?.quality === 'good', 60_000);
      expect(s).toMatchObject({ quality: 'good', value: expect.any(Number) });
    }
  });

  it('lists the metrics the births announced, with units and the tag bound to each, for adoption', async () => {
    const plc = sim.plant.plcs[0];
    const r = await call(t.url, 'GET', '/devices/mq-sp/discovered', admin);
    expect(r.status).toBe(200);
    expect(r.body.map((m: any) => [m.edge_node_id, m.device_id, m.name, m.unit, m.sensor_id])).toEqual(
      plc.tags.map((x) => [plc.id, 'io', x.sensor_id, x.signal.unit, x.sensor_id]),
    );
    expect((await call(t.url, 'DELETE', `/tags/${plc.tags[3].sensor_id}`, admin)).status).toBe(204);
    const after = await eventually(async () => (await call(t.url, 'GET', '/devices/mq-sp/discovered', admin)).body, (b) => b.length === plc.tags.length && b[3].sensor_id === null, 30_000);
    expect(after.map((m: any) => m.sensor_id)).toEqual([...plc.tags.slice(0, 3).map((x) => x.sensor_id), null]);
    const x = plc.tags[3];
    expect((await call(t.url, 'POST', '/tags', admin, { sensor_id: x.sensor_id, device_id: 'mq-sp', area: 'Gateway', unit: x.signal.unit, source: { edge_node_id: plc.id, device_id: 'io', metric: x.sensor_id } })).status).toBe(201);
    expect((await call(t.url, 'GET', '/devices/mq-missing/discovered', admin)).status).toBe(404);
  });

  it('a PLC that stops answering (NDEATH) raises ONE comm-failure alarm for its edge node, cleared after its births', async () => {
    const plc = sim.plant.plcs[0];
    sim.injectFault({ kind: 'stop_answering', plc: plc.id });
    const down = await eventually(() => alarms('mq-sp'), (a) => a.some((x) => x.state === 'unack_active'), 60_000);
    expect(down.map((a) => [a.id, a.state])).toEqual([[`device:mq-sp/${plc.id}|comm_failure`, 'unack_active']]);
    expect(down[0].message).toContain(`Broker mq-sp / ${plc.id}`);
    await eventually(() => latest(plc.tags[0].sensor_id), (l) => l?.quality === 'comm_failure', 30_000);
    sim.clearFaults({ plc: plc.id });
    const cleared = await eventually(() => alarms('mq-sp'), (a) => a.every((x) => x.state !== 'unack_active'), 60_000);
    expect(cleared.map((a) => [a.id, a.state])).toEqual([[`device:mq-sp/${plc.id}|comm_failure`, 'unack_rtn']]);
    for (const x of plc.tags) await eventually(() => latest(x.sensor_id), (l) => l?.quality === 'good', 60_000);
  });

  it('a plain device with a JSON topic tag delivers the published value', async () => {
    expect((await call(t.url, 'POST', '/devices', admin, mqttDevice('mq-plain', { mode: 'plain', group_id: undefined, host_id: undefined }))).status).toBe(201);
    const plc = sim.plant.plcs[0];
    const topic = `${plainPrefix}/${plc.id}/${plc.tags[0].sensor_id}`;
    const r = await call(t.url, 'POST', '/tags', admin, { sensor_id: 'plain.first', device_id: 'mq-plain', source: { topic, value_path: 'value', timestamp_path: 'ts' } });
    expect(r.status).toBe(201);
    expect((await call(t.url, 'GET', '/tags/plain.first', admin)).body.source).toEqual({ topic, value_path: 'value', timestamp_path: 'ts' });
    // A value of our own, so the sample is this test's and not only the simulator's.
    const pub: MqttClient = connect(url, { clientId: `pub-${run}` });
    try {
      await new Promise<void>((resolve) => pub.once('connect', () => resolve()));
      const own = { topic: `${plainPrefix}/own`, value: 1234.5 };
      await call(t.url, 'POST', '/tags', admin, { sensor_id: 'plain.own', device_id: 'mq-plain', source: { topic: own.topic, value_path: 'v' } });
      const s = await eventually(
        async () => (await pub.publishAsync(own.topic, JSON.stringify({ v: own.value }), { qos: 1 }), latest('plain.own')),
        (l) => l?.quality === 'good',
        60_000,
      );
      expect(s.value).toBe(own.value);
    } finally {
      await pub.endAsync();
    }
    await eventually(() => latest('plain.first'), (l) => l?.quality === 'good', 60_000);
  });

  it('refuses bad MQTT devices and bindings with a 400 naming the device or tag and the field', async () => {
    const bad = async (route: string, body: object) => {
      const r = await call(t.url, 'POST', route, admin, body);
      expect(r.status).toBe(400);
      return (r.body.details as { field: string; message: string }[]).map((d) => [d.field, d.message]);
    };
    expect(await bad('/devices', mqttDevice('mq-bad', { broker_url: 'http://broker:1883' }))).toEqual([
      ['devices[mq-bad].broker_url', 'device "mq-bad": broker_url must start with mqtt://, mqtts://, ws:// or wss:// (got http://)'],
    ]);
    expect((await bad('/devices', mqttDevice('mq-bad', { group_id: undefined })))[0][0]).toBe('devices[mq-bad].group_id');
    expect((await bad('/devices', mqttDevice('mq-bad', { client_id: undefined })))[0][0]).toBe('client_id');
    expect((await bad('/devices', mqttDevice('mq-bad', { host: '10.0.0.1' })))[0]).toEqual(['host', 'host is not a field of an mqtt device']);
    // One client id per broker: a second session would make the broker drop the first.
    expect((await bad('/devices', mqttDevice('mq-twin', { client_id: `idm-mq-sp-${run}` })))[0][0]).toBe('devices[mq-twin].client_id');
    // A binding of the other mode, and a bad topic filter.
    expect(await bad('/tags', { sensor_id: 'x1', device_id: 'mq-sp', source: { topic: 'a/b' } })).toEqual([
      ['tags[x1].source.edge_node_id', 'tag "x1" (sparkplug mode): source.edge_node_id is required and must not contain /, + or #'],
    ]);
    expect((await bad('/tags', { sensor_id: 'x2', device_id: 'mq-plain', source: { topic: 'a/#/b' } }))[0][0]).toBe('tags[x2].source.topic');
    expect((await bad('/tags', { sensor_id: 'x3', device_id: 'mq-sp', source: { node_id: 'ns=2;s=A' } }))[0][0]).toBe('tags[x3].source');
    expect((await call(t.url, 'GET', '/devices/mq-plain/discovered', admin)).status).toBe(409);
    expect((await bad('/tags', { sensor_id: 'x4', device_id: 'mq-plain', source: { topic: 'a', bogus: 1 } }))[0][0]).toBe('source.bogus');
  });

  it('exports MQTT devices in a version-2 file without the password, and imports them back', async () => {
    expect((await call(t.url, 'PATCH', '/devices/mq-plain', admin, { username: 'idm', password: 'kept' })).status).toBe(200);
    const file = await call(t.url, 'GET', '/devices/export?format=json', admin);
    expect(file.status).toBe(200);
    const body = typeof file.body === 'string' ? JSON.parse(file.body) : file.body;
    expect(body.version).toBe(2);
    const plain = body.devices.find((d: any) => d.id === 'mq-plain');
    expect(plain).toMatchObject({ protocol: 'mqtt', mode: 'plain', username: 'idm' });
    expect(plain).not.toHaveProperty('password');
    expect(plain).not.toHaveProperty('password_set');
    expect(body.tags.find((x: any) => x.sensor_id === 'plain.own').source).toEqual({ topic: `${plainPrefix}/own`, value_path: 'v' });
    const back = await call(t.url, 'POST', '/devices/import?mode=merge', admin, body);
    expect([back.status, back.body.message]).toEqual([200, undefined]);
    expect((await call(t.url, 'GET', '/devices/mq-plain', admin)).body.password_set).toBe(true);
  });
});
