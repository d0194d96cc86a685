import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@idm/auth';
import { AppConfig, CoreModule } from '@idm/core';
import { IngestionModule } from '@idm/ingestion';

/** Composition root of the modular monolith: imports the feature modules, nothing else. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), AuthModule, IngestionModule],
    };
  }
}
