import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { WriterController } from './cluster/writer.controller';
import { WriterRole } from './cluster/writer-role';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { DomainEvents } from './events/domain-events';
import { DependencyHealth } from './health/dependency-health';
import { HealthController } from './health/health.controller';
import { HealthRegistry } from './health/health-registry';
import { LoggingModule } from './logging/logging.module';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { RedisModule } from './redis/redis.module';

/** Config, logging, database, Redis, health and metrics: what every IDM process needs. */
@Global()
@Module({})
export class CoreModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    const configProvider = { provide: AppConfig, useValue: config };
    return {
      module: CoreModule,
      imports: [
        // @nestjs/config holds the already validated values; modules inject the typed AppConfig.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ ...config })] }),
        {
          module: class AppConfigModule {},
          global: true,
          providers: [configProvider],
          exports: [configProvider],
        },
        LoggingModule,
        DatabaseModule,
        RedisModule,
      ],
      controllers: [HealthController, WriterController, MetricsController],
      providers: [HealthRegistry, DependencyHealth, MetricsService, DomainEvents, WriterRole],
      exports: [HealthRegistry, MetricsService, DomainEvents, DatabaseModule, WriterRole],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
