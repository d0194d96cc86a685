import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { AlarmEventDto } from '@idm/contracts';
import { AppConfig, REDIS_CLIENT } from '@idm/core';

/**
 * Numbers alarm events and keeps the recent ones so a reconnecting screen gets exactly what it missed.
 * Both live in Redis so several IDM instances share one sequence; a sorted set keyed by sequence
 * number is the replay log, trimmed to `retain` entries.
 */
@Injectable()
export class AlarmSequence {
  private readonly logger = new Logger('AlarmSequence');
  private readonly seqKey: string;
  private readonly logKey: string;
  private readonly retain = 10_000;
  private lastLocal = 0;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    config: AppConfig,
  ) {
    // Instances of one deployment share the sequence; other deployments (and test suites) on this Redis do not.
    this.seqKey = `idm:${config.databaseName}:alarms:seq`;
    this.logKey = `idm:${config.databaseName}:alarms:events`;
  }

  /** Assigns the next sequence number and records the event for replay. */
  async record(build: (seq: number) => AlarmEventDto): Promise<AlarmEventDto> {
    let seq: number;
    try {
      seq = await this.redis.incr(this.seqKey);
    } catch (err) {
      // Redis away: keep numbering locally so pushes go on; replay after reconnect may then be partial.
      seq = this.lastLocal + 1;
      this.logger.warn(`alarm sequence from Redis failed (${String(err)}); numbering locally`);
    }
    this.lastLocal = Math.max(this.lastLocal, seq);
    const event = build(seq);
    // Not awaited: commands on one connection run in order, so the log stays ordered, and the push to
    // screens does not wait for a second round trip.
    this.redis
      .multi()
      .zadd(this.logKey, seq, JSON.stringify(event))
      .zremrangebyrank(this.logKey, 0, -this.retain - 1)
      .exec()
      .catch((err: unknown) => this.logger.warn(`alarm event ${seq} not kept for replay: ${String(err)}`));
    return event;
  }

  async current(): Promise<number> {
    try {
      const v = await this.redis.get(this.seqKey);
      return Math.max(Number(v ?? 0), this.lastLocal);
    } catch {
      return this.lastLocal;
    }
  }

  /**
   * Events after `lastSeq`, in order; `complete` is false when some were already trimmed (or the log is
   * unavailable), in which case the client needs a fresh snapshot.
   */
  async since(lastSeq: number): Promise<{ events: AlarmEventDto[]; complete: boolean }> {
    try {
      const [raw, oldest] = await Promise.all([
        this.redis.zrangebyscore(this.logKey, `(${lastSeq}`, '+inf'),
        this.redis.zrange(this.logKey, 0, 0, 'WITHSCORES'),
      ]);
      const events = raw.map((r) => JSON.parse(r) as AlarmEventDto);
      const oldestSeq = oldest.length ? Number(oldest[1]) : null;
      const complete = oldestSeq === null ? lastSeq >= (await this.current()) : oldestSeq <= lastSeq + 1;
      return { events, complete };
    } catch {
      return { events: [], complete: false };
    }
  }
}
