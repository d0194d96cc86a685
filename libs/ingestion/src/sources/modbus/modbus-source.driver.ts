import { Inject, Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { modbusBinding } from '@idm/contracts';
import type { ModbusDeviceDto, ModbusTagBinding, TagDto } from '@idm/contracts';
import { AppConfig, MetricsService } from '@idm/core';
import type { SourceCarryOver, SourceDeps, SourceDriver } from '../source-driver';
import { DevicePoller, ModbusTag, planDevice } from './device-poller';
import { ModbusReader } from './modbus-reader';
import { ReadOnlyModbusClient } from './read-only-modbus-client';

/** Creates the Modbus connection of a device; an injected provider so tests can substitute it. */
export const MODBUS_READER_FACTORY = Symbol('MODBUS_READER_FACTORY');
export type ModbusReaderFactory = (device: ModbusDeviceDto) => ModbusReader;
export const defaultReaderFactory: ModbusReaderFactory = (d) => new ReadOnlyModbusClient(d);

/** The poller reads the Modbus binding flat on the tag, as the block planner and decoder always have. */
export function flatModbusTag(t: TagDto): ModbusTag[] {
  const b = modbusBinding(t);
  if (!b) return [];
  const { source: _source, ...shared } = t;
  return [{ ...shared, ...b }];
}

/** Modbus TCP: one DevicePoller per device, polling its tags in planned blocks; owns the `idm_modbus_*` metrics. */
@Injectable()
export class ModbusSourceDriver implements SourceDriver<ModbusDeviceDto, TagDto<ModbusTagBinding>> {
  readonly protocol = 'modbus' as const;
  private readonly requests: Counter<'device_id'>;
  private readonly errors: Counter<'device_id'>;
  private readonly pollDuration: Histogram<'device_id'>;
  private readonly connected: Gauge<'device_id'>;
  private readonly samples: Counter<'quality'>;
  private readonly createReader: ModbusReaderFactory;

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsService,
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
  }

  open(device: ModbusDeviceDto, tags: readonly TagDto<ModbusTagBinding>[], deps: SourceDeps<ModbusDeviceDto>, carry?: SourceCarryOver): DevicePoller {
    return new DevicePoller(device, tags.flatMap(flatModbusTag), {
      ...deps,
      createReader: this.createReader,
      publish: (batch) => {
        for (const s of batch) this.samples.inc({ quality: s.quality });
        return deps.publish(batch);
      },
      commFailed: (d, at, reason) => {
        this.connected.set({ device_id: d.id }, 0);
        deps.commFailed(d, at, reason);
      },
      onRequest: (d, ok) => {
        this.requests.inc({ device_id: d.id });
        if (!ok) this.errors.inc({ device_id: d.id });
      },
      onPoll: (d, ms, ok) => {
        if (!ok) return;
        this.pollDuration.observe({ device_id: d.id }, ms / 1000);
        this.connected.set({ device_id: d.id }, 1);
      },
      onStopped: (d) => this.connected.remove(d.id),
      replanRetry: this.config.modbus.replanRetry,
    }, carry);
  }

  describe(device: ModbusDeviceDto, tags: readonly TagDto<ModbusTagBinding>[]): string {
    const plan = planDevice(device, tags.flatMap(flatModbusTag));
    return `${this.endpoint(device)} unit ${device.unit_id}: ${tags.length} tags in ${plan.length} request(s) every ${device.poll_interval_ms} ms`;
  }

  endpoint(device: ModbusDeviceDto): string {
    return `${device.host}:${device.port}`;
  }
}
