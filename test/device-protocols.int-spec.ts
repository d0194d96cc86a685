import mongoose from 'mongoose';
import { parse as parseYaml } from 'yaml';
import { TagRegistryService } from '@idm/ingestion';
import { dropDatabase, startTestApp, TestApp } from './support/app';
import { registerAndLogin } from './support/auth';
import { call, eventually } from './support/modbus';
import { mongoUriFor } from './support/services';

/** Documents exactly as IDM stored them before devices had a protocol and tags a `source`. */
const OLD_DEVICE = { _id: 'plc-old', name: 'Old PLC', host: '10.9.8.7', port: 1502, unit_id: 4, poll_interval_ms: 1000, timeout_ms: 500, enabled: false, block_gap: 4 };
const OLD_TAG = {
  _id: 'TT-OLD', device_id: 'plc-old', area: 'Boiler house', register_type: 'input', address: 12, data_type: 'int16', word_order: 'big', byte_order: 'little',
  scale: 0.1, offset: 0, unit: '°C', description: 'stored before sources', limits: { hi: 80 },
};

const UA = {
  id: 'ua-01', name: 'Line 7 server', protocol: 'opcua', endpoint_url: 'opc.tcp://127.0.0.1:48400/UA/Line7',
  security_mode: 'SignAndEncrypt', security_policy: 'Basic256Sha256', username: 'idm-reader', password: 'S3cret-pw!', publishing_interval_ms: 500, enabled: false,
};
const uaTag = (sensor_id: string, source: object, extra: object = {}) => ({ sensor_id, device_id: 'ua-01', area: 'Line 7', unit: 'bar', source, ...extra });

