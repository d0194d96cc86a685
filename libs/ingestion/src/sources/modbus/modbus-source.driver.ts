import { Inject, Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { modbusBinding } from '@idm/contracts';
import type { IngestedSample, ModbusDeviceDto, ModbusTagBinding, SampleQuality, TagDto } from '@idm/contracts';
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
  /**
   * Requests, errors and samples are counted in plain numbers and added to the counters when they are scraped:
   * polling back to back makes thousands of requests and hundreds of thousands of samples a second, and a
   * prom-client label lookup for each was a measurable share of the poll loop.
   */
  private readonly unscraped = new Map<string, { requests: number; errors: number }>();
  private readonly unscrapedSamples = new Map<SampleQuality, number>();

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsService,
    @Optional() @Inject(MODBUS_READER_FACTORY) createReader?: ModbusReaderFactory,
  ) {
    this.createReader = createReader ?? defaultReaderFactory;
    const registers = [metrics.registry];
    const collect = () => this.addUnscraped();
    this.requests = new Counter({ name: 'idm_modbus_requests_total', help: 'Modbus read requests sent, by device', labelNames: ['device_id'], registers, collect });
    this.errors = new Counter({ name: 'idm_modbus_errors_total', help: 'Failed Modbus requests and connection attempts, by device', labelNames: ['device_id'], registers, collect });
    this.pollDuration = new Histogram({
      name: 'idm_modbus_poll_duration_seconds',
      help: 'Duration of one complete poll of a device (all blocks)',
      labelNames: ['device_id'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.connected = new Gauge({ name: 'idm_modbus_device_connected', help: '1 while the device answers polls', labelNames: ['device_id'], registers });
    this.samples = new Counter({ name: 'idm_modbus_samples_total', help: 'Samples produced by polling, by quality', labelNames: ['quality'], registers, collect });
  }

  open(device: ModbusDeviceDto, tags: readonly TagDto<ModbusTagBinding>[], deps: SourceDeps<ModbusDeviceDto>, carry?: SourceCarryOver): DevicePoller {
    const counts = this.unscraped.get(device.id) ?? { requests: 0, errors: 0 };
    this.unscraped.set(device.id, counts);
    // The gauge is set when the device's state changes, not on every poll.
    let shownConnected = false;
    return new DevicePoller(device, tags.flatMap(flatModbusTag), {
      ...deps,
      createReader: this.createReader,
      publish: (batch) => {
        this.countSamples(batch);
        return deps.publish(batch);
      },
      commFailed: (d, at, reason) => {
        this.connected.set({ device_id: d.id }, 0);
        shownConnected = false;
        deps.commFailed(d, at, reason);
      },
      onRequest: (_d, ok) => {
        counts.requests++;
        if (!ok) counts.errors++;
      },
      onPoll: (d, ms, ok) => {
        if (!ok) return;
        this.pollDuration.observe({ device_id: d.id }, ms / 1000);
        if (!shownConnected) this.connected.set({ device_id: d.id }, 1);
        shownConnected = true;
      },
      onStopped: (d) => {
        this.connected.remove(d.id);
        shownConnected = false;
      },
      replanRetry: this.config.modbus.replanRetry,
    }, carry);
  }

  private countSamples(batch: readonly IngestedSample[]): void {
    let good = 0;
    for (const s of batch) {
      if (s.quality === 'good') good++;
      else this.unscrapedSamples.set(s.quality, (this.unscrapedSamples.get(s.quality) ?? 0) + 1);
    }
    this.unscrapedSamples.set('good', (this.unscrapedSamples.get('good') ?? 0) + good);
  }

  /** Adds the counts since the last scrape to the counters (a series appears with its first count, as before). */
  private addUnscraped(): void {
    for (const [device_id, c] of this.unscraped) {
      if (c.requests) this.requests.inc({ device_id }, c.requests);
      if (c.errors) this.errors.inc({ device_id }, c.errors);
      c.requests = 0;
      c.errors = 0;
    }
    for (const [quality, n] of this.unscrapedSamples) if (n) this.samples.inc({ quality }, n);
    this.unscrapedSamples.clear();
  }

  describe(device: ModbusDeviceDto, tags: readonly TagDto<ModbusTagBinding>[]): string {
    const plan = planDevice(device, tags.flatMap(flatModbusTag));
    return `${this.endpoint(device)} unit ${device.unit_id}: ${tags.length} tags in ${plan.length} request(s) every ${device.poll_interval_ms} ms`;
  }

  endpoint(device: ModbusDeviceDto): string {
    return `${device.host}:${device.port}`;
  }
}
