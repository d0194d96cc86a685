import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { AlarmReadingKind } from '@idm/contracts';
import { Types } from 'mongoose';
import type { AlarmPriority, AlarmState } from './engine/alarm-types';

/**
 * One alarm per (source, condition). `_id` is deterministic (`sensor:<sensor_id>|<condition>` or
 * `device:<device_id>|comm_failure`) so every read and write on the hot path is an `_id` lookup, which
 * FerretDB pushes down; the alarms service is the only writer.
 */
@Schema({ collection: 'alarms', versionKey: false, _id: false })
export class Alarm {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) source_type!: 'sensor' | 'device' | 'asset';
  @Prop({ type: String, required: true }) source_id!: string;
  @Prop({ type: String, default: null }) sensor_id!: string | null;
  @Prop({ type: String, required: true }) condition!: string;
  @Prop({ type: String, required: true }) message!: string;
  @Prop({ type: String, required: true }) priority!: AlarmPriority;
  @Prop({ type: String, required: true }) state!: AlarmState;
  @Prop({ type: Boolean, required: true }) condition_active!: boolean;
  @Prop({ type: Number, default: null }) condition_since!: number | null;
  @Prop({ type: Boolean, required: true }) active!: boolean;
  @Prop({ type: Boolean, required: true }) acked!: boolean;
  @Prop({ type: Number, default: null }) raised_at!: number | null;
  @Prop({ type: Number, default: null }) cleared_at!: number | null;
  @Prop({ type: Number, default: null }) acked_at!: number | null;
  @Prop({ type: String, default: null }) acked_by!: string | null;
  @Prop({ type: Number, default: null }) shelved_until!: number | null;
  @Prop({ type: String, default: null }) shelved_by!: string | null;
  @Prop({ type: String, default: null }) shelve_reason!: string | null;
  @Prop({ type: Number, default: null }) last_value!: number | null;
  @Prop({ type: String, default: null }) last_reading?: AlarmReadingKind | null;
  @Prop({ type: Number, default: 0 }) activation_count!: number;
  @Prop({ type: [String], default: [] }) anomaly_ids!: string[];
  @Prop({ type: Boolean, default: false }) in_flood!: boolean;
  @Prop({ type: Number, required: true }) updated_at!: number;
  /** IDM_ROLE=auto: epoch of the writer that saved it (fencing: a stale writer cannot overwrite it). */
  @Prop({ type: Number }) epoch?: number;
}

export const AlarmSchema = SchemaFactory.createForClass(Alarm);

/**
 * Audit trail of every alarm change and operator action (who, when, what, comment). Immutable inserts, one
 * document per event (one alarm's history reads these); the same events go to time-keyed segments
 * (`AlarmAuditSegment`), which range reads (journal, reports) use.
 */
@Schema({ collection: 'alarm_audit', versionKey: false })
export class AlarmAudit {
  /** Given when the event happens, so both stores (and a retried write) hold it under one id. */
  @Prop({ type: Types.ObjectId }) _id?: Types.ObjectId;
  @Prop({ type: String, required: true }) alarm_id!: string;
  @Prop({ type: String, required: true }) kind!: string;
  @Prop({ type: String, required: true }) from!: string;
  @Prop({ type: String, required: true }) to!: string;
  @Prop({ type: Number, required: true }) at!: number;
  @Prop({ type: String, default: null }) by!: string | null;
  @Prop({ type: String, default: null }) comment!: string | null;
  // What the alarm was when this happened (the journal shows it even after the tag is renamed or removed).
  // Entries written before these existed have them missing: the journal falls back to the current alarm.
  @Prop({ type: String, default: null }) source_type?: 'sensor' | 'device' | 'asset' | null;
  @Prop({ type: String, default: null }) source_id?: string | null;
  @Prop({ type: String, default: null }) sensor_id?: string | null;
  @Prop({ type: String, default: null }) condition?: string | null;
  @Prop({ type: String, default: null }) area?: string | null;
  @Prop({ type: String, default: null }) priority?: AlarmPriority | null;
  @Prop({ type: String, default: null }) message?: string | null;
}

/** An audit-trail transition as reports read it (epoch ms). */
export type AlarmAuditEntry = Pick<AlarmAudit, 'alarm_id' | 'kind' | 'from' | 'to' | 'at'>;

export const AlarmAuditSchema = SchemaFactory.createForClass(AlarmAudit);
// Alarm detail: one alarm's history, newest first.
AlarmAuditSchema.index({ alarm_id: 1, at: -1 });
// Reports and the alarm journal: everything that happened in a time range.
AlarmAuditSchema.index({ at: 1 });

/** An audit event as stored inside a segment (`_id` is the event's ObjectId as hex). */
export type AuditSegmentEvent = Omit<AlarmAudit, '_id'> & { _id: string };

/**
 * Alarm events of one hour, in segments of at most 100: `_id` `<hour start, 16 digits>|<n>` (see
 * engine/audit-segments), so a time range is read by exact `_id` lookups, the only filter FerretDB pushes
 * down. Each segment is written by the process that claimed it only. `_id` `meta` records the migration of
 * the per-event documents written before segments existed.
 */
@Schema({ collection: 'alarm_audit_segments', versionKey: false, _id: false })
export class AlarmAuditSegment {
  @Prop({ type: String, required: true }) _id!: string;
  /** Hour start (epoch ms); null on the meta document. */
  @Prop({ type: Number, default: null }) hour!: number | null;
  /**
   * The events as one JSON text: FerretDB decodes and encodes a document field by field, so 100 events as
   * subdocuments cost many times more to read than one string (a week of events: seconds against a fraction).
   */
  @Prop({ type: String, default: '[]' }) events!: string;
  /** Number of events (for people reading the database). */
  @Prop({ type: Number, default: 0 }) count!: number;
  @Prop({ type: Boolean }) migrated?: boolean;
}

export const AlarmAuditSegmentSchema = SchemaFactory.createForClass(AlarmAuditSegment);
// Retention: segments of hours before the cutoff (hourly, writer only).
AlarmAuditSegmentSchema.index({ hour: 1 });

/**
 * A report's view of one day of alarm events (engine/audit-days): `_id` the day start zero-padded, `events`
 * their alarm, kind, states and time as one JSON text. Written by the writer once the day is over, checked
 * against the hour segments after writing; removed by whoever stores a later event of that day, and with the
 * day's segments by retention. A day without one is read from its hour segments.
 */
@Schema({ collection: 'alarm_audit_days', versionKey: false, _id: false })
export class AlarmAuditDay {
  @Prop({ type: String, required: true }) _id!: string;
  /** Day start (epoch ms, UTC). */
  @Prop({ type: Number, required: true }) day!: number;
  @Prop({ type: String, required: true }) events!: string;
  /** Number of events (for people reading the database). */
  @Prop({ type: Number, default: 0 }) count!: number;
}

export const AlarmAuditDaySchema = SchemaFactory.createForClass(AlarmAuditDay);
// Retention: days before the cutoff.
AlarmAuditDaySchema.index({ day: 1 });
