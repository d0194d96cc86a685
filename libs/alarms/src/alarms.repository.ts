import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Alarm, AlarmAudit } from './alarm.schema';

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

  /** Whole-document replace by `_id`: the alarms service is the single writer, so no read-modify-write races. */
  async save(alarm: Alarm): Promise<void> {
    await this.alarms.replaceOne({ _id: alarm._id }, alarm, { upsert: true }).exec();
  }

  async appendAudit(entries: AlarmAudit[]): Promise<void> {
    if (entries.length) await this.audit.insertMany(entries, { ordered: true });
  }

  async history(alarmId: string, limit: number): Promise<AlarmAudit[]> {
    return this.audit.find({ alarm_id: alarmId }).sort({ at: -1, _id: -1 }).limit(limit).lean<AlarmAudit[]>().exec();
  }
}
