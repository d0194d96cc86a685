import type { DeviceDto, DeviceStatusDto, IngestedSample, TagDto } from '@idm/contracts';
import { DomainEvents, type AppConfig, type HealthRegistry, type WriterRole } from '@idm/core';
import type { IngestionService } from '../ingestion.service';
import type { RegistryService } from '../registry/registry.service';
import type { RegistryChange, TagRegistryService } from '../registry/tag-registry.service';
import type { SourceCarryOver, SourceConnection, SourceDeps, SourceDriver } from './source-driver';
import { SourcesService } from './sources.service';

const modbus = (id: string): DeviceDto => ({ id, name: `PLC ${id}`, protocol: 'modbus', host: '10.0.0.1', port: 502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: true, block_gap: 8 });
const opcua = (id: string): DeviceDto => ({ id, name: `UA ${id}`, protocol: 'opcua', endpoint_url: 'opc.tcp://h:4840', security_mode: 'None', security_policy: 'None', publishing_interval_ms: 1000, timeout_ms: 5000, enabled: true });
const tag = (sensor_id: string, device_id: string): TagDto => ({ sensor_id, device_id, area: '', source: { node_id: 'i=1' }, scale: 1, offset: 0, unit: '', description: '' });

/** A driver that records what it opened; its connections expose the deps they were given. */
class FakeDriver implements SourceDriver<DeviceDto, TagDto> {
  opened: Array<{ device: DeviceDto; tags: readonly TagDto[]; deps: SourceDeps<DeviceDto>; carry?: SourceCarryOver; stopped: boolean }> = [];
  constructor(readonly protocol: 'modbus' | 'opcua') {}
  open(device: DeviceDto, tags: readonly TagDto[], deps: SourceDeps<DeviceDto>, carry?: SourceCarryOver): SourceConnection {
    const rec = { device, tags, deps, carry, stopped: false };
    this.opened.push(rec);
    return {
      start: () => undefined,
      stop: async () => void (rec.stopped = true),
      status: () => ({ device_id: device.id, state: 'connected' }) as DeviceStatusDto,
      carryOver: () => ({ commFailedSince: 42, last: new Map([['x', 1]]) }),
    };
  }
  describe(): string {
    return 'fake';
  }
}

function setup(devices: DeviceDto[], tags: TagDto[], drivers: FakeDriver[]) {
  const listeners: Array<(c: RegistryChange) => void> = [];
  let current = { devices, tags };
  const registry = {
    loaded: true,
    getDevice: (id: string) => current.devices.find((d) => d.id === id),
    listDevices: () => current.devices,
    tagsOfDevice: (id: string) => current.tags.filter((t) => t.device_id === id),
    onChange: (l: (c: RegistryChange) => void) => (listeners.push(l), () => undefined),
  } as unknown as TagRegistryService;
  const published: IngestedSample[][] = [];
  const ingestion = { publish: async (b: IngestedSample[]) => void published.push(b) } as unknown as IngestionService;
  const checks = new Map<string, () => Promise<{ status: string; message?: string }>>();
  const health = { register: (name: string, check: () => Promise<{ status: string }>) => void checks.set(name, check) } as unknown as HealthRegistry;
  const config = { modbus: { polling: true, deviceFile: null } } as unknown as AppConfig;
  const events = new DomainEvents();
  const writer = { isWriter: true } as unknown as WriterRole;
  const service = new SourcesService(registry, {} as RegistryService, ingestion, events, config, health, writer, drivers);
  const change = async (next: { devices: DeviceDto[]; tags: TagDto[] }, ids: string[]) => {
    current = next;
    await service.restart(ids);
  };
  return { service, events, published, checks, change };
}

