import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IngestionModule } from '@idm/ingestion';
import { RollupDayViews } from './day-views';
import { HistorianRepository } from './historian.repository';
import { HistorianService } from './historian.service';
import { HistoryService } from './history.service';
import { RETENTION_QUEUE, RetentionProcessor, RetentionRunner, RetentionScheduler } from './retention';
import { SensorsController } from './sensors.controller';
import { TrendGroupsController } from './trend-groups/trend-groups.controller';
import { TrendGroupsRepository } from './trend-groups/trend-groups.repository';
import { UserTrendGroups, UserTrendGroupsSchema } from './trend-groups/trend-groups.schema';

/** Samples, rollups, history queries, the store-and-forward journal and retention; users' saved trend groups. */
@Module({
  imports: [IngestionModule, BullModule.registerQueue({ name: RETENTION_QUEUE }), MongooseModule.forFeature([{ name: UserTrendGroups.name, schema: UserTrendGroupsSchema }])],
  controllers: [SensorsController, TrendGroupsController],
  providers: [TrendGroupsRepository, HistorianRepository, HistorianService, HistoryService, RetentionRunner, RetentionProcessor, RetentionScheduler, RollupDayViews],
  exports: [HistorianService, HistoryService, RetentionScheduler],
})
export class HistorianModule {}
