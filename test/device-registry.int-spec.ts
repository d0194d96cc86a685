import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AppConfig, DomainEvents } from '@idm/core';
import { SourcesService, Tag, TagRegistryService } from '@idm/ingestion';
import { PlcSim, startPlcSim } from '../apps/plc-sim/src/sim';
import { startTestApp, TestApp, scrapeMetrics } from './support/app';
import { registerAndLogin } from './support/auth';
import { call, eventually } from './support/modbus';

const device = { id: 'plc-a', name: 'PLC A', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
const tag = (sensor_id: string, address: number, extra: object = {}) => ({
  sensor_id, device_id: 'plc-a', area: 'Boiler house', register_type: 'holding', address, data_type: 'float32', unit: '°C', description: `tag ${sensor_id}`, ...extra,
});

describe('device and tag registry over REST', () => {
  let t: TestApp;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    t = await startTestApp('idm_test_device_registry');
    admin = (await registerAndLogin(t.url, { username: 'admin.registry' })).access_token;
    viewer = (await registerAndLogin(t.url, { username: 'viewer.registry', roles: ['viewer'] }, admin)).access_token;
  });
  afterAll(async () => t?.close());

  it('creates a device and tags with defaults, and any signed-in user can read them', async () => {
    expect((await call(t.url, 'POST', '/devices', admin, device)).status).toBe(201);
    const created = await call(t.url, 'POST', '/tags', admin, tag('TT-101', 0, { limits: { hi: 80, hihi: 90, deadband: 1 } }));
    expect(created.status).toBe(201);
    // Posted in the first API's flat form, answered in the current one: the Modbus binding in `source`.
    const { register_type, address, data_type, ...shared } = tag('TT-101', 0);
    expect(created.body).toEqual({
      ...shared, source: { register_type, address, data_type, word_order: 'big', byte_order: 'big' }, scale: 1, offset: 0, limits: { hi: 80, hihi: 90, deadband: 1 },
    });
    const list = await call(t.url, 'GET', '/tags?device_id=plc-a', viewer);
    expect(list.status).toBe(200);
    expect(list.body.map((x: any) => x.sensor_id)).toEqual(['TT-101']);
    expect((await call(t.url, 'GET', '/devices', viewer)).body[0]).toMatchObject({ id: 'plc-a', protocol: 'modbus', block_gap: 8 });
    // Other modules read the registry from memory.
    expect(t.app.get(TagRegistryService).getTag('TT-101')?.limits?.hihi).toBe(90);
    expect((await call(t.url, 'GET', '/devices/plc-a/status', viewer)).body).toMatchObject({ state: 'disabled', connected: false });
  });

  it('lets only admins change the registry', async () => {
    expect((await call(t.url, 'POST', '/tags', viewer, tag('TT-999', 40))).status).toBe(403);
    expect((await call(t.url, 'GET', '/devices', null)).status).toBe(401);
  });

  it('rejects an overlapping tag with a 400 naming both tags', async () => {
    const r = await call(t.url, 'POST', '/tags', admin, tag('TT-102', 1));
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('tag "TT-102" (holding 1..2) overlaps tag "TT-101" (holding 0..1) on device "plc-a"');
    expect(r.body.details[0]).toMatchObject({ field: 'tags[TT-102].source.address', rule: 'noOverlap' });
    expect(t.app.get(TagRegistryService).getTag('TT-102')).toBeUndefined();
  });

  it('rejects out-of-range registers, bad types and operators with a 400 naming the field or tag', async () => {
    const range = await call(t.url, 'POST', '/tags', admin, tag('FT-7', 65535));
    expect(range.status).toBe(400);
    expect(range.body.message).toContain('tag "FT-7": float32 at address 65535 ends at 65536');
    const neg = await call(t.url, 'POST', '/tags', admin, tag('FT-8', -1));
    expect(neg.body.details).toEqual([expect.objectContaining({ field: 'address', rule: 'min' })]);
    const op = await call(t.url, 'POST', '/tags', admin, tag('FT-9', { $gt: 0 } as any));
    expect(op.status).toBe(400);
    expect(op.body.details.map((d: any) => d.field)).toContain('address');
    const dt = await call(t.url, 'POST', '/tags', admin, tag('FT-10', 10, { data_type: 'float16' }));
    expect(dt.body.message).toContain('data_type must be one of bool, int16, uint16, int32, uint32, float32, float64');
    const bool = await call(t.url, 'POST', '/tags', admin, tag('XS-1', 10, { data_type: 'bool' }));
    expect(bool.body.message).toBe('tag "XS-1": data_type bool needs register_type coil or discrete_input (got holding)');
    const port = await call(t.url, 'PATCH', '/devices/plc-a', admin, { port: 70000 });
    expect(port.status).toBe(400);
    expect(port.body.details[0].field).toBe('port');
    const unknown = await call(t.url, 'POST', '/tags', admin, tag('FT-11', 10, { device_id: 'nope' }));
    expect(unknown.body.message).toBe('tag "FT-11": device "nope" does not exist');
  });

  it('refuses scale and offset on a bool tag (a bit is never scaled), over REST and in a device file', async () => {
    const coil = (extra: object) => tag('XS-2', 0, { register_type: 'coil', data_type: 'bool', unit: '', ...extra });
    const scaled = await call(t.url, 'POST', '/tags', admin, coil({ scale: 10 }));
    expect(scaled.status).toBe(400);
    expect(scaled.body.message).toBe('tag "XS-2": scale does not apply to a bool tag (got 10; leave it out or use 1)');
    expect(scaled.body.details).toEqual([expect.objectContaining({ field: 'tags[XS-2].scale', rule: 'notForBool' })]);
    expect((await call(t.url, 'POST', '/tags', admin, coil({}))).status).toBe(201);
    const patched = await call(t.url, 'PATCH', '/tags/XS-2', admin, { offset: 5 });
    expect(patched.status).toBe(400);
    expect(patched.body.message).toBe('tag "XS-2": offset does not apply to a bool tag (got 5; leave it out or use 0)');
    const file = { version: 1, devices: [], tags: [{ ...coil({ offset: 1 }), sensor_id: 'XS-3', address: 1 }] };
    const imported = await call(t.url, 'POST', '/devices/import', admin, file);
    expect(imported.status).toBe(400);
    expect(imported.body.message).toBe('tag "XS-3": offset does not apply to a bool tag (got 1; leave it out or use 0)');
    expect((await call(t.url, 'DELETE', '/tags/XS-2', admin)).status).toBe(204);
  });

  it('imports nothing when any entry of a file is bad, and names every bad tag', async () => {
    const before = (await call(t.url, 'GET', '/tags', admin)).body.length;
    const file = {
      version: 1,
      devices: [{ ...device, id: 'plc-b', port: 1503 }],
      tags: [
        { ...tag('PT-1', 0), device_id: 'plc-b' },
        { ...tag('PT-2', 1), device_id: 'plc-b' },
        { ...tag('PT-3', 10, { scale: 'x' }), device_id: 'plc-b' },
      ],
    };
    const r = await call(t.url, 'POST', '/devices/import', admin, file);
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('tag "PT-3": scale must be a number');
    expect(r.body.details.map((d: any) => d.field)).toEqual(['tags[2].scale']);
    file.tags[2] = { ...tag('PT-3', 10), device_id: 'plc-b' };
    const r2 = await call(t.url, 'POST', '/devices/import', admin, file);
    expect(r2.status).toBe(400);
    expect(r2.body.message).toBe('tag "PT-2" (holding 1..2) overlaps tag "PT-1" (holding 0..1) on device "plc-b"');
    expect((await call(t.url, 'GET', '/tags', admin)).body.length).toBe(before);
    expect((await call(t.url, 'GET', '/devices/plc-b', admin)).status).toBe(404);
  });

  it('exports YAML that imports back unchanged, and replace mode removes what the file omits', async () => {
    await call(t.url, 'POST', '/tags', admin, tag('TT-103', 2, { word_order: 'little', scale: 0.5, offset: 3, physical_min: -20, physical_max: 200 }));
    const exported = await call(t.url, 'GET', '/devices/export?format=yaml', admin);
    expect(exported.status).toBe(200);
    const file = parseYaml(exported.body);
    expect(file.tags.map((x: any) => x.sensor_id)).toEqual(['TT-101', 'TT-103']);
    await call(t.url, 'POST', '/tags', admin, tag('TT-104', 10));
    const removed: string[] = [];
    const off = t.app.get(DomainEvents).on('tag.removed', (e) => void removed.push(e.sensor_id));
    // A dry run says what replace would remove, and writes nothing.
    const preview = await call(t.url, 'POST', '/devices/import?mode=replace&dry_run=true', admin, { yaml: exported.body });
    expect(preview.body).toEqual({ devices: 1, tags: 2, mode: 'replace', dry_run: true, removed_devices: [], removed_tags: ['TT-104'], assets: 0, removed_assets: [], changed_devices: [] });
    expect((await call(t.url, 'GET', '/tags/TT-104', admin)).status).toBe(200);
    expect(removed).toEqual([]);
    const back = await call(t.url, 'POST', '/devices/import?mode=replace', admin, { yaml: exported.body });
    off();
    expect(back.body).toEqual({ devices: 1, tags: 2, mode: 'replace', dry_run: false, removed_devices: [], removed_tags: ['TT-104'], assets: 0, removed_assets: [], changed_devices: ['plc-a'] });
    expect(removed).toEqual(['TT-104']); // its alarms end (the alarms module listens)
    const after = parseYaml((await call(t.url, 'GET', '/devices/export?format=yaml', admin)).body);
    expect(after).toEqual(file);

    // The same file again changes nothing: no device is announced as changed, so no poller restarts.
    const announced: string[][] = [];
    const unsubscribe = t.app.get(TagRegistryService).onChange((c) => void announced.push(c.deviceIds));
    try {
      const again = await call(t.url, 'POST', '/devices/import?mode=replace', admin, { yaml: exported.body });
      expect(again.body).toMatchObject({ removed_tags: [], changed_devices: [] });
      const merged = await call(t.url, 'POST', '/devices/import', admin, file);
      expect(merged.body).toMatchObject({ mode: 'merge', changed_devices: [] });
      expect(announced.flat()).toEqual([]);
      // One changed tag restarts its device only.
      const edited = { ...file, tags: file.tags.map((x: any) => (x.sensor_id === 'TT-103' ? { ...x, offset: 4 } : x)) };
      expect((await call(t.url, 'POST', '/devices/import', admin, edited)).body).toMatchObject({ changed_devices: ['plc-a'] });
      expect(announced.flat()).toEqual(['plc-a']);
      await call(t.url, 'POST', '/devices/import', admin, file);
    } finally {
      unsubscribe();
    }
    expect((await call(t.url, 'POST', '/devices/import?dry_run=yes', admin, file)).body.details[0].field).toBe('dry_run');
    const bad = await call(t.url, 'POST', '/devices/import?mode=upsert', admin, file);
    expect(bad.body.details[0].field).toBe('mode');
    const notYaml = await call(t.url, 'POST', '/devices/import', admin, { yaml: 'devices: [' });
    expect(notYaml.status).toBe(400);
    expect(notYaml.body.message).toMatch(/neither valid JSON nor YAML/);
  });

  it('keeps the state words of a bool tag through create, export/import and PATCH, and names a bad one', async () => {
    const motor = tag('M-101', 0, { register_type: 'coil', data_type: 'bool', state_words: { '0': 'STOP', '1': 'RUN' } });
    const created = await call(t.url, 'POST', '/tags', admin, motor);
    expect(created.status).toBe(201);
    expect(created.body.state_words).toEqual({ '0': 'STOP', '1': 'RUN' });
    const exported = await call(t.url, 'GET', '/devices/export?format=json', admin);
    expect(exported.body.tags.find((x: any) => x.sensor_id === 'M-101').state_words).toEqual({ '0': 'STOP', '1': 'RUN' });
    const missing = await call(t.url, 'PATCH', '/tags/M-101', admin, { state_words: { '0': 'CLOSED' } });
    expect(missing.status).toBe(400);
    expect(missing.body.details.map((d: any) => d.field)).toEqual(['state_words[1]']);
    const onFloat = await call(t.url, 'PATCH', '/tags/TT-101', admin, { state_words: { '0': 'LOW', '1': 'HIGH' } });
    expect(onFloat.status).toBe(400);
    expect(onFloat.body.message).toContain('tag "TT-101": state_words are for bool tags');
    expect((await call(t.url, 'PATCH', '/tags/M-101', admin, { state_words: null })).body.state_words).toBeUndefined();
    expect((await call(t.url, 'GET', '/tags/M-101', admin)).body.state_words).toBeUndefined();
    expect((await call(t.url, 'DELETE', '/tags/M-101', admin)).status).toBe(204);
  });

  it('deleting a device removes its tags', async () => {
    const removed: Array<{ device_id: string; sensor_ids: string[] }> = [];
    const off = t.app.get(DomainEvents).on('device.removed', (e) => void removed.push({ device_id: e.device_id, sensor_ids: [...e.sensor_ids].sort() }));
    expect((await call(t.url, 'DELETE', '/devices/plc-a', admin)).status).toBe(204);
    off();
    expect(removed).toEqual([{ device_id: 'plc-a', sensor_ids: ['TT-101', 'TT-103'] }]);
    expect((await call(t.url, 'GET', '/tags', admin)).body).toEqual([]);
    expect(t.app.get(TagRegistryService).getTag('TT-101')).toBeUndefined();
  });
});

