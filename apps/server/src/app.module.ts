import { DynamicModule, Module } from '@nestjs/common';
import { AlarmsModule } from '@idm/alarms';
import { AuthModule } from '@idm/auth';
import { AppConfig, CoreModule, QueueModule } from '@idm/core';
import { DetectionModule } from '@idm/detection';
import { HistorianModule } from '@idm/historian';
import { IngestionModule } from '@idm/ingestion';
import { LiveModule } from '@idm/live';
import { NotificationsModule } from '@idm/notifications';
import { ReportsModule } from '@idm/reports';
import { ScreensModule } from '@idm/screens';

/** Composition root of the modular monolith: imports the feature modules, nothing else. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), QueueModule, AuthModule, IngestionModule, DetectionModule, HistorianModule, AlarmsModule, LiveModule, ReportsModule, NotificationsModule, ScreensModule],
    };
  }
}
