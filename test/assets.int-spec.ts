import { parse as parseYaml } from 'yaml';
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
    // The detector's model is a setting of the asset, kept as given.
    const mewma = await call(t.url, 'PUT', '/assets/pump-1', admin, { ...pump, settings: { model: 'mewma' } });
    expect(mewma.status).toBe(200);
    expect((await call(t.url, 'GET', '/assets/pump-1', viewer)).body).toEqual({ ...pump, settings: { model: 'mewma' } });
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
    const settings = await call(t.url, 'POST', '/assets', admin, { ...pump, id: 'pump-9', settings: { alarm_priority: 'urgent', threshold_sigma: 0, model: 'svm' } });
    expect(settings.status).toBe(400);
    expect(settings.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['settings.alarm_priority', 'settings.model', 'settings.threshold_sigma']);
    expect(settings.body.details).toContainEqual(expect.objectContaining({ field: 'settings.model', message: expect.stringContaining('model must be one of pca, mewma') }));
    const path = await call(t.url, 'PUT', '/assets/pump-9', admin, { ...pump, id: 'pump-8' });
    expect(path.status).toBe(400);
    expect(path.body.details).toEqual([expect.objectContaining({ field: 'id', rule: 'matchesPath' })]);
    expect((await call(t.url, 'GET', '/assets', viewer)).body.map((a: { id: string }) => a.id)).not.toContain('pump-9');
  });

  it('documents the per-asset model in OpenAPI', async () => {
    const docs = (await (await fetch(`${t.url}/docs-json`, { headers: { authorization: `Bearer ${viewer}` } })).json()) as { components: { schemas: Record<string, any> } };
    expect(docs.components.schemas.AssetSettingsDto.properties.model).toMatchObject({ enum: ['pca', 'mewma'] });
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

  describe('in the device file', () => {
    const exportJson = async () => (await call(t.url, 'GET', '/devices/export?format=json', admin)).body;
    const pumpA = { id: 'pump-a', name: 'Pump A', area: 'Boiler house', sensor_ids: ['FT-1', 'PT-1'], settings: {} };
    const pumpB = { id: 'pump-b', name: 'Pump B', area: null, sensor_ids: ['IT-1', 'VT-1', 'FT-1'], settings: { alarm_priority: 'low', train_samples: 100, model: 'pca' } };

    beforeAll(async () => {
      for (const a of [pumpA, pumpB]) expect((await call(t.url, 'POST', '/assets', admin, a)).status).toBe(201);
    });

    it('exports the assets with the devices and tags, and a replace import of the export changes nothing', async () => {
      const file = await exportJson();
      expect(file.assets).toEqual([pumpA, pumpB]);
      const yaml = (await call(t.url, 'GET', '/devices/export?format=yaml', admin)).body;
      expect(parseYaml(yaml).assets).toEqual([pumpA, pumpB]);
      const back = await call(t.url, 'POST', '/devices/import?mode=replace', admin, { yaml });
      expect(back.status).toBe(200);
      expect(back.body).toMatchObject({ assets: 2, removed_assets: [], removed_tags: [] });
      expect(await exportJson()).toEqual(file);
    });

    it('merge upserts assets by id and keeps the others; replace removes what the file omits, after a dry run that writes nothing', async () => {
      const file = await exportJson();
      const changedA = { ...pumpA, name: 'Pump A (rebuilt)', sensor_ids: ['FT-1', 'PT-1', 'VT-1'] };
      const pumpC = { id: 'pump-c', name: 'Pump C', area: 'Boiler house', sensor_ids: ['PT-1', 'IT-1'], settings: {} };
      const merged = await call(t.url, 'POST', '/devices/import', admin, { ...file, assets: [changedA, pumpC] });
      expect(merged.status).toBe(200);
      expect(merged.body).toMatchObject({ mode: 'merge', assets: 2, removed_assets: [] });
      expect((await call(t.url, 'GET', '/assets', viewer)).body).toEqual([changedA, pumpB, pumpC]);

      const preview = await call(t.url, 'POST', '/devices/import?mode=replace&dry_run=true', admin, { ...file, assets: [pumpA] });
      expect(preview.body).toMatchObject({ dry_run: true, assets: 1, removed_assets: ['pump-b', 'pump-c'] });
      expect((await call(t.url, 'GET', '/assets', viewer)).body.map((a: { id: string }) => a.id)).toEqual(['pump-a', 'pump-b', 'pump-c']);

      const replaced = await call(t.url, 'POST', '/devices/import?mode=replace', admin, { ...file, assets: [pumpA] });
      expect(replaced.body).toMatchObject({ dry_run: false, assets: 1, removed_assets: ['pump-b', 'pump-c'] });
      expect((await call(t.url, 'GET', '/assets', viewer)).body).toEqual([pumpA]);
      // A file written before assets existed has none: replace removes them, like devices and tags it omits.
      const { assets: _omitted, ...older } = file;
      const old = await call(t.url, 'POST', '/devices/import?mode=replace&dry_run=true', admin, older);
      expect(old.body).toMatchObject({ assets: 0, removed_assets: ['pump-a'] });
      expect((await call(t.url, 'POST', '/devices/import?mode=replace', admin, file)).status).toBe(200);
      expect((await call(t.url, 'GET', '/assets', viewer)).body).toEqual([pumpA, pumpB]);
    });

    it('takes an asset whose sensors the same file adds', async () => {
      const file = await exportJson();
      const r = await call(t.url, 'POST', '/devices/import', admin, {
        ...file,
        tags: [...file.tags, tag('ZT-1', 20), tag('ZT-2', 22)],
        assets: [...file.assets, { id: 'pump-z', name: 'Pump Z', sensor_ids: ['ZT-1', 'ZT-2'] }],
      });
      expect(r.status).toBe(200);
      expect((await call(t.url, 'GET', '/assets/pump-z', viewer)).body).toEqual({ id: 'pump-z', name: 'Pump Z', area: null, sensor_ids: ['ZT-1', 'ZT-2'], settings: {} });
      expect((await call(t.url, 'POST', '/devices/import?mode=replace', admin, file)).body).toMatchObject({ removed_assets: ['pump-z'], removed_tags: ['ZT-1', 'ZT-2'] });
    });

    it('refuses a file with bad assets as a whole, each problem naming the asset and the field, writing nothing', async () => {
      const file = await exportJson();
      const bad = {
        ...file,
        tags: [...file.tags, tag('ZT-9', 30)],
        assets: [
          { id: 'pump-x', name: 'X', sensor_ids: ['FT-1', 'NOPE-1', 'FT-1'] },
          { id: 'pump-y', name: 'Y', sensor_ids: ['FT-1'] },
          { id: 'pump-x', name: 'X again', sensor_ids: ['PT-1', 'IT-1'] },
          { id: 'pump-w', name: 'W', sensor_ids: ['PT-1', 'IT-1'], settings: { alarm_priority: 'urgent', model: 'svm' }, colour: 'red' },
          'pump-v',
        ],
      };
      const r = await call(t.url, 'POST', '/devices/import', admin, bad);
      expect(r.status).toBe(400);
      expect(r.body.details).toEqual([
        expect.objectContaining({ field: 'assets[0].sensor_ids[1]', rule: 'knownSensor' }),
        expect.objectContaining({ field: 'assets[0].sensor_ids[2]', rule: 'unique' }),
        expect.objectContaining({ field: 'assets[1].sensor_ids', message: 'asset "pump-y": sensor_ids must name at least 2 sensors' }),
        expect.objectContaining({ field: 'assets[2].id', rule: 'unique' }),
        expect.objectContaining({ field: 'assets[3].colour' }),
        expect.objectContaining({ field: 'assets[3].settings.alarm_priority' }),
        expect.objectContaining({ field: 'assets[3].settings.model' }),
        expect.objectContaining({ field: 'assets[4]', rule: 'isObject' }),
      ]);
      expect(r.body.message).toContain('asset "pump-x": sensor "NOPE-1" is not in the registry after this import');
      expect(r.body.message).toContain('asset "pump-x": id is listed twice (assets[0] and assets[2])');
      // Replace drops the tags a listed asset needs: refused, naming the asset and its sensor.
      const dropped = await call(t.url, 'POST', '/devices/import?mode=replace', admin, { ...file, tags: file.tags.filter((x: { sensor_id: string }) => x.sensor_id !== 'PT-1') });
      expect(dropped.status).toBe(400);
      expect(dropped.body.details).toEqual([expect.objectContaining({ field: 'assets[0].sensor_ids[1]', message: 'asset "pump-a": sensor "PT-1" is not in the registry after this import' })]);
      expect(await exportJson()).toEqual(file);
      expect((await call(t.url, 'GET', '/tags/ZT-9', admin)).status).toBe(404);
    });
  });
});
