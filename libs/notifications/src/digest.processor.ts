import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { DigestOutcome, DigestService } from './digest.service';
import { DIGEST_QUEUE, DigestJobData } from './notification-queues';

/** Runs the digest of a subscription when its job scheduler fires. */
@Processor(DIGEST_QUEUE, { concurrency: 1 })
export class DigestProcessor extends WorkerHost {
  constructor(private readonly digests: DigestService) {
    super();
  }

  process(job: Job<DigestJobData>): Promise<DigestOutcome> {
    return this.digests.run(job.data.subscription_id);
  }
}
