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
}

export const SINK_STAGE = { detection: 10, storage: 20, live: 30 } as const;

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

  get sinkNames(): string[] {
    return this.sinks.map((s) => s.name);
  }
}
