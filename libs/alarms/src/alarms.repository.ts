import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { trusted, type Model } from 'mongoose';
import { fencedFilter } from '@idm/core';
import { Alarm, AlarmAudit, type AlarmAuditEntry } from './alarm.schema';

/** The only place that touches the alarm models. */
@Injectable()
export class AlarmsRepository {
  constructor(
    @InjectModel(Alarm.name) private readonly alarms: Model<Alarm>,
    @InjectModel(AlarmAudit.name) private readonly audit: Model<AlarmAudit>,
  ) {}

  async loadAll(): Promise<Alarm[]> {
    return this.alarms.find({}).lean<Alarm[]>().exec();
  }

  /**
   * Whole-document replace by `_id`: the alarms service is the single writer, so no read-modify-write races.
   * With an epoch (IDM_ROLE=auto) the replace is fenced: it fails (11000) when a newer writer saved the alarm.
   */
  async save(alarm: Alarm, epoch: number | null = null): Promise<void> {
    await this.alarms.replaceOne(fencedFilter(alarm._id, epoch), epoch === null ? alarm : { ...alarm, epoch }, { upsert: true }).exec();
  }

  async appendAudit(entries: AlarmAudit[]): Promise<void> {
    if (entries.length) await this.audit.insertMany(entries, { ordered: true });
  }

  /** Audit entries with `from <= at < to`, only the fields a report counts. */
  async auditBetween(from: number, to: number): Promise<AlarmAuditEntry[]> {
    // sanitizeFilter is on: operators built here from numbers are marked as trusted.
    const docs = await this.audit.find({ at: trusted({ $gte: from, $lt: to }) }, { alarm_id: 1, kind: 1, from: 1, to: 1, at: 1 }).lean<AlarmAudit[]>().exec();
    return docs.map((d) => ({ alarm_id: d.alarm_id, kind: d.kind, from: d.from, to: d.to, at: d.at }));
  }

  /**
   * Audit entries with `from <= at < to` for the alarm journal, at most `cap` of them (the caller asks for one
   * more than it accepts, to tell a range that is too busy). `kinds` and `user` narrow the read; sanitizeFilter
   * keeps `user` a literal string, and the kinds are validated names.
   */
  async journalBetween(from: number, to: number, opts: { kinds?: readonly string[]; user?: string; cap: number }): Promise<Array<AlarmAudit & { _id: unknown }>> {
    const filter: Record<string, unknown> = { at: trusted({ $gte: from, $lt: to }) };
    if (opts.kinds?.length) filter.kind = trusted({ $in: [...opts.kinds] });
    if (opts.user !== undefined) filter.by = opts.user;
    // FerretDB filters this in Go (only `_id` lookups reach SQL) and sorts in memory: the range and the cap bound both.
    return this.audit.find(filter).sort({ at: -1, _id: -1 }).limit(opts.cap).lean<Array<AlarmAudit & { _id: unknown }>>().exec();
  }

  async history(alarmId: string, limit: number): Promise<AlarmAudit[]> {
    return this.audit.find({ alarm_id: alarmId }).sort({ at: -1, _id: -1 }).limit(limit).lean<AlarmAudit[]>().exec();
  }
}
