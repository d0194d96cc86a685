import { startTestApp, TestApp } from './support/app';
import { registerAndLogin } from './support/auth';
import { call } from './support/modbus';

const device = { id: 'plc-p', name: 'Pump PLC', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
const tag = (sensor_id: string, address: number) => ({ sensor_id, device_id: 'plc-p', area: 'Boiler house', register_type: 'holding', address, data_type: 'float32', unit: 'x' });
const pump = { id: 'pump-1', name: 'Feed pump 1', area: 'Boiler house', sensor_ids: ['FT-1', 'PT-1', 'IT-1'], settings: { alarm_priority: 'high' } };

describe('assets over REST', () => {
  let t: TestApp;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    t = await startTestApp('idm_test_assets');
    admin = (await registerAndLogin(t.url, { username: 'admin.assets' })).access_token;
    viewer = (await registerAndLogin(t.url, { username: 'viewer.assets', roles: ['viewer'] }, admin)).access_token;
    expect((await call(t.url, 'POST', '/devices', admin, device)).status).toBe(201);
    for (const [i, id] of ['FT-1', 'PT-1', 'IT-1', 'VT-1'].entries()) expect((await call(t.url, 'POST', '/tags', admin, tag(id, i * 2))).status).toBe(201);
  });
  afterAll(async () => t?.close());

  it('creates, reads, replaces and deletes an asset; only admins change them', async () => {
    const created = await call(t.url, 'POST', '/assets', admin, pump);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(pump);
    expect((await call(t.url, 'GET', '/assets', viewer)).body).toEqual([pump]);
    expect((await call(t.url, 'GET', '/assets/pump-1', viewer)).body).toEqual(pump);
    expect((await call(t.url, 'POST', '/assets', viewer, { ...pump, id: 'pump-2' })).status).toBe(403);
    expect((await call(t.url, 'POST', '/assets', admin, pump)).status).toBe(409);
    const replaced = await call(t.url, 'PUT', '/assets/pump-1', admin, { ...pump, sensor_ids: ['IT-1', 'VT-1'], settings: {} });
    expect(replaced.status).toBe(200);
    expect((await call(t.url, 'GET', '/assets/pump-1', viewer)).body).toEqual({ ...pump, sensor_ids: ['IT-1', 'VT-1'], settings: {} });
    expect((await call(t.url, 'DELETE', '/assets/pump-1', admin)).status).toBe(204);
    expect((await call(t.url, 'GET', '/assets/pump-1', viewer)).status).toBe(404);
    expect((await call(t.url, 'DELETE', '/assets/pump-1', admin)).status).toBe(404);
  });

  it('refuses bad definitions as a whole with a 400 naming the asset and the field, storing nothing', async () => {
    const bad = await call(t.url, 'POST', '/assets', admin, { ...pump, id: 'pump-9', sensor_ids: ['FT-1', 'NOPE-1', 'FT-1', 'NOPE-2'] });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([
      expect.objectContaining({ field: 'sensor_ids[1]', rule: 'knownSensor' }),
      expect.objectContaining({ field: 'sensor_ids[2]', rule: 'unique' }),
      expect.objectContaining({ field: 'sensor_ids[3]', rule: 'knownSensor' }),
    ]);
    expect(bad.body.message).toContain('asset "pump-9": sensor "NOPE-1" is not in the tag registry');
    expect(bad.body.message).toContain('asset "pump-9": sensor "FT-1" is listed twice (sensor_ids[0] and sensor_ids[2])');
    const one = await call(t.url, 'POST', '/assets', admin, { ...pump, id: 'pump-9', sensor_ids: ['FT-1'] });
    expect(one.status).toBe(400);
    expect(one.body.details).toEqual([expect.objectContaining({ field: 'sensor_ids', message: 'sensor_ids must name at least 2 sensors' })]);
    const settings = await call(t.url, 'POST', '/assets', admin, { ...pump, id: 'pump-9', settings: { alarm_priority: 'urgent', threshold_sigma: 0 } });
    expect(settings.status).toBe(400);
    expect(settings.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['settings.alarm_priority', 'settings.threshold_sigma']);
    const path = await call(t.url, 'PUT', '/assets/pump-9', admin, { ...pump, id: 'pump-8' });
    expect(path.status).toBe(400);
    expect(path.body.details).toEqual([expect.objectContaining({ field: 'id', rule: 'matchesPath' })]);
    expect((await call(t.url, 'GET', '/assets', viewer)).body.map((a: { id: string }) => a.id)).not.toContain('pump-9');
  });

  it('lets no operator reach a query', async () => {
    const op = await call(t.url, 'POST', '/assets', admin, { ...pump, id: { $gt: '' } });
    expect(op.status).toBe(400);
    expect(op.body.details.map((d: { field: string }) => d.field)).toContain('id');
    const inList = await call(t.url, 'POST', '/assets', admin, { ...pump, id: 'pump-7', sensor_ids: ['FT-1', { $ne: null }] });
    expect(inList.status).toBe(400);
    expect(inList.body.details.map((d: { field: string }) => d.field).join(' ')).toMatch(/sensor_ids/);
    const extra = await call(t.url, 'POST', '/assets', admin, { ...pump, id: 'pump-7', $where: '1' });
    expect(extra.status).toBe(400);
    expect((await call(t.url, 'GET', '/assets/%24gt', viewer)).status).toBe(404);
  });
});
