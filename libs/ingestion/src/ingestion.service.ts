import { Injectable, Logger } from '@nestjs/common';
import type { IngestedSample } from '@idm/contracts';

/**
 * A consumer of ingested samples. Sinks run in ascending `stage` order for every batch:
 * detection (stage 10) marks `status`, storage (stage 20) makes the batch durable, later stages
 * (live push, stage 30) see stored samples. A sink's rejection fails the batch, so a REST caller
 * is never told "accepted" for samples that were not made durable.
 */
export interface SampleSink {
  readonly name: string;
  readonly stage: number;
  accept(batch: readonly IngestedSample[]): Promise<void> | void;
  /**
   * Backpressure for sources that can be told to retry (REST): asked before a batch enters the pipeline, so
   * an earlier stage never sees a batch a later one refuses. An admitted batch is `release`d after `publish`.
   */
  admit?(samples: number): Admission;
  release?(samples: number): void;
}

/** A sink's answer to `admit`: `reason` says what is full (e.g. the historian's backlog), for the 503. */
export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number; reason: string };

// assetHealth: right after detection (samples carry their status), before storage; it awaits nothing.
export const SINK_STAGE = { detection: 10, assetHealth: 11, storage: 20, live: 30 } as const;

/** The one seam every sample passes through, polled or posted; producers know nothing of the sinks. */
@Injectable()
export class IngestionService {
  private readonly logger = new Logger('IngestionService');
  private sinks: SampleSink[] = [];

  register(sink: SampleSink): void {
    this.sinks = [...this.sinks.filter((s) => s.name !== sink.name), sink].sort((a, b) => a.stage - b.stage);
    this.logger.log(`sample sink registered: ${sink.name} (stage ${sink.stage})`);
  }

  /** Passes a batch through every sink in stage order; resolves when all accepted it. */
  async publish(batch: readonly IngestedSample[]): Promise<void> {
    if (!batch.length) return;
    for (const sink of this.sinks) await sink.accept(batch);
  }

  /**
   * Asks every sink that bounds its backlog to take `samples` more; all or none admit it. Polled sources do
   * not ask (a PLC cannot be told to retry; their rate is bounded by the polling).
   */
  admit(samples: number): Admission {
    const admitted: SampleSink[] = [];
    for (const sink of this.sinks) {
      if (!sink.admit) continue;
      const a = sink.admit(samples);
      if (!a.ok) {
        for (const s of admitted) s.release?.(samples);
        return a;
      }
      admitted.push(sink);
    }
    return { ok: true };
  }

  /** Ends an `admit` once its batch went through `publish` (or failed). */
  release(samples: number): void {
    for (const sink of this.sinks) if (sink.admit) sink.release?.(samples);
  }

  get sinkNames(): string[] {
    return this.sinks.map((s) => s.name);
  }
}
