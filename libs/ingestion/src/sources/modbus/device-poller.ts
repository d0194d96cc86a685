import type { DeviceState, DeviceStatusDto, FlatModbusTagDto, IngestedSample, ModbusDeviceDto, SampleQuality } from '@idm/contracts';
import { ingestedSample } from '@idm/contracts';
import { BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from '../backoff';
import { planBlocks, ReadBlock } from './block-planner';
import { widthOf } from './data-types';
import { TagDecoder } from './tag-value';
import type { SourceCarryOver, SourceConnection, SourceDeps } from '../source-driver';
import { ModbusExceptionError, ModbusReader, ModbusResponseError } from './modbus-reader';
import { sensorIndex } from '../../sensor-index';

const ILLEGAL_DATA_ADDRESS = 2;

/** A tag as the poller reads it: the shared fields with the Modbus binding flat beside them. */
export type ModbusTag = FlatModbusTagDto;

/**
 * How long a plan split around a refused register is kept before the original plan is tried again: 1 min,
 * doubling while the device still refuses, up to 1 h (a PLC program download can map a register later).
 */
export const DEFAULT_REPLAN_RETRY: Omit<BackoffOptions, 'jitter'> = { baseMs: 60_000, maxMs: 3_600_000 };

/**
 * What a poller hands to the one replacing it when the device's settings change: an outstanding comm failure
 * (so the replacement reports its end and the alarm clears) and the last good values (for stale samples).
 */
export type PollerCarryOver = SourceCarryOver;

/** The sources service's callbacks (publish, comm failure/restore, errors) and the Modbus-only hooks. */
export interface DevicePollerDeps extends SourceDeps<ModbusDeviceDto> {
  createReader(device: ModbusDeviceDto): ModbusReader;
  /** One Modbus request finished (for metrics). */
  onRequest?(device: ModbusDeviceDto, ok: boolean): void;
  onPoll?(device: ModbusDeviceDto, durationMs: number, ok: boolean): void;
  /** The poller stopped: nothing more will be read or published (metrics drop the device's series). */
  onStopped?(device: ModbusDeviceDto): void;
  random?: () => number;
  backoff?: BackoffOptions;
  /** Consecutive failed polls before the device is declared in comm failure (one blip is not an alarm). */
  failAfter?: number;
  replanRetry?: Omit<BackoffOptions, 'jitter'>;
}

/** A tag of a block as the poll loop reads it: where it sits in the response and how it is decoded. */
interface BlockTag {
  /** The tag's index in the poller's tag list (its slot for the last good value). */
  index: number;
  sensorId: string;
  /** `sensorIndex(sensorId)`, resolved once with the block, not per sample. */
  sensorIndex: number;
  offset: number;
  decoder: TagDecoder;
}

/** The read requests of a device's tags with its block gap. */
export function planDevice(device: Pick<ModbusDeviceDto, 'block_gap'>, tags: readonly ModbusTag[]): ReadBlock[] {
  return planBlocks(
    tags.map((t) => ({ key: t.sensor_id, register_type: t.register_type, address: t.address, width: widthOf(t.data_type) })),
    { gap: device.block_gap ?? 8 },
  );
}

/**
 * Polls one device on its own loop. The next poll is scheduled only when the previous one has finished,
 * so a slow device can never have overlapping polls and never delays another device. On a transport
 * failure the connection is dropped and re-made with exponential backoff and jitter, forever, so a PLC
 * that reboots comes back without anyone redeploying anything.
 */
export class DevicePoller implements SourceConnection {
  /** The plan from the tags and block gap; `blocks` departs from it while the device refuses part of it. */
  private readonly original: readonly ReadBlock[];
  private blocks: ReadBlock[];
  private replanRetryAt: number | null = null;
  private replanRetryDelay: number;
  private readonly tags: readonly ModbusTag[];
  private readonly tagIndex: Map<string, number>;
  private readonly decoders: TagDecoder[];
  /** Last good value per tag (by index), NaN for none yet: a good value is always finite. */
  private readonly last: Float64Array;
  /**
   * This poll's readings per tag (by index). Samples are made from them once every block has answered: made as
   * each response arrived, they would wait for the next responses and outlive a young-generation GC (copied,
   * then promoted), which cost more CPU than the reading itself when polling back to back.
   */
  private readonly polled: { value: Float64Array; good: Uint8Array; at: Float64Array };
  /** Each block's tags resolved once, not looked up by id on every poll (blocks are replaced on a split). */
  private readonly blockTags = new WeakMap<ReadBlock, BlockTag[]>();
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
    readonly device: ModbusDeviceDto,
    tags: readonly ModbusTag[],
    private readonly deps: DevicePollerDeps,
    carry?: PollerCarryOver,
  ) {
    // One entry per sensor id (the last one wins, as a Map of the tags did).
    this.tags = [...new Map(tags.map((t) => [t.sensor_id, t])).values()];
    this.tagIndex = new Map(this.tags.map((t, i) => [t.sensor_id, i]));
    this.decoders = this.tags.map((t) => new TagDecoder(t));
    this.last = new Float64Array(this.tags.length).fill(NaN);
    this.polled = { value: new Float64Array(this.tags.length), good: new Uint8Array(this.tags.length), at: new Float64Array(this.tags.length) };
    this.original = planDevice(device, tags);
    this.blocks = [...this.original];
    this.replanRetryDelay = (deps.replanRetry ?? DEFAULT_REPLAN_RETRY).baseMs;
    if (carry) {
      for (const [k, v] of carry.last) {
        const i = this.tagIndex.get(k);
        if (i !== undefined) this.last[i] = v;
      }
      if (carry.commFailedSince !== null) {
        // The comm failure was reported by the poller this one replaces: its end must be reported too.
        this.state = 'comm_failure';
        this.failedSince = carry.commFailedSince;
      }
    }
  }

  /** For the poller replacing this one (after `stop`). */
  carryOver(): PollerCarryOver {
    const last = new Map<string, number>();
    this.tags.forEach((t, i) => Number.isNaN(this.last[i]) || last.set(t.sensor_id, this.last[i]));
    return { commFailedSince: this.state === 'comm_failure' ? this.failedSince : null, last };
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
    this.deps.onStopped?.(this.device);
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
      tags: this.tags.length,
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

  /**
   * One poll of every block; returns false when the device failed the poll (the caller backs off): a
   * transport failure, or no block answered with data (every request refused, e.g. exception 11 from a
   * gateway whose PLC is gone, or a wrong unit id).
   */
  private async pollOnce(at: number): Promise<boolean> {
    this.counters.polls++;
    const polled = this.polled;
    let refused = 0;
    let answered = 0;
    let split = false;
    let refusal: Error | null = null;
    const retryingPlan = this.replanRetryAt !== null && at >= this.replanRetryAt;
    if (retryingPlan) this.blocks = [...this.original];
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
          // A short answer would shift every value after the gap: unusable, like a malformed one.
          if (data.length < block.count) throw new ModbusResponseError(`short response to ${block.register_type} ${block.address}+${block.count}: ${data.length} values`);
          this.deps.onRequest?.(this.device, true);
        } catch (err) {
          this.deps.onRequest?.(this.device, false);
          if (!(err instanceof ModbusExceptionError) && !(err instanceof ModbusResponseError)) throw err;
          const parts = err instanceof ModbusExceptionError && err.code === ILLEGAL_DATA_ADDRESS ? this.splitBlock(block) : null;
          if (parts) {
            // Many PLCs refuse a read that spans an unmapped register: narrow down to the tag(s) it refuses.
            this.blocks.splice(i, 1, ...parts);
            this.deps.onError?.(this.device, `${block.register_type} ${block.address}+${block.count} refused; read in ${parts.length} requests`);
            split = true;
            i--;
            continue;
          }
          // The device answered but refused this block, or answered it unusably: its tags are bad, the rest are fine.
          this.counters.errors++;
          refused++;
          refusal = err;
          const t = this.now;
          for (const { index } of this.tagsOf(block)) {
            polled.value[index] = this.lastOr0(index);
            polled.good[index] = 0;
            polled.at[index] = t;
          }
          continue;
        }
        answered++;
        // Stamped at the response: on a slow device the last block can arrive long after the poll began.
        const t = this.now;
        const blockTags = this.tagsOf(block);
        for (let j = 0; j < blockTags.length; j++) {
          const { index, offset, decoder } = blockTags[j];
          const value = decoder.value(data, offset);
          const good = decoder.quality(value) === 'good';
          if (good) this.last[index] = value;
          // A non-number becomes 0: samples must stay storable.
          polled.value[index] = Number.isFinite(value) ? value : 0;
          polled.good[index] = good ? 1 : 0;
          polled.at[index] = t;
        }
      }
      if (!answered && refusal) {
        this.afterReplan(retryingPlan, split);
        await this.onDeviceFailure(at, `every request refused: ${refusal.message}`, false);
        this.deps.onPoll?.(this.device, this.now - at, false);
        return false;
      }
    } catch (err) {
      // Without a split the retried plan was not judged: it stays due and is tried on the next poll.
      if (split) this.afterReplan(retryingPlan, split);
      await this.onDeviceFailure(at, (err as Error).message || String(err), true);
      this.deps.onPoll?.(this.device, this.now - at, false);
      return false;
    }
    this.afterReplan(retryingPlan, split);
    this.lastDuration = this.now - at;
    this.deps.onPoll?.(this.device, this.lastDuration, true);
    if (refused === 0) this.lastGoodPollAt = at;
    this.lastError = refusal?.message ?? null;
    const wasDown = this.state === 'comm_failure';
    this.state = 'connected';
    this.counters.consecutive_failures = 0;
    if (wasDown && this.failedSince !== null) {
      this.deps.commRestored(this.device, at, at - this.failedSince);
    }
    this.failedSince = null;
    const samples: IngestedSample[] = [];
    for (const block of this.blocks) {
      for (const t of this.tagsOf(block)) {
        samples.push(this.sample(t.sensorId, polled.value[t.index], polled.good[t.index] ? 'good' : 'bad', polled.at[t.index], t.sensorIndex));
      }
    }
    await this.deps.publish(samples);
    return true;
  }

  /**
   * Schedules the next try of the original plan after a split: the refusal may end (a register mapped by a
   * program download), and the split plan costs requests on every poll for good.
   */
  private afterReplan(retried: boolean, split: boolean): void {
    const { baseMs, maxMs } = this.deps.replanRetry ?? DEFAULT_REPLAN_RETRY;
    if (split) {
      if (retried) this.replanRetryDelay = Math.min(maxMs, this.replanRetryDelay * 2);
      this.replanRetryAt = this.now + this.replanRetryDelay;
      if (retried) this.deps.onError?.(this.device, `original plan still refused; next try in ${this.replanRetryDelay} ms`);
    } else if (retried) {
      this.replanRetryAt = null;
      this.replanRetryDelay = baseMs;
    }
  }

  /**
   * The block's tags re-planned without reading over holes; a contiguous block is halved instead, so the
   * refused register is found in a few polls' worth of requests and the tags around it stay in few blocks
   * (one request per tag would multiply the requests of a large block). Null for a single tag: it is the
   * one refused.
   */
  private splitBlock(block: ReadBlock): ReadBlock[] | null {
    if (block.tags.length < 2) return null;
    const tags = block.tags.map(({ key }) => this.tags[this.tagIndex.get(key) as number]);
    const plannable = tags.map((t) => ({ key: t.sensor_id, register_type: t.register_type, address: t.address, width: widthOf(t.data_type) }));
    const parts = planBlocks(plannable, { gap: 0 });
    if (parts.length > 1) return parts;
    const half = Math.ceil(plannable.length / 2);
    return [...planBlocks(plannable.slice(0, half), { gap: 0 }), ...planBlocks(plannable.slice(half), { gap: 0 })];
  }

  /** A failed poll; `reconnect` drops the connection (a transport failure, not a device refusing everything). */
  private async onDeviceFailure(at: number, reason: string, reconnect: boolean): Promise<void> {
    this.counters.errors++;
    this.counters.consecutive_failures++;
    this.lastError = reason;
    this.deps.onError?.(this.device, reason);
    if (reconnect) {
      await this.reader?.close();
      this.reader = null;
    }
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
      await this.publishQuietly(this.allTags('stale', at).filter((_, i) => !Number.isNaN(this.last[i])));
    }
  }

  /** A sample of every tag (in tag order) with its last good value. */
  private allTags(quality: SampleQuality, at: number): IngestedSample[] {
    return this.tags.map((t, i) => this.sample(t.sensor_id, this.lastOr0(i), quality, at, sensorIndex(t.sensor_id)));
  }

  private lastOr0(index: number): number {
    const v = this.last[index];
    return Number.isNaN(v) ? 0 : v;
  }

  private tagsOf(block: ReadBlock): BlockTag[] {
    let resolved = this.blockTags.get(block);
    if (!resolved) {
      resolved = block.tags.map(({ key, offset }) => {
        const index = this.tagIndex.get(key) as number;
        return { index, sensorId: key, sensorIndex: sensorIndex(key), offset, decoder: this.decoders[index] };
      });
      this.blockTags.set(block, resolved);
    }
    return resolved;
  }

  private async publishQuietly(batch: IngestedSample[]): Promise<void> {
    try {
      await this.deps.publish(batch);
    } catch (err) {
      this.deps.onError?.(this.device, `publish failed: ${(err as Error).message}`);
    }
  }

  private sample(sensor_id: string, value: number, quality: SampleQuality, timestamp: number, index: number): IngestedSample {
    return ingestedSample(sensor_id, timestamp, value, quality, 'modbus', undefined, index);
  }
}
