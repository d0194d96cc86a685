import { Injectable } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { trusted, type Connection, type Model } from 'mongoose';
import { Alarm, AlarmAudit } from '@idm/alarms';
import type { AlarmPriorityName } from '@idm/contracts';
import { mapLimited } from '@idm/core';
import type { AlarmFacts, AnomalyFact, AuditFact, RollupFact } from './engine/report-input';
import { ReportFile } from './report-file.schema';

/** Collections of detection and the historian this module reads (their owners write them). */
export const ANOMALIES_COLLECTION = 'anomalies';
export const ROLLUPS_COLLECTION = 'rollups';
export const PACKS_COLLECTION = 'rollup_packs';
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Concurrent `_id` lookups while reading rollups. */
const READ_CONCURRENCY = 16;

function toRollup(sensor: string, start: number, d: Record<string, unknown>): RollupFact {
  return {
    sensor_id: sensor,
    start,
    count: num(d.count),
    sum: num(d.sum),
    sum_sq: num(d.sum_sq),
    min: num(d.min),
    max: num(d.max),
    anomaly_count: num(d.anomaly_count),
  };
}

/** A historian rollup (or pack) `_id`: `<sensor_id>|<resolution>|<bucket or pack start, epoch ms>`. */
export function rollupId(sensorId: string, resolution: '1m' | '1h', start: number): string {
  return `${sensorId}|${resolution}|${start}`;
}

function toMs(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return NaN;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
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
   * Rollup buckets of the sensors starting in [from, to), read the way FerretDB is fast: exact `_id`
   * lookups only. The historian packs minute rollups per hour and hour rollups per day
   * (`rollup_packs`, `<sensor>|1m|<hour start>` / `<sensor>|1h|<day start>` with `items`), and also keeps
   * each bucket alone (`rollups`, `<sensor>|<res>|<bucket start>`). Packs cover the range; for the two
   * most recent pack periods (maybe not packed yet) missing buckets are looked up one by one.
   */
  async rollups(sensorIds: string[], resolution: '1m' | '1h', from: number, to: number, now = Date.now()): Promise<RollupFact[]> {
    const unit = resolution === '1m' ? MINUTE : HOUR;
    const packUnit = resolution === '1m' ? HOUR : DAY;
    const packs = this.connection.collection<{ _id: string } & Record<string, unknown>>(PACKS_COLLECTION);
    const singles = this.connection.collection<{ _id: string } & Record<string, unknown>>(ROLLUPS_COLLECTION);
    const tasks: Array<{ sensor: string; packStart: number }> = [];
    for (const sensor of sensorIds) for (let p = Math.floor(from / packUnit) * packUnit; p < to; p += packUnit) tasks.push({ sensor, packStart: p });
    const parts = await mapLimited(tasks, READ_CONCURRENCY, async ({ sensor, packStart }) => {
      const out = new Map<number, RollupFact>();
      const pack = await packs.findOne({ _id: rollupId(sensor, resolution, packStart) });
      for (const item of (pack?.items as Array<Record<string, unknown>> | undefined) ?? []) {
        const t = toMs(item.t ?? item.start);
        if (t >= from && t < to) out.set(t, toRollup(sensor, t, item));
      }
      if (packStart + 2 * packUnit > now) {
        const first = Math.max(packStart, Math.ceil(from / unit) * unit);
        for (let t = first; t < Math.min(packStart + packUnit, to, now); t += unit) {
          if (out.has(t)) continue;
          const d = await singles.findOne({ _id: rollupId(sensor, resolution, t) });
          if (d) out.set(t, toRollup(sensor, t, d));
        }
      }
      return [...out.values()];
    });
    return parts.flat();
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
