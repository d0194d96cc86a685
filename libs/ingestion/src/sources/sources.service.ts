import * as fs from 'node:fs';
import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { deviceProtocol } from '@idm/contracts';
import type { DeviceDto, DeviceProtocol, DeviceStatusDto, TagDto } from '@idm/contracts';
import { AppConfig, DomainEvents, HealthRegistry, WriterRole } from '@idm/core';
import { IngestionService } from '../ingestion.service';
import { RegistryService } from '../registry/registry.service';
import { TagRegistryService } from '../registry/tag-registry.service';
import type { DiscoveredMetric } from './mqtt/engine/sparkplug-host';
import { SparkplugAutoAdopter } from './mqtt/sparkplug-auto-adopter';
import { SOURCE_DRIVERS, SourceCarryOver, SourceConnection, SourceDeps, SourceDriver } from './source-driver';

type AnyDriver = SourceDriver<DeviceDto, TagDto>;

/**
 * Runs one SourceConnection per enabled device through the driver of its protocol, restarts a device's
 * connection when its registry entry changes (handing over an outstanding comm failure and last values),
 * and turns connection callbacks into samples (IngestionService), device events, logs and health. Nothing
 * downstream knows which protocol a sample came from.
 */
@Injectable()
export class SourcesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sources');
  private readonly connections = new Map<string, SourceConnection>();
  private readonly drivers: ReadonlyMap<DeviceProtocol, AnyDriver>;
  /** Devices that could not be opened (no driver for their protocol, or the driver refused): why. */
  private readonly unreadable = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();
  private readonly adopter = new SparkplugAutoAdopter(
    (deviceId, metrics) => this.adoptDiscovered(deviceId, metrics),
    (deviceId, err) => this.logger.error(`device ${deviceId}: adopting discovered metrics failed: ${String(err)}`),
  );
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly registry: TagRegistryService,
    private readonly registryAdmin: RegistryService,
    private readonly ingestion: IngestionService,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    health: HealthRegistry,
    private readonly writer: WriterRole,
    @Inject(SOURCE_DRIVERS) drivers: readonly AnyDriver[],
  ) {
    this.drivers = new Map(drivers.map((d) => [d.protocol, d]));
    for (const protocol of this.drivers.keys()) {
      health.register(protocol, async () => {
        const all = this.statuses().filter((s) => s.state !== 'disabled' && this.protocolOf(s.device_id) === protocol);
        const down = all.filter((s) => s.state === 'comm_failure');
        if (!down.length) return { status: 'up', message: `${all.length} device(s) read`, devices: all.length };
        // A device in comm failure is the plant's problem, not IDM's: degraded, never down.
        return { status: 'degraded', message: `comm failure: ${down.map((s) => s.device_id).join(', ')}`, devices: all.length, comm_failure: down.length };
      });
    }
    health.register('sources', async () => {
      const byProtocol: Record<string, number> = {};
      for (const id of this.connections.keys()) {
        const p = this.protocolOf(id);
        byProtocol[p] = (byProtocol[p] ?? 0) + 1;
      }
      if (!this.unreadable.size) return { status: 'up', message: `${this.connections.size} device(s) read`, protocols: [...this.drivers.keys()], devices: byProtocol };
      return { status: 'degraded', message: [...this.unreadable.values()].join('; '), protocols: [...this.drivers.keys()], devices: byProtocol, unreadable: this.unreadable.size };
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // DEVICE_FILE fills an empty registry in the database, so it waits for the database's registry.
    if (this.registry.loaded) await this.importDeviceFileIfEmpty();
    else void this.registry.loadedFromDatabase.then(() => this.importDeviceFileIfEmpty());
    if (!this.config.modbus.polling) {
      this.logger.log('reading devices is off on this instance (MODBUS_POLLING=false)');
      return;
    }
    this.logger.log(`source drivers: ${[...this.drivers.keys()].join(', ') || 'none'}`);
    if (this.config.role === 'auto') {
      // A hot standby reads nothing; it starts (with the registry as stored now) when it takes over.
      this.events.on('writer.changed', (e) => void (e.is_writer ? this.startReading(true) : this.stopReading()));
      if (!this.writer.isWriter) return;
    }
    await this.startReading(false);
  }

  private async startReading(takeover: boolean): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = this.registry.onChange((c) => void this.restart(c.deviceIds));
    if (takeover) await this.registry.refresh().catch((err: unknown) => this.logger.warn(`registry not reloaded at takeover: ${String(err)}`));
    await this.restart(this.registry.listDevices().map((d) => d.id));
  }

  private async stopReading(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.chain;
    const stopping = [...this.connections.values()].map((c) => c.stop());
    this.connections.clear();
    await Promise.all(stopping);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.adopter.stop();
    await this.stopReading();
  }

  status(deviceId: string): DeviceStatusDto {
    const c = this.connections.get(deviceId);
    if (c) return c.status();
    const d = this.registry.getDevice(deviceId);
    if (!d) throw new NotFoundException({ message: `device "${deviceId}" does not exist` });
    return idleStatus(d, this.registry.tagsOfDevice(deviceId).length, this.unreadable.get(deviceId) ?? null);
  }

  statuses(): DeviceStatusDto[] {
    return this.registry.listDevices().map((d) => this.status(d.id));
  }

  /** The running connection of a device (tests use it, e.g. to check that Modbus polls never overlap). */
  connection(deviceId: string): SourceConnection | undefined {
    return this.connections.get(deviceId);
  }

  /** Restarts the connections of the given devices with their current registry entries, one change at a time. */
  restart(deviceIds: readonly string[]): Promise<void> {
    this.chain = this.chain
      .then(async () => {
        for (const id of deviceIds) {
          const old = this.connections.get(id);
          let carry: SourceCarryOver | undefined;
          if (old) {
            this.connections.delete(id);
            await old.stop();
            carry = old.carryOver();
          }
          this.unreadable.delete(id);
          const device = this.registry.getDevice(id);
          const tags = this.registry.tagsOfDevice(id);
          // A Sparkplug device is read with no tags too: its births are what an admin or an auto_adopt rule adopts tags from.
          const discovers = device?.protocol === 'mqtt' && device.mode === 'sparkplug';
          if (!device || !device.enabled || (!tags.length && !discovers)) continue;
          this.open(device, tags, carry);
        }
      })
      .catch((err: unknown) => this.logger.error(`restarting device connections failed: ${String(err)}`));
    return this.chain;
  }

  private open(device: DeviceDto, tags: TagDto[], carry: SourceCarryOver | undefined): void {
    const protocol = deviceProtocol(device);
    const driver = this.drivers.get(protocol);
    if (!driver) {
      const why = `no source driver for protocol "${protocol}" in this IDM (drivers: ${[...this.drivers.keys()].join(', ') || 'none'})`;
      this.unreadable.set(device.id, why);
      this.logger.error(`device ${device.id} is not read: ${why}`);
      return;
    }
    try {
      const connection = driver.open(device, tags, this.deps(driver), carry);
      this.connections.set(device.id, connection);
      connection.start();
      this.logger.log(`reading ${device.id} over ${protocol} (${driver.describe(device, tags)})`);
    } catch (err) {
      // A driver that cannot open a device must not take the others (or IDM) down with it.
      const why = `the ${protocol} driver could not open it: ${(err as Error).message}`;
      this.unreadable.set(device.id, why);
      this.logger.error(`device ${device.id} is not read: ${why}`);
    }
  }

  private deps(driver: AnyDriver): SourceDeps<DeviceDto> {
    const where = (d: DeviceDto) => (driver.endpoint ? ` (${driver.endpoint(d)})` : '');
    return {
      publish: (batch) => this.ingestion.publish(batch),
      commFailed: (d, at, reason) => {
        // A read that was in flight when its device was deleted: the device's alarms are already ended.
        if (!this.registry.getDevice(d.id)) return;
        this.logger.warn(`device ${d.id}${where(d)} comm failure: ${reason}`);
        this.events.emit('device.comm_failed', { device_id: d.id, device_name: d.name, at, reason });
      },
      commRestored: (d, at, downMs) => {
        this.logger.log(`device ${d.id} answers again after ${downMs} ms`);
        this.events.emit('device.comm_restored', { device_id: d.id, device_name: d.name, at, down_ms: downMs });
      },
      // A part of a device (a Sparkplug edge node or device behind an MQTT broker): one alarm per part.
      scopeFailed: (d, scope, sensorIds, at, reason) => {
        if (!this.registry.getDevice(d.id)) return;
        this.logger.warn(`device ${d.id}${where(d)} ${scope} comm failure (${sensorIds.length} tags): ${reason}`);
        this.events.emit('device.comm_failed', { device_id: d.id, device_name: d.name, at, reason, scope, sensor_ids: sensorIds });
      },
      scopeRestored: (d, scope, sensorIds, at, downMs) => {
        this.logger.log(`device ${d.id} ${scope} answers again after ${downMs} ms`);
        this.events.emit('device.comm_restored', { device_id: d.id, device_name: d.name, at, down_ms: downMs, scope, sensor_ids: sensorIds });
      },
      onError: (d, message) => this.logger.debug(`device ${d.id}: ${message}`),
      // Sparkplug births: the device's auto_adopt rules turn matching metrics into tags (MQTT connections only).
      birthsChanged: (d: DeviceDto, metrics: DiscoveredMetric[]) => this.adopter.birthsChanged(d.id, metrics),
    } as SourceDeps<DeviceDto>;
  }

  /** Audited like an admin's change: one warn line per adopted tag, naming the rule; refusals too. */
  private async adoptDiscovered(deviceId: string, metrics: DiscoveredMetric[]): Promise<void> {
    const r = await this.registryAdmin.adoptDiscovered(deviceId, metrics);
    for (const a of r.adopted) {
      this.logger.warn(`tag ${a.tag.sensor_id} adopted from Sparkplug metric ${a.metric} of device ${deviceId} by auto_adopt rule #${a.rule + 1} (area "${a.tag.area}", unit "${a.tag.unit}")`);
    }
    for (const x of r.refused) this.logger.warn(`device ${deviceId}: Sparkplug metric ${x.metric} matches an auto_adopt rule but is not adopted: ${x.why}`);
  }

  private protocolOf(deviceId: string): DeviceProtocol {
    const d = this.registry.getDevice(deviceId);
    return d ? deviceProtocol(d) : 'modbus';
  }

  private async importDeviceFileIfEmpty(): Promise<void> {
    const file = this.config.modbus.deviceFile;
    if (!file || this.registry.listDevices().length) return;
    if (!fs.existsSync(file)) {
      this.logger.warn(`DEVICE_FILE ${file} does not exist; no devices imported`);
      return;
    }
    try {
      const r = await this.registryAdmin.importFile(fs.readFileSync(file, 'utf8'), 'merge');
      this.logger.log(`imported ${r.devices} device(s) and ${r.tags} tag(s) from ${file}`);
    } catch (err) {
      const details = (err as { getResponse?: () => { message?: string } }).getResponse?.().message;
      this.logger.error(`DEVICE_FILE ${file} was not imported: ${details ?? (err as Error).message}`);
    }
  }
}

function idleStatus(d: DeviceDto, tags: number, error: string | null): DeviceStatusDto {
  return {
    device_id: d.id, name: d.name, state: 'disabled', connected: false, last_good_poll_at: null, last_error: error,
    polls: 0, requests: 0, errors: 0, consecutive_failures: 0, last_poll_duration_ms: null, requests_per_poll: 0,
    tags, next_retry_at: null,
  };
}