describe('registry: stored documents from before sources, OPC UA devices and device-file version 2', () => {
  const db = 'idm_test_device_protocols';
  const uri = mongoUriFor(db);
  let t: TestApp;
  let admin: string;
  let raw: mongoose.Connection;

  beforeAll(async () => {
    await dropDatabase(uri);
    raw = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
    await raw.collection('devices').insertOne(OLD_DEVICE as object);
    await raw.collection('tags').insertOne(OLD_TAG as object);
    t = await startTestApp(db, { KEEP_DB: '1' });
    admin = (await registerAndLogin(t.url, { username: 'admin.protocols' })).access_token;
  });
  afterAll(async () => {
    await t?.close();
    await raw?.close();
  });

  it('reads a device and a tag stored in the old shape unchanged, and stores the new shape on their next change', async () => {
    const device = await call(t.url, 'GET', '/devices/plc-old', admin);
    expect(device.body).toEqual({ id: 'plc-old', name: 'Old PLC', protocol: 'modbus', host: '10.9.8.7', port: 1502, unit_id: 4, poll_interval_ms: 1000, timeout_ms: 500, enabled: false, block_gap: 4 });
    const tag = await call(t.url, 'GET', '/tags/TT-OLD', admin);
    expect(tag.body).toEqual({
      sensor_id: 'TT-OLD', device_id: 'plc-old', area: 'Boiler house',
      source: { register_type: 'input', address: 12, data_type: 'int16', word_order: 'big', byte_order: 'little' },
      scale: 0.1, offset: 0, unit: '°C', description: 'stored before sources', limits: { hi: 80 },
    });
    expect((await call(t.url, 'PATCH', '/tags/TT-OLD', admin, { description: 'changed' })).status).toBe(200);
    const stored = await raw.collection('tags').findOne({ _id: 'TT-OLD' } as object);
    expect(stored).toMatchObject({ source: { register_type: 'input', address: 12, data_type: 'int16', byte_order: 'little' }, description: 'changed' });
    expect(stored).not.toHaveProperty('register_type');
    // A flat PATCH of a binding field still works and lands in `source`.
    expect((await call(t.url, 'PATCH', '/tags/TT-OLD', admin, { address: 20 })).body.source).toMatchObject({ register_type: 'input', address: 20 });
  });

  it('adds an OPC UA device whose password is stored but never returned', async () => {
    const created = await call(t.url, 'POST', '/devices', admin, UA);
    expect(created.status).toBe(201);
    const { password: _pw, ...shown } = UA;
    expect(created.body).toEqual({ ...shown, timeout_ms: 10_000, password_set: true });
    for (const r of [await call(t.url, 'GET', '/devices/ua-01', admin), await call(t.url, 'GET', '/devices', admin)]) {
      expect(JSON.stringify(r.body)).not.toContain(UA.password);
    }
    expect((await call(t.url, 'GET', '/devices/ua-01', admin)).body.password_set).toBe(true);
    // The driver needs it: the registry (and the database) keep it.
    expect(t.app.get(TagRegistryService).getDevice('ua-01')).toMatchObject({ password: UA.password });
    // PATCH without a password keeps it; an answer sent back as it came (password_set included) is accepted.
    const patched = await call(t.url, 'PATCH', '/devices/ua-01', admin, { ...created.body, id: undefined, publishing_interval_ms: 250 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ publishing_interval_ms: 250, password_set: true });
    expect(t.app.get(TagRegistryService).getDevice('ua-01')).toMatchObject({ password: UA.password });
    expect((await call(t.url, 'GET', '/devices/status', admin)).body.find((s: any) => s.device_id === 'ua-01')).toMatchObject({ state: 'disabled' });
  });

  it('refuses inconsistent OPC UA settings with a 400 naming the device and field', async () => {
    const bad = async (body: object, field: string, text: string | RegExp) => {
      const r = await call(t.url, 'POST', '/devices', admin, { ...UA, id: 'ua-bad', ...body });
      expect(r.status).toBe(400);
      expect(r.body.details.map((d: any) => d.field)).toContain(field);
      expect(r.body.message).toMatch(text);
    };
    await bad({ endpoint_url: 'http://127.0.0.1:4840' }, 'endpoint_url', 'endpoint_url must be opc.tcp://host:port[/path]');
    await bad({ endpoint_url: undefined }, 'endpoint_url', 'endpoint_url is required');
    await bad({ security_mode: 'None' }, 'devices[ua-bad].security_policy', 'device "ua-bad": security_mode None needs security_policy None (got Basic256Sha256)');
    await bad({ security_policy: 'Basic128' }, 'security_policy', /security_policy must be one of None, Basic256Sha256/);
    await bad({ password: undefined }, 'devices[ua-bad].password', 'device "ua-bad": username and password go together');
    await bad({ publishing_interval_ms: 10 }, 'publishing_interval_ms', /publishing_interval_ms must not be less than 50/);
    await bad({ host: '10.0.0.1' }, 'host', 'host is not a field of an opcua device');
    const modbusWithUa = await call(t.url, 'POST', '/devices', admin, { id: 'plc-x', name: 'X', host: '10.0.0.9', endpoint_url: UA.endpoint_url });
    expect(modbusWithUa.body.details).toEqual([expect.objectContaining({ field: 'endpoint_url', rule: 'matchesProtocol' })]);
    const toModbus = await call(t.url, 'PATCH', '/devices/ua-01', admin, { protocol: 'modbus' });
    expect(toModbus.status).toBe(400);
    expect(toModbus.body.details[0]).toMatchObject({ field: 'protocol', rule: 'immutable' });
  });

  it('binds tags to OPC UA nodes, and refuses a binding of the wrong protocol or a bad node id naming the tag', async () => {
    const ok = await call(t.url, 'POST', '/tags', admin, uaTag('PT-701', { node_id: 'ns=2;s=Line7.Pressure', sampling_interval_ms: 250, deadband_type: 'absolute', deadband_value: 0.05 }));
    expect(ok.status).toBe(201);
    expect(ok.body.source).toEqual({ node_id: 'ns=2;s=Line7.Pressure', sampling_interval_ms: 250, deadband_type: 'absolute', deadband_value: 0.05 });
    const flat = await call(t.url, 'POST', '/tags', admin, { sensor_id: 'PT-702', device_id: 'ua-01', register_type: 'holding', address: 0, data_type: 'float32' });
    expect(flat.status).toBe(400);
    expect(flat.body.details[0]).toMatchObject({ field: 'tags[PT-702].source', rule: 'matchesProtocol' });
    expect(flat.body.message).toBe('tag "PT-702": device "ua-01" speaks opcua, so the tag needs an OPC UA binding (node_id)');
    const node = await call(t.url, 'POST', '/tags', admin, uaTag('PT-703', { node_id: 'Line7.Pressure' }));
    expect(node.body.details).toEqual([expect.objectContaining({ field: 'source.node_id' })]);
    const queue = await call(t.url, 'POST', '/tags', admin, uaTag('PT-704', { node_id: 'i=2258', queue_size: 5000 }));
    expect(queue.body.details).toEqual([expect.objectContaining({ field: 'source.queue_size', rule: 'max' })]);
    const percent = await call(t.url, 'POST', '/tags', admin, uaTag('PT-705', { node_id: 'ns=3;i=1001', deadband_type: 'percent', deadband_value: 150 }));
    expect(percent.body.message).toBe('tag "PT-705": a percent deadband_value must be at most 100 (got 150)');
    const both = await call(t.url, 'POST', '/tags', admin, { ...uaTag('PT-706', { node_id: 'i=1' }), address: 3 });
    expect(both.body.details[0]).toMatchObject({ field: 'source', rule: 'oneForm' });
    const none = await call(t.url, 'POST', '/tags', admin, { sensor_id: 'PT-707', device_id: 'ua-01' });
    expect(none.body.details[0]).toMatchObject({ field: 'source', rule: 'required' });
    const onModbus = await call(t.url, 'POST', '/tags', admin, { sensor_id: 'TT-800', device_id: 'plc-old', source: { node_id: 'i=1' } });
    expect(onModbus.body.details[0]).toMatchObject({ field: 'tags[TT-800].source', rule: 'matchesProtocol' });
    // A PATCH of part of the binding keeps the rest.
    const patched = await call(t.url, 'PATCH', '/tags/PT-701', admin, { source: { deadband_value: 0.1 } });
    expect(patched.body.source).toEqual({ node_id: 'ns=2;s=Line7.Pressure', sampling_interval_ms: 250, deadband_type: 'absolute', deadband_value: 0.1 });
  });

  it('an enabled device whose protocol has no driver here stays unread, says why, and IDM runs on', async () => {
    // Written while this IDM had only the Modbus driver; once the OPC UA one is registered, the device is read
    // instead (and, with nothing listening at its endpoint, ends in comm failure).
    const hasOpcuaDriver = 'opcua' in (await call(t.url, 'GET', '/health', null)).body.components;
    expect((await call(t.url, 'PATCH', '/devices/ua-01', admin, { enabled: true })).status).toBe(200);
    if (hasOpcuaDriver) {
      await eventually(() => call(t.url, 'GET', '/devices/ua-01/status', admin), (r) => r.body.state === 'comm_failure', 30_000);
    } else {
      const status = await eventually(() => call(t.url, 'GET', '/devices/ua-01/status', admin), (r) => r.body.last_error !== null);
      expect(status.body).toMatchObject({ state: 'disabled', connected: false, last_error: expect.stringContaining('no source driver for protocol "opcua"') });
      expect((await call(t.url, 'GET', '/health', null)).body.components.sources).toMatchObject({ status: 'degraded' });
    }
    expect((await call(t.url, 'PATCH', '/devices/ua-01', admin, { enabled: false })).status).toBe(200);
    await eventually(() => call(t.url, 'GET', '/devices/ua-01/status', admin), (r) => r.body.state === 'disabled' && r.body.last_error === null);
  });

  it('exports version 2 without the password, and importing it back keeps the stored password', async () => {
    const exported = await call(t.url, 'GET', '/devices/export?format=yaml', admin);
    expect(exported.status).toBe(200);
    expect(exported.body).not.toContain(UA.password);
    const file = parseYaml(exported.body);
    expect(file.version).toBe(2);
    expect(file.devices.find((d: any) => d.id === 'ua-01')).toMatchObject({ protocol: 'opcua', username: 'idm-reader' });
    expect(file.devices.find((d: any) => d.id === 'ua-01')).not.toHaveProperty('password_set');
    expect(file.tags.find((x: any) => x.sensor_id === 'TT-OLD').source).toMatchObject({ register_type: 'input' });
    const back = await call(t.url, 'POST', '/devices/import?mode=replace', admin, { yaml: exported.body });
    expect(back.body).toMatchObject({ devices: 2, tags: 2, mode: 'replace' });
    expect(t.app.get(TagRegistryService).getDevice('ua-01')).toMatchObject({ password: UA.password });
    expect(parseYaml((await call(t.url, 'GET', '/devices/export?format=yaml', admin)).body)).toEqual(file);
  });

  it('imports a version-1 file as Modbus devices, and a version-2 file naming a bad OPC UA entry', async () => {
    const v1 = {
      version: 1,
      devices: [{ id: 'plc-v1', name: 'V1', host: '10.1.1.1', port: 502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false }],
      tags: [{ sensor_id: 'FT-V1', device_id: 'plc-v1', area: 'A', register_type: 'holding', address: 0, data_type: 'float32', unit: 'm3/h', description: '' }],
    };
    expect((await call(t.url, 'POST', '/devices/import', admin, v1)).body).toMatchObject({ devices: 1, tags: 1, mode: 'merge' });
    expect((await call(t.url, 'GET', '/devices/plc-v1', admin)).body.protocol).toBe('modbus');
    expect((await call(t.url, 'GET', '/tags/FT-V1', admin)).body.source).toEqual({ register_type: 'holding', address: 0, data_type: 'float32', word_order: 'big', byte_order: 'big' });
    const v2 = {
      version: 2,
      devices: [{ ...UA, id: 'ua-02', endpoint_url: 'opc.tcp://10.1.1.2:4840', security_mode: 'None', security_policy: 'None', username: undefined, password: undefined }],
      tags: [
        { sensor_id: 'LT-1', device_id: 'ua-02', source: { node_id: 'ns=2;s=Level' }, unit: 'm' },
        { sensor_id: 'LT-2', device_id: 'ua-02', source: { node_id: 'ns=2;x=Level' }, unit: 'm' },
      ],
    };
    const r = await call(t.url, 'POST', '/devices/import', admin, v2);
    expect(r.status).toBe(400);
    expect(r.body.details).toEqual([expect.objectContaining({ field: 'tags[1].source.node_id', message: expect.stringMatching(/^tag "LT-2": source.node_id must be a NodeId/) })]);
    v2.tags[1].source.node_id = 'ns=2;s=Level2';
    expect((await call(t.url, 'POST', '/devices/import', admin, v2)).body).toMatchObject({ devices: 1, tags: 2, mode: 'merge' });
    expect((await call(t.url, 'GET', '/tags?device_id=ua-02', admin)).body.map((x: any) => x.source.node_id)).toEqual(['ns=2;s=Level', 'ns=2;s=Level2']);
  });
});
