import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS_OPTIONS } from '../redis/redis.tokens';

/**
 * The BullMQ root registration: every queue uses the shared Redis options and `QUEUE_PREFIX`, so several
 * IDM installations (or test suites) can share one Redis. Feature modules add `BullModule.registerQueue`.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [REDIS_OPTIONS, AppConfig],
      useFactory: (redis: RedisOptions, config: AppConfig) => ({
        connection: { ...redis, maxRetriesPerRequest: null },
        prefix: config.queuePrefix,
      }),
    }),
  ],
  exports: [BullModule],
})
export class QueueModule {}
