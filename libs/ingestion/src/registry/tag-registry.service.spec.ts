import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeviceDto, TagDto } from '@idm/contracts';
import type { AppConfig, DatabaseState } from '@idm/core';
import type { RegistryRepository } from './registry.repository';
import { REGISTRY_COPY_FILE, TagRegistryService } from './tag-registry.service';

const device = (id: string, port = 502): DeviceDto => ({ id, name: id, protocol: 'modbus', host: '127.0.0.1', port, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: true, block_gap: 8 });
const tag = (sensorId: string, deviceId: string): TagDto => ({
  sensor_id: sensorId, device_id: deviceId, area: '', source: { register_type: 'holding', address: 0, data_type: 'uint16', word_order: 'big', byte_order: 'big' },
  scale: 1, offset: 0, unit: '', description: '',
});

/** A database that answers only once `open()` is called, as one that is down at start and comes back. */
function fakes(stored: { devices: DeviceDto[]; tags: TagDto[] }, dataDir: string) {
  let open!: () => void;
  const ready = new Promise<void>((r) => (open = r));
  const database = { ready, initialised: false } as unknown as DatabaseState;
  const repo = { init: async () => undefined, listDevices: async () => stored.devices, listTags: async () => stored.tags } as unknown as RegistryRepository;
  const config = { dataDir } as AppConfig;
  return { service: new TagRegistryService(repo, database, config), open };
}

describe('TagRegistryService: the local copy for a start without the database', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-registry-'))));
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts from the copy while the database is away, then takes the database registry and restarts only the changed devices', async () => {
    fs.writeFileSync(path.join(dataDir, REGISTRY_COPY_FILE), JSON.stringify({ saved_at: '2026-01-01T00:00:00Z', devices: [device('a'), device('b')], tags: [tag('a-1', 'a'), tag('b-1', 'b')] }));
    const { service, open } = fakes({ devices: [device('a'), device('b', 503)], tags: [tag('a-1', 'a'), tag('b-1', 'b')] }, dataDir);
    await service.onModuleInit();
    expect(service.listDevices().map((d) => d.id)).toEqual(['a', 'b']);
    expect(service.loaded).toBe(false);

    const changes: string[][] = [];
    service.onChange((c) => changes.push(c.deviceIds));
    open();
    await service.loadedFromDatabase;
    expect(service.loaded).toBe(true);
    expect(service.getDevice('b')).toMatchObject({ port: 503 });
    expect(changes).toEqual([['b']]);
    // The copy now holds the database's registry.
    const copy = JSON.parse(fs.readFileSync(path.join(dataDir, REGISTRY_COPY_FILE), 'utf8'));
    expect(copy.devices.find((d: DeviceDto) => d.id === 'b')?.port).toBe(503);
  });

  it('starts empty without a copy, and writes one when the database answers', async () => {
    const { service, open } = fakes({ devices: [device('a')], tags: [tag('a-1', 'a')] }, dataDir);
    await service.onModuleInit();
    expect(service.listDevices()).toEqual([]);
    open();
    await service.loadedFromDatabase;
    expect(service.listTags().map((t) => t.sensor_id)).toEqual(['a-1']);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, REGISTRY_COPY_FILE), 'utf8')).tags).toHaveLength(1);
  });

  it('reads a copy written before protocols existed (flat Modbus tags, devices without protocol)', async () => {
    const { protocol: _p, ...oldDevice } = device('a') as DeviceDto & { protocol?: string };
    const { source, ...shared } = tag('a-1', 'a');
    fs.writeFileSync(path.join(dataDir, REGISTRY_COPY_FILE), JSON.stringify({ saved_at: '2026-01-01T00:00:00Z', devices: [oldDevice], tags: [{ ...shared, ...source }] }));
    const { service } = fakes({ devices: [], tags: [] }, dataDir);
    await service.onModuleInit();
    expect(service.getDevice('a')).toEqual(device('a'));
    expect(service.getTag('a-1')).toEqual(tag('a-1', 'a'));
  });
});
