import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { RedisGate } from './redis-gate';
import { redisOptionsFromUrl } from './redis-options';
import { REDIS_CLIENT, REDIS_OPTIONS } from './redis.tokens';

@Global()
@Module({
  providers: [
    {
      provide: REDIS_OPTIONS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): RedisOptions => redisOptionsFromUrl(config.redisUrl),
    },
    {
      provide: REDIS_CLIENT,
      inject: [REDIS_OPTIONS],
      useFactory: async (options: RedisOptions) => {
        const logger = new Logger('Redis');
        // Commands fail fast while Redis is away instead of queueing forever.
        const client = new Redis({ ...options, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
        let down = false;
        client.on('error', (err) => {
          if (!down) logger.warn(`Redis unreachable: ${err.message}`);
          down = true;
        });
        client.on('ready', () => {
          if (down) logger.log('Redis reachable again');
          down = false;
        });
        // Give Redis a moment to be ready so the first requests do not see it as down; never block start-up on it.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 3000);
          client.once('ready', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        return client;
      },
    },
    RedisGate,
  ],
  exports: [REDIS_CLIENT, REDIS_OPTIONS, RedisGate],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
