import * as fs from 'node:fs';
import { Inject, Injectable, Logger, Optional, NotFoundException, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { isModbusDevice, modbusBinding } from '@idm/contracts';
import type { DeviceDto, DeviceStatusDto, ModbusDeviceDto, TagDto } from '@idm/contracts';
import { AppConfig, DomainEvents, HealthRegistry, MetricsService } from '@idm/core';
import { IngestionService } from '../ingestion.service';
import { RegistryService } from '../registry/registry.service';
import { TagRegistryService } from '../registry/tag-registry.service';
import { DevicePoller, ModbusTag, PollerCarryOver } from './device-poller';
import { ModbusReader } from './modbus-reader';
import { ReadOnlyModbusClient } from './read-only-modbus-client';

/** Creates the Modbus connection of a device; an injected provider so tests can substitute it. */
export const MODBUS_READER_FACTORY = Symbol('MODBUS_READER_FACTORY');
export type ModbusReaderFactory = (device: ModbusDeviceDto) => ModbusReader;
export const defaultReaderFactory: ModbusReaderFactory = (d) => new ReadOnlyModbusClient(d);

/**
 * Runs one DevicePoller per enabled device, restarts a device's poller when its registry entry changes,
 * and turns poller callbacks into samples (IngestionService), domain events, metrics and health.
 */
@Injectable()
export class PollerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ModbusPoller');
  private readonly pollers = new Map<string, DevicePoller>();
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private readonly requests: Counter<'device_id'>;
  private readonly errors: Counter<'device_id'>;
  private readonly pollDuration: Histogram<'device_id'>;
  private readonly connected: Gauge<'device_id'>;
  private readonly samples: Counter<'quality'>;
  private readonly createReader: ModbusReaderFactory;

  constructor(
    private readonly registry: TagRegistryService,
    private readonly registryAdmin: RegistryService,
    private readonly ingestion: IngestionService,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    metrics: MetricsService,
    health: HealthRegistry,
    @Optional() @Inject(MODBUS_READER_FACTORY) createReader?: ModbusReaderFactory,
  ) {
    this.createReader = createReader ?? defaultReaderFactory;
    const registers = [metrics.registry];
    this.requests = new Counter({ name: 'idm_modbus_requests_total', help: 'Modbus read requests sent, by device', labelNames: ['device_id'], registers });
    this.errors = new Counter({ name: 'idm_modbus_errors_total', help: 'Failed Modbus requests and connection attempts, by device', labelNames: ['device_id'], registers });
    this.pollDuration = new Histogram({
      name: 'idm_modbus_poll_duration_seconds',
      help: 'Duration of one complete poll of a device (all blocks)',
      labelNames: ['device_id'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.connected = new Gauge({ name: 'idm_modbus_device_connected', help: '1 while the device answers polls', labelNames: ['device_id'], registers });
    this.samples = new Counter({ name: 'idm_modbus_samples_total', help: 'Samples produced by polling, by quality', labelNames: ['quality'], registers });
    health.register('modbus', async () => {
      const all = this.statuses().filter((s) => s.state !== 'disabled');
      const down = all.filter((s) => s.state === 'comm_failure');
      if (!down.length) return { status: 'up', message: `${all.length} device(s) polled`, devices: all.length };
      // A PLC in comm failure is the plant's problem, not IDM's: degraded, never down.
      return { status: 'degraded', message: `comm failure: ${down.map((s) => s.device_id).join(', ')}`, devices: all.length, comm_failure: down.length };
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // DEVICE_FILE fills an empty registry in the database, so it waits for the database's registry.
    if (this.registry.loaded) await this.importDeviceFileIfEmpty();
    else void this.registry.loadedFromDatabase.then(() => this.importDeviceFileIfEmpty());
    if (!this.config.modbus.polling) {
      this.logger.log('Modbus polling is off (MODBUS_POLLING=false)');
      return;
    }
    this.unsubscribe = this.registry.onChange((c) => void this.restart(c.deviceIds));
    await this.restart(this.registry.listDevices().map((d) => d.id));
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.chain;
    await Promise.all([...this.pollers.values()].map((p) => p.stop()));
    this.pollers.clear();
  }

  status(deviceId: string): DeviceStatusDto {
    const p = this.pollers.get(deviceId);
    if (p) return p.status();
    const d = this.registry.getDevice(deviceId);
    if (!d) throw new NotFoundException({ message: `device "${deviceId}" does not exist` });
    return idleStatus(d, this.registry.tagsOfDevice(deviceId).length, 'disabled');
  }

  statuses(): DeviceStatusDto[] {
    return this.registry.listDevices().map((d) => this.status(d.id));
  }

  /** The running poller of a device (tests use it to check that polls never overlap). */
  poller(deviceId: string): DevicePoller | undefined {
    return this.pollers.get(deviceId);
  }

  /** Restarts the pollers of the given devices with their current registry entries, one change at a time. */
  restart(deviceIds: readonly string[]): Promise<void> {
    this.chain = this.chain.then(async () => {
      for (const id of deviceIds) {
        const old = this.pollers.get(id);
        let carry: PollerCarryOver | undefined;
        if (old) {
          this.pollers.delete(id);
          await old.stop();
          carry = old.carryOver();
          this.connected.remove(id);
        }
        const device = this.registry.getDevice(id);
        if (!device || !isModbusDevice(device) || !device.enabled) continue;
        const tags = this.registry.tagsOfDevice(id).flatMap(flatModbusTag);
        if (!tags.length) continue;
        const poller = new DevicePoller(device, tags, {
          createReader: this.createReader,
          publish: (batch) => {
            for (const s of batch) this.samples.inc({ quality: s.quality });
            return this.ingestion.publish(batch);
          },
          commFailed: (d, at, reason) => {
            // A poll that was in flight when its device was deleted: the device's alarms are already ended.
            if (!this.registry.getDevice(d.id)) return;
            this.connected.set({ device_id: d.id }, 0);
            this.logger.warn(`device ${d.id} (${d.host}:${d.port}) comm failure: ${reason}`);
            this.events.emit('device.comm_failed', { device_id: d.id, device_name: d.name, at, reason });
          },
          commRestored: (d, at, downMs) => {
            this.logger.log(`device ${d.id} answers again after ${downMs} ms`);
            this.events.emit('device.comm_restored', { device_id: d.id, device_name: d.name, at, down_ms: downMs });
          },
          onRequest: (d, ok) => {
            this.requests.inc({ device_id: d.id });
            if (!ok) this.errors.inc({ device_id: d.id });
          },
          onPoll: (d, ms, ok) => {
            if (ok) {
              this.pollDuration.observe({ device_id: d.id }, ms / 1000);
              this.connected.set({ device_id: d.id }, 1);
            }
          },
          onError: (d, message) => this.logger.debug(`device ${d.id}: ${message}`),
          replanRetry: this.config.modbus.replanRetry,
        }, carry);
        this.pollers.set(id, poller);
        poller.start();
        this.logger.log(`polling ${device.id} (${device.host}:${device.port} unit ${device.unit_id}): ${tags.length} tags in ${poller.plan.length} request(s) every ${device.poll_interval_ms} ms`);
      }
    }).catch((err: unknown) => this.logger.error(`restarting pollers failed: ${String(err)}`));
    return this.chain;
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

function idleStatus(d: DeviceDto, tags: number, state: DeviceStatusDto['state']): DeviceStatusDto {
  return {
    device_id: d.id, name: d.name, state, connected: false, last_good_poll_at: null, last_error: null,
    polls: 0, requests: 0, errors: 0, consecutive_failures: 0, last_poll_duration_ms: null, requests_per_poll: 0,
    tags, next_retry_at: null,
  };
}

/** The poller reads the Modbus binding flat on the tag, as the block planner and decoder always have. */
export function flatModbusTag(t: TagDto): ModbusTag[] {
  const b = modbusBinding(t);
  if (!b) return [];
  const { source: _source, ...shared } = t;
  return [{ ...shared, ...b }];
}
