import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { IngestionModule } from '@idm/ingestion';
import { HistorianRepository } from './historian.repository';
import { HistorianService } from './historian.service';
import { HistoryService } from './history.service';
import { RETENTION_QUEUE, RetentionProcessor, RetentionRunner, RetentionScheduler } from './retention';
import { SensorsController } from './sensors.controller';

/** Samples, rollups, history queries, the store-and-forward journal and retention. */
@Module({
  imports: [IngestionModule, BullModule.registerQueue({ name: RETENTION_QUEUE })],
  controllers: [SensorsController],
  providers: [HistorianRepository, HistorianService, HistoryService, RetentionRunner, RetentionProcessor, RetentionScheduler],
  exports: [HistorianService, HistoryService, RetentionScheduler],
})
export class HistorianModule {}
