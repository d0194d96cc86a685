import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import type { Connection } from 'mongoose';
import { REDIS_CLIENT } from '../redis/redis.tokens';
import { HealthRegistry } from './health-registry';

/** Registers the MongoDB and Redis checks: each must answer a ping (the database down only degrades IDM). */
@Injectable()
export class DependencyHealth implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    @InjectConnection() private readonly connection: Connection,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    this.registry.register('mongo', async () => {
      const db = this.connection.db;
      if (!db) return { status: 'down', message: 'not connected' };
      const started = Date.now();
      await db.admin().command({ ping: 1 }, { timeoutMS: 1500 });
      return { status: 'up', latency_ms: Date.now() - started };
    }, { essential: false });
    this.registry.register('redis', async () => {
      const started = Date.now();
      await this.redis.ping();
      return { status: 'up', latency_ms: Date.now() - started };
    });
  }
}
