import type Redis from 'ioredis';
import type { StoredSample } from './engine/summary';

/**
 * IDM_ROLE=auto: a restarted instance that is a standby hands the samples of its journal replay to the writer
 * through a Redis list instead of writing them itself, so every sensor's buckets keep one writer (FerretDB
 * updates are read-modify-write: two instances merging into one minute could lose samples). The standby
 * trims its journal only after the push succeeded; the writer journals (fsync) a batch before it drops it
 * from the list, so a crash on either side loses nothing (at worst a batch is applied twice: idempotent).
 */
export class JournalHandover {
  private readonly key: string;

  constructor(private readonly redis: Redis, deployment: string) {
    this.key = `idm:${deployment}:historian:handover`;
  }

  /** Standby: queues replayed samples for the writer. */
  async push(samples: readonly StoredSample[]): Promise<void> {
    await this.redis.rpush(this.key, JSON.stringify(samples));
  }

  /**
   * Writer: takes up to `max` queued batches, hands each to `accept` (which makes it durable), then removes
   * them from the list. Returns how many batches were taken.
   */
  async drain(accept: (samples: StoredSample[]) => Promise<void>, max = 50): Promise<number> {
    const raw = await this.redis.lrange(this.key, 0, max - 1);
    for (const r of raw) await accept(JSON.parse(r) as StoredSample[]);
    if (raw.length) await this.redis.ltrim(this.key, raw.length, -1);
    return raw.length;
  }
}
