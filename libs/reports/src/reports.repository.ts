import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { trusted, type Connection, type Model } from 'mongoose';
import { Alarm, AlarmAudit } from '@idm/alarms';
import type { AlarmPriorityName } from '@idm/contracts';
import type { AlarmFacts, AnomalyFact, AuditFact, RollupFact } from './engine/report-input';
import { ReportFile } from './report-file.schema';

/** Collection of anomaly episodes written by detection, and of the historian's rollups (read-only here). */
export const ANOMALIES_COLLECTION = 'anomalies';
export const ROLLUPS_COLLECTION = 'rollups';

/** A historian rollup `_id`: `<sensor_id>|<resolution>|<bucket start, epoch ms>`. */
export function rollupId(sensorId: string, resolution: '1m' | '1h', start: number): string {
  return `${sensorId}|${resolution}|${start}`;
}

function toMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return NaN;
}

function num(...vs: unknown[]): number {
  for (const v of vs) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return 0;
}

/** The only place reports touch the database: reads of alarms, audit, anomalies and rollups; report files. */
@Injectable()
export class ReportsRepository {
  constructor(
    @InjectModel(Alarm.name) private readonly alarms: Model<Alarm>,
    @InjectModel(AlarmAudit.name) private readonly audit: Model<AlarmAudit>,
    @InjectModel(ReportFile.name) private readonly files: Model<ReportFile>,
    @InjectConnection() private readonly connection: Connection,
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

  /** Anomaly episodes that started in [from, to) (the start may be stored as a date or as epoch ms). */
  async anomaliesBetween(from: number, to: number): Promise<AnomalyFact[]> {
    const docs = await this.connection
      .collection(ANOMALIES_COLLECTION)
      .find({ $or: [{ timestamp: { $gte: new Date(from), $lt: new Date(to) } }, { timestamp: { $gte: from, $lt: to } }] })
      .project({ sensor_id: 1, anomaly_type: 1, timestamp: 1 })
      .toArray();
    return docs
      .map((d) => ({ sensor_id: String(d.sensor_id), anomaly_type: String(d.anomaly_type ?? 'unknown'), timestamp: toMs(d.timestamp) }))
      .filter((d) => d.timestamp >= from && d.timestamp < to);
  }

  /**
   * Rollup buckets of the sensors starting in [from, to). One query with an `_id` range per sensor (the
   * `_id` is `<sensor>|<resolution>|<13-digit epoch ms>`, so it sorts by time within a sensor).
   */
  async rollups(sensorIds: string[], resolution: '1m' | '1h', from: number, to: number): Promise<RollupFact[]> {
    if (!sensorIds.length) return [];
    const out: RollupFact[] = [];
    for (let i = 0; i < sensorIds.length; i += 50) {
      const chunk = sensorIds.slice(i, i + 50);
      const docs = await this.connection
        .collection<{ _id: string } & Record<string, unknown>>(ROLLUPS_COLLECTION)
        .find({ $or: chunk.map((s) => ({ _id: { $gte: rollupId(s, resolution, from), $lt: rollupId(s, resolution, to) } })) })
        .toArray();
      for (const d of docs) {
        const [sensor, res, startText] = String(d._id).split('|');
        const start = toMs(d.start ?? d.bucket_start ?? startText);
        if (res !== resolution || !(start >= from && start < to)) continue;
        out.push({
          sensor_id: String(d.sensor_id ?? sensor),
          start,
          count: num(d.count, d.n),
          sum: num(d.sum),
          sum_sq: num(d.sum_sq, d.sumsq, d.sum_squares, d.sum_of_squares),
          min: num(d.min),
          max: num(d.max),
          anomaly_count: num(d.anomaly_count, d.anomalies),
        });
      }
    }
    return out;
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
