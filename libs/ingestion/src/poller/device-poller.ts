import type { DeviceDto, DeviceState, DeviceStatusDto, IngestedSample, SampleQuality, TagDto } from '@idm/contracts';
import { BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from '../modbus/backoff';
import { planBlocks, ReadBlock } from '../modbus/block-planner';
import { widthOf } from '../modbus/data-types';
import { readTag } from '../modbus/tag-value';
import { ModbusExceptionError, ModbusReader } from './modbus-reader';

const ILLEGAL_DATA_ADDRESS = 2;

export interface DevicePollerDeps {
  createReader(device: DeviceDto): ModbusReader;
  /** Resolves when the ingestion pipeline accepted the batch (backpressure: the next poll waits). */
  publish(batch: IngestedSample[]): Promise<void>;
  commFailed(device: DeviceDto, at: number, reason: string): void;
  commRestored(device: DeviceDto, at: number, downMs: number): void;
  /** One Modbus request finished (for metrics). */
  onRequest?(device: DeviceDto, ok: boolean): void;
  onPoll?(device: DeviceDto, durationMs: number, ok: boolean): void;
  onError?(device: DeviceDto, message: string): void;
  now?: () => number;
  random?: () => number;
  backoff?: BackoffOptions;
  /** Consecutive failed polls before the device is declared in comm failure (one blip is not an alarm). */
  failAfter?: number;
}

/**
 * Polls one device on its own loop. The next poll is scheduled only when the previous one has finished,
 * so a slow device can never have overlapping polls and never delays another device. On a transport
 * failure the connection is dropped and re-made with exponential backoff and jitter, forever, so a PLC
 * that reboots comes back without anyone redeploying anything.
 */
export class DevicePoller {
  private readonly blocks: ReadBlock[];
  private readonly tagsById: Map<string, TagDto>;
  private readonly last = new Map<string, number>();
  private reader: ModbusReader | null = null;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private state: DeviceState = 'connecting';
  private failedSince: number | null = null;
  private counters = { polls: 0, requests: 0, errors: 0, consecutive_failures: 0 };
  private lastGoodPollAt: number | null = null;
  private lastError: string | null = null;
  private lastDuration: number | null = null;
  private nextRetryAt: number | null = null;
  /** Polls in flight: stays 0 or 1; tests read it to prove polls never overlap. */
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    readonly device: DeviceDto,
    tags: readonly TagDto[],
    private readonly deps: DevicePollerDeps,
  ) {
    this.tagsById = new Map(tags.map((t) => [t.sensor_id, t]));
    this.blocks = planBlocks(
      tags.map((t) => ({ key: t.sensor_id, register_type: t.register_type, address: t.address, width: widthOf(t.data_type) })),
      { gap: device.block_gap ?? 8 },
    );
  }

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  start(): void {
    if (!this.device.enabled) {
      this.state = 'disabled';
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    await this.running;
    await this.reader?.close();
    this.reader = null;
  }

  status(): DeviceStatusDto {
    return {
      device_id: this.device.id,
      name: this.device.name,
      state: this.state,
      connected: this.state === 'connected',
      last_good_poll_at: this.lastGoodPollAt,
      last_error: this.lastError,
      ...this.counters,
      last_poll_duration_ms: this.lastDuration,
      requests_per_poll: this.blocks.length,
      tags: this.tagsById.size,
      next_retry_at: this.state === 'comm_failure' || this.counters.consecutive_failures > 0 ? this.nextRetryAt : null,
    };
  }

  get plan(): readonly ReadBlock[] {
    return this.blocks;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const run = () => {
      this.timer = null;
      this.immediate = null;
      this.running = this.tick().finally(() => (this.running = null));
    };
    // An overrunning device is polled again at once (setTimeout(0) would add a 1 ms floor per poll).
    if (delayMs <= 0) this.immediate = setImmediate(run);
    else this.timer = setTimeout(run, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const started = this.now;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let ok = false;
    try {
      ok = await this.pollOnce(started);
    } catch (err) {
      // pollOnce handles Modbus errors itself; this is a bug or a publish failure: keep polling anyway.
      this.deps.onError?.(this.device, `poll failed: ${(err as Error).message}`);
      ok = true;
    } finally {
      this.inFlight--;
    }
    const duration = this.now - started;
    if (ok) {
      this.nextRetryAt = null;
      this.schedule(this.device.poll_interval_ms - duration);
    } else {
      const delay = backoffDelay(this.counters.consecutive_failures - 1, this.deps.backoff ?? DEFAULT_BACKOFF, this.deps.random);
      this.nextRetryAt = this.now + delay;
      this.schedule(delay);
    }
  }

  /** One poll of every block; returns false on a transport failure (the caller backs off). */
  private async pollOnce(at: number): Promise<boolean> {
    this.counters.polls++;
    const samples: IngestedSample[] = [];
    let refused = 0;
    try {
      if (!this.reader?.isOpen) {
        await this.reader?.close();
        this.reader = this.deps.createReader(this.device);
        await this.reader.connect();
      }
      for (let i = 0; i < this.blocks.length; i++) {
        const block = this.blocks[i];
        this.counters.requests++;
        let data: number[] | boolean[];
        try {
          data = await this.reader.read(block.register_type, block.address, block.count);
          this.deps.onRequest?.(this.device, true);
        } catch (err) {
          this.deps.onRequest?.(this.device, false);
          if (!(err instanceof ModbusExceptionError)) throw err;
          const split = err.code === ILLEGAL_DATA_ADDRESS ? this.splitBlock(block) : null;
          if (split) {
            // Many PLCs refuse a read that spans unmapped registers: read this span without holes from now on.
            this.blocks.splice(i, 1, ...split);
            this.deps.onError?.(this.device, `${block.register_type} ${block.address}+${block.count} refused; read in ${split.length} requests without gaps`);
            i--;
            continue;
          }
          // The device answered but refused this block (e.g. illegal address): its tags are bad, the rest are fine.
          this.counters.errors++;
          refused++;
          this.lastError = err.message;
          for (const { key } of block.tags) samples.push(this.sample(key, this.last.get(key) ?? 0, 'bad', at));
          continue;
        }
        for (const { key, offset } of block.tags) {
          const reading = readTag(this.tagsById.get(key) as TagDto, data, offset);
          if (reading.quality === 'good') this.last.set(key, reading.value);
          samples.push(this.sample(key, reading.value, reading.quality, at));
        }
      }
    } catch (err) {
      await this.onTransportFailure(at, (err as Error).message || String(err));
      this.deps.onPoll?.(this.device, this.now - at, false);
      return false;
    }
    this.lastDuration = this.now - at;
    this.deps.onPoll?.(this.device, this.lastDuration, true);
    if (refused === 0) this.lastGoodPollAt = at;
    const wasDown = this.state === 'comm_failure';
    this.state = 'connected';
    this.counters.consecutive_failures = 0;
    if (wasDown && this.failedSince !== null) {
      this.deps.commRestored(this.device, at, at - this.failedSince);
    }
    this.failedSince = null;
    await this.deps.publish(samples);
    return true;
  }

  /** The block's tags planned without reading over holes, or null if that changes nothing. */
  private splitBlock(block: ReadBlock): ReadBlock[] | null {
    const tags = block.tags.map(({ key }) => this.tagsById.get(key) as TagDto);
    const parts = planBlocks(
      tags.map((t) => ({ key: t.sensor_id, register_type: t.register_type, address: t.address, width: widthOf(t.data_type) })),
      { gap: 0 },
    );
    return parts.length > 1 ? parts : null;
  }

  private async onTransportFailure(at: number, reason: string): Promise<void> {
    this.counters.errors++;
    this.counters.consecutive_failures++;
    this.lastError = reason;
    this.deps.onError?.(this.device, reason);
    await this.reader?.close();
    this.reader = null;
    if (this.failedSince === null) this.failedSince = at;
    const failAfter = this.deps.failAfter ?? 2;
    if (this.state === 'comm_failure') return; // already reported; comm_failure samples were sent once
    if (this.counters.consecutive_failures >= failAfter) {
      this.state = 'comm_failure';
      this.deps.commFailed(this.device, at, reason);
      await this.publishQuietly(this.allTags('comm_failure', at));
    } else {
      // Below the threshold the last values are repeated as stale: the screen must not show them as fresh.
      if (this.state !== 'connected') this.state = 'connecting';
      await this.publishQuietly(this.allTags('stale', at).filter((s) => this.last.has(s.sensor_id)));
    }
  }

  private allTags(quality: SampleQuality, at: number): IngestedSample[] {
    return [...this.tagsById.keys()].map((k) => this.sample(k, this.last.get(k) ?? 0, quality, at));
  }

  private async publishQuietly(batch: IngestedSample[]): Promise<void> {
    try {
      await this.deps.publish(batch);
    } catch (err) {
      this.deps.onError?.(this.device, `publish failed: ${(err as Error).message}`);
    }
  }

  private sample(sensor_id: string, value: number, quality: SampleQuality, timestamp: number): IngestedSample {
    return { sensor_id, timestamp, value, quality, source: 'modbus' };
  }
}