describe('a device file of 2 000 tags over HTTP', () => {
  // The tags are written in bulk: an update command of 100+ statements hung FerretDB 1.24 (the import never answered).
  let sim: PlcSim;
  let t: TestApp;
  let admin: string;
  const N = 2000;
  // Its own DATA_DIR: the registry.json it checks is not overwritten by another suite's app running alongside
  // (the default `.data` is shared; it once held another suite's 2 tags when this test read it).
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-import-bulk-'));
  beforeAll(async () => {
    sim = await startPlcSim({ plcs: 1, tags: 4, seed: 11 });
    t = await startTestApp('idm_test_device_import_bulk', { DATA_DIR: dataDir });
    admin = (await registerAndLogin(t.url, { username: 'admin.bulk' })).access_token;
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // The 2 000 tags' device is not read (2 000 live sensors would make the app's shutdown alone take a minute
  // here); the simulator's PLC in the same file is, so "no restart" is checked on a running poller.
  const bulkDevice = { id: 'plc-bulk', name: 'PLC bulk', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
  type FileTag = { sensor_id: string; register_type: string; address: number; data_type: string; description: string; limits?: Record<string, number> } & Record<string, unknown>;
  const bulkTags: FileTag[] = Array.from({ length: N }, (_, i) => ({
    sensor_id: `BK-${String(i).padStart(4, '0')}`, device_id: 'plc-bulk', area: `Area ${i % 7}`, register_type: 'holding', address: i * 2, data_type: 'float32',
    unit: i % 2 ? 'bar' : '°C', description: `bulk tag ${i}`, ...(i % 3 ? {} : { limits: { hi: 100 + i, hihi: 200 + i } }),
  }));
  const file = (tags: FileTag[]) => ({ version: 2, devices: [...sim.deviceFile.devices, bulkDevice], tags: [...sim.deviceFile.tags, ...tags] });
  /** A tag as the API answers it (the binding in `source`, defaults filled in). */
  const answered = ({ register_type, address, data_type, ...rest }: FileTag) => ({
    scale: 1, offset: 0, ...rest, source: { register_type, address, data_type, word_order: 'big', byte_order: 'big' },
  });
  const storedIds = async () => (await t.app.get<Model<Tag>>(getModelToken(Tag.name)).find({ device_id: 'plc-bulk' }, { _id: 1 }).lean().exec()).map((d) => d._id).sort();
  const status = async (id: string) => (await call(t.url, 'GET', `/devices/${id}/status`, admin)).body;

  it('stores every tag with its fields, and importing the unchanged file again restarts no poller', async () => {
    const first = await call(t.url, 'POST', '/devices/import', admin, file(bulkTags));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ devices: 2, tags: N + 4, changed_devices: ['plc-01', 'plc-bulk'] });
    expect((await call(t.url, 'GET', '/tags?device_id=plc-bulk', admin)).body).toEqual(bulkTags.map(answered));
    expect(await storedIds()).toEqual(bulkTags.map((x) => x.sensor_id));
    expect(await status('plc-bulk')).toMatchObject({ state: 'disabled', tags: N });
    expect(await eventually(() => status('plc-01'), (s) => s.connected && s.polls > 0, 60_000)).toMatchObject({ connected: true, tags: 4 });

    const sources = t.app.get(SourcesService);
    const poller = sources.connection('plc-01');
    const announced: string[][] = [];
    const unsubscribe = t.app.get(TagRegistryService).onChange((c) => void announced.push(c.deviceIds));
    try {
      const merged = await call(t.url, 'POST', '/devices/import', admin, file(bulkTags));
      expect(merged.body).toMatchObject({ tags: N + 4, changed_devices: [] });
      const replaced = await call(t.url, 'POST', '/devices/import?mode=replace', admin, file(bulkTags));
      expect(replaced.body).toMatchObject({ tags: N + 4, removed_tags: [], changed_devices: [] });
    } finally {
      unsubscribe();
    }
    expect(announced.flat()).toEqual([]);
    expect(sources.connection('plc-01')).toBe(poller);
  }, 120_000);

  it('rewrites every changed tag, and replace mode removes the tags the file omits', async () => {
    const kept = bulkTags.slice(0, N - 10).map((x, i) => ({ ...x, description: `${x.description} (rev 2)`, ...(i % 2 ? { limits: { lo: -5 } } : {}) }));
    const poller = t.app.get(SourcesService).connection('plc-01');
    const removed: string[] = [];
    const off = t.app.get(DomainEvents).on('tag.removed', (e) => void removed.push(e.sensor_id));
    let r;
    try {
      r = await call(t.url, 'POST', '/devices/import?mode=replace', admin, file(kept));
    } finally {
      off();
    }
    expect(r.status).toBe(200);
    const gone = bulkTags.slice(N - 10).map((x) => x.sensor_id);
    expect(r.body).toMatchObject({ tags: N - 10 + 4, removed_tags: gone, changed_devices: ['plc-bulk'] });
    expect(removed.sort()).toEqual(gone);
    expect((await call(t.url, 'GET', '/tags?device_id=plc-bulk', admin)).body).toEqual(kept.map(answered));
    expect(await storedIds()).toEqual(kept.map((x) => x.sensor_id));
    expect(await status('plc-bulk')).toMatchObject({ tags: N - 10 });
    const copy = JSON.parse(fs.readFileSync(path.join(t.app.get(AppConfig).dataDir, 'registry.json'), 'utf8'));
    expect(copy.tags).toHaveLength(N - 10 + 4);
    expect(t.app.get(SourcesService).connection('plc-01')).toBe(poller); // its device did not change
  }, 120_000);
});

describe('DEVICE_FILE: IDM polls the simulator out of the box', () => {
  let sim: PlcSim;
  let t: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-devfile-'));

  beforeAll(async () => {
    sim = await startPlcSim({ plcs: 2, tags: 10, seed: 5, deviceFile: path.join(dir, 'plant.yaml'), pollIntervalMs: 250 });
    t = await startTestApp('idm_test_device_file', { DEVICE_FILE: path.join(dir, 'plant.yaml') });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports the file into an empty registry at start and polls every device', async () => {
    const admin = (await registerAndLogin(t.url, { username: 'admin.devfile' })).access_token;
    expect((await call(t.url, 'GET', '/tags', admin)).body).toHaveLength(20);
    const statuses = await eventually(() => call(t.url, 'GET', '/devices/status', admin), (r) => r.body.every?.((s: any) => s.connected && s.polls > 0));
    expect(statuses.body.map((s: any) => [s.device_id, s.state])).toEqual([['plc-01', 'connected'], ['plc-02', 'connected']]);
    const metrics = await scrapeMetrics(t.url);
    expect(metrics).toMatch(/idm_modbus_requests_total\{[^}]*device_id="plc-01"[^}]*\} [1-9]/);
  });
});