describe('SourcesService', () => {
  it('opens each device through the driver of its protocol and passes samples and device events through', async () => {
    const mb = new FakeDriver('modbus');
    const ua = new FakeDriver('opcua');
    const { service, events, published } = setup([modbus('plc-1'), opcua('ua-1')], [tag('a', 'plc-1'), tag('b', 'ua-1')], [mb, ua]);
    const seen: unknown[] = [];
    events.on('device.comm_failed', (e) => void seen.push(e));
    events.on('device.comm_restored', (e) => void seen.push(e));
    await service.onApplicationBootstrap();
    expect(mb.opened.map((o) => o.device.id)).toEqual(['plc-1']);
    expect(ua.opened.map((o) => [o.device.id, o.tags.map((t) => t.sensor_id)])).toEqual([['ua-1', ['b']]]);
    const deps = ua.opened[0].deps;
    await deps.publish([{ sensor_id: 'b', timestamp: 1, value: 2, quality: 'good' } as IngestedSample]);
    expect(published).toHaveLength(1);
    deps.commFailed(opcua('ua-1'), 100, 'timeout');
    deps.commRestored(opcua('ua-1'), 200, 100);
    expect(seen).toEqual([
      { device_id: 'ua-1', device_name: 'UA ua-1', at: 100, reason: 'timeout' },
      { device_id: 'ua-1', device_name: 'UA ua-1', at: 200, down_ms: 100 },
    ]);
    expect(service.status('ua-1').state).toBe('connected');
  });

  it('reports the failure of a part of a device (a Sparkplug edge node) as a comm failure of that scope, with its tags', async () => {
    const ua = new FakeDriver('opcua');
    const { service, events } = setup([opcua('ua-1')], [tag('b', 'ua-1')], [ua]);
    const seen: unknown[] = [];
    events.on('device.comm_failed', (e) => void seen.push(e));
    events.on('device.comm_restored', (e) => void seen.push(e));
    await service.onApplicationBootstrap();
    const deps = ua.opened[0].deps;
    deps.scopeFailed!(opcua('ua-1'), 'gw-1', ['b'], 100, 'NDEATH');
    deps.scopeRestored!(opcua('ua-1'), 'gw-1', ['b'], 300, 200);
    expect(seen).toEqual([
      { device_id: 'ua-1', device_name: 'UA ua-1', at: 100, reason: 'NDEATH', scope: 'gw-1', sensor_ids: ['b'] },
      { device_id: 'ua-1', device_name: 'UA ua-1', at: 300, down_ms: 200, scope: 'gw-1', sensor_ids: ['b'] },
    ]);
  });

  it('restarts a changed device with the carry-over of the connection it replaces', async () => {
    const mb = new FakeDriver('modbus');
    const { service, change } = setup([modbus('plc-1')], [tag('a', 'plc-1')], [mb]);
    await service.onApplicationBootstrap();
    await change({ devices: [{ ...modbus('plc-1'), name: 'renamed' }], tags: [tag('a', 'plc-1')] }, ['plc-1']);
    expect(mb.opened.map((o) => o.stopped)).toEqual([true, false]);
    expect(mb.opened[1].carry).toEqual({ commFailedSince: 42, last: new Map([['x', 1]]) });
    await change({ devices: [], tags: [] }, ['plc-1']);
    expect(mb.opened[1].stopped).toBe(true);
    expect(service.connection('plc-1')).toBeUndefined();
  });

  it('leaves a device whose protocol has no driver unread, says why in its status and health, and reads the others', async () => {
    const mb = new FakeDriver('modbus');
    const { service, checks } = setup([modbus('plc-1'), opcua('ua-1')], [tag('a', 'plc-1'), tag('b', 'ua-1')], [mb]);
    await service.onApplicationBootstrap();
    expect(mb.opened.map((o) => o.device.id)).toEqual(['plc-1']);
    expect(service.status('ua-1')).toMatchObject({ state: 'disabled', connected: false, last_error: expect.stringContaining('no source driver for protocol "opcua"') });
    expect(await checks.get('sources')!()).toMatchObject({ status: 'degraded', message: expect.stringContaining('"opcua"') });
    expect(await checks.get('modbus')!()).toMatchObject({ status: 'up' });
    expect(checks.has('opcua')).toBe(false);
  });

  it('keeps reading the other devices when a driver throws on open', async () => {
    const mb = new FakeDriver('modbus');
    const broken = new FakeDriver('opcua');
    broken.open = () => {
      throw new Error('certificate store unreadable');
    };
    const { service } = setup([modbus('plc-1'), opcua('ua-1')], [tag('a', 'plc-1'), tag('b', 'ua-1')], [mb, broken]);
    await service.onApplicationBootstrap();
    expect(service.status('plc-1').state).toBe('connected');
    expect(service.status('ua-1').last_error).toBe('the opcua driver could not open it: certificate store unreadable');
  });
});
