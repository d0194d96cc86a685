import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IngestionModule } from '@idm/ingestion';
import { AlarmAuditMaintenance } from './alarm-audit-maintenance';
import { Alarm, AlarmAudit, AlarmAuditDay, AlarmAuditDaySchema, AlarmAuditSchema, AlarmAuditSegment, AlarmAuditSegmentSchema, AlarmSchema } from './alarm.schema';
import { AlarmJournalService } from './alarm-journal.service';
import { AlarmSequence } from './alarm-sequence';
import { AlarmsController } from './alarms.controller';
import { AlarmsGateway } from './alarms.gateway';
import { AlarmsRepository } from './alarms.repository';
import { AlarmsService } from './alarms.service';

const models = MongooseModule.forFeature([
  { name: Alarm.name, schema: AlarmSchema },
  { name: AlarmAudit.name, schema: AlarmAuditSchema },
  { name: AlarmAuditSegment.name, schema: AlarmAuditSegmentSchema },
  { name: AlarmAuditDay.name, schema: AlarmAuditDaySchema },
]);

@Module({
  imports: [models, IngestionModule],
  controllers: [AlarmsController],
  providers: [AlarmsRepository, AlarmSequence, AlarmsService, AlarmJournalService, AlarmsGateway, AlarmAuditMaintenance],
  // Reports read alarms and their audit trail through the service; the models stay private.
  exports: [AlarmsService],
})
export class AlarmsModule {}
