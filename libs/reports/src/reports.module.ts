import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AlarmsModule } from '@idm/alarms';
import { DetectionModule } from '@idm/detection';
import { HistorianModule } from '@idm/historian';
import { IngestionModule } from '@idm/ingestion';
import { ReportFacts } from './report-facts';
import { ReportFile, ReportFileSchema } from './report-file.schema';
import { ReportJobsService } from './report-jobs.service';
import { REPORTS_QUEUE } from './report-queue';
import { ReportsController } from './reports.controller';
import { ReportsProcessor } from './reports.processor';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

@Module({
  imports: [
    AlarmsModule,
    DetectionModule,
    HistorianModule,
    IngestionModule,
    MongooseModule.forFeature([{ name: ReportFile.name, schema: ReportFileSchema }]),
    BullModule.registerQueue({ name: REPORTS_QUEUE }),
  ],
  controllers: [ReportsController],
  providers: [ReportsRepository, ReportFacts, ReportsService, ReportJobsService, ReportsProcessor],
  // Notifications attach reports to digests.
  exports: [ReportsService],
})
export class ReportsModule {}
