import { Injectable } from '@nestjs/common';
import { AlarmsService } from '@idm/alarms';
import type { AlarmPriorityName } from '@idm/contracts';
import { DetectionService } from '@idm/detection';
import type { AlarmFacts, AnomalyFact, AuditFact } from './engine/report-input';

/**
 * What a report needs from alarms and detection, asked of their services (the owners of those collections)
 * and put in the report engine's terms.
 */
@Injectable()
export class ReportFacts {
  constructor(
    private readonly alarmsService: AlarmsService,
    private readonly detection: DetectionService,
  ) {}

  /** Every alarm (one record per source and condition: a small collection). */
  async alarms(): Promise<AlarmFacts[]> {
    const records = await this.alarmsService.listStored();
    return records.map((a) => ({
      id: a._id,
      source_id: a.source_id,
      sensor_id: a.sensor_id,
      condition: a.condition,
      priority: a.priority as AlarmPriorityName,
      state: a.state,
      active: a.active,
      raised_at: a.raised_at,
      updated_at: a.updated_at,
    }));
  }

  /** Audit entries with `from <= at < to`. */
  auditBetween(from: number, to: number): Promise<AuditFact[]> {
    return this.alarmsService.auditBetween(from, to);
  }

  /** Anomaly episodes that started in [from, to). */
  anomaliesBetween(from: number, to: number): Promise<AnomalyFact[]> {
    return this.detection.episodesStartedBetween(from, to);
  }
}
