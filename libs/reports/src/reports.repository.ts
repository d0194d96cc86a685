import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { trusted, type Model } from 'mongoose';
import { Alarm, AlarmAudit } from '@idm/alarms';
import type { AlarmPriorityName } from '@idm/contracts';
import { Anomaly } from '@idm/detection';
import type { AlarmFacts, AnomalyFact, AuditFact } from './engine/report-input';
import { ReportFile } from './report-file.schema';

/** The only place reports touch the database: reads of alarms, audit and anomalies (their owners' models); report files. */
@Injectable()
export class ReportsRepository {
  constructor(
    @InjectModel(Alarm.name) private readonly alarms: Model<Alarm>,
    @InjectModel(AlarmAudit.name) private readonly audit: Model<AlarmAudit>,
    @InjectModel(ReportFile.name) private readonly files: Model<ReportFile>,
    @InjectModel(Anomaly.name) private readonly anomalies: Model<Anomaly>,
  ) {}

  /** Every alarm (one document per source and condition: a small collection). */
  async alarmFacts(): Promise<AlarmFacts[]> {
    const docs = await this.alarms.find({}).lean<Alarm[]>().exec();
    return docs.map((a) => ({
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
  async auditBetween(from: number, to: number): Promise<AuditFact[]> {
    // sanitizeFilter is on: operators built here from numbers are marked as trusted.
    const docs = await this.audit.find({ at: trusted({ $gte: from, $lt: to }) }, { alarm_id: 1, kind: 1, from: 1, to: 1, at: 1 }).lean<AlarmAudit[]>().exec();
    return docs.map((d) => ({ alarm_id: d.alarm_id, kind: d.kind, from: d.from, to: d.to, at: d.at }));
  }

  /** Anomaly episodes (detection's model) that started in [from, to). */
  async anomaliesBetween(from: number, to: number): Promise<AnomalyFact[]> {
    const docs = await this.anomalies
      .find({ timestamp: trusted({ $gte: new Date(from), $lt: new Date(to) }) }, { sensor_id: 1, anomaly_type: 1, timestamp: 1 })
      .lean<Array<Pick<Anomaly, 'sensor_id' | 'anomaly_type' | 'timestamp'>>>()
      .exec();
    return docs.map((d) => ({ sensor_id: d.sensor_id, anomaly_type: d.anomaly_type, timestamp: new Date(d.timestamp).getTime() }));
  }

  async saveFile(file: ReportFile): Promise<void> {
    await this.files.replaceOne({ _id: file._id }, file, { upsert: true }).exec();
  }

  async getFile(id: string): Promise<ReportFile | null> {
    const f = await this.files.findOne({ _id: id }).lean<ReportFile>().exec();
    if (!f) return null;
    // lean() gives the driver's Binary, not a Buffer.
    const c = f.content as unknown as Buffer | { buffer: Uint8Array };
    return { ...f, content: Buffer.isBuffer(c) ? c : Buffer.from(c.buffer) };
  }

  async fileExists(id: string): Promise<boolean> {
    return (await this.files.countDocuments({ _id: id }).exec()) > 0;
  }

  /** Deletes files past their expiry; returns how many. */
  async deleteExpired(now: number): Promise<number> {
    const r = await this.files.deleteMany({ expires_at: trusted({ $lt: now }) }).exec();
    return r.deletedCount ?? 0;
  }
}
