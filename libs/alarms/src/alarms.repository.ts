import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { trusted, type Model } from 'mongoose';
import { fencedFilter, mapLimited } from '@idm/core';
import { Alarm, AlarmAudit, AlarmAuditDay, AlarmAuditSegment, type AlarmAuditEntry, type AuditSegmentEvent } from './alarm.schema';
import { DAY_MS, dayId, dayOf, daysDueAView, daysOf, decodeDayView, encodeDayView } from './engine/audit-days';
import { byHour, eventsInRange, hoursOf, SEGMENT_MAX_EVENTS, segmentId, SEGMENTS_META_ID } from './engine/audit-segments';

/** Hours read at once by a range read. */
const SEGMENT_READ_CONCURRENCY = 16;
/** Days read at once by a report's read (each reads its hours concurrently when it has no view). */
const DAY_READ_CONCURRENCY = 4;
/** Hours whose segment this process keeps in memory to append to (least recently used forgotten first). */
const OWNED_HOURS = 8;

interface OwnedSegment {
  n: number;
  events: AuditSegmentEvent[];
  ids: Set<string>;
}

export type StoredAuditEvent = AlarmAudit & { _id: unknown };

function isDuplicateOnly(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: Array<{ code?: number }> | { code?: number } };
  if (e?.code === 11000 && !e.writeErrors) return true;
  const list = Array.isArray(e?.writeErrors) ? e.writeErrors : e?.writeErrors ? [e.writeErrors] : [];
  return list.length > 0 && list.every((w) => w.code === 11000);
}

/** The only place that touches the alarm models. */
@Injectable()
export class AlarmsRepository {
  /** The segment this process owns per hour (it claimed it; nobody else writes it). */
  private readonly owned = new Map<number, OwnedSegment>();
  /** Segment writes one after the other (each replaces its segment whole). */
  private segmentWrites: Promise<unknown> = Promise.resolve();
  private migrated = false;

  constructor(
    @InjectModel(Alarm.name) private readonly alarms: Model<Alarm>,
    @InjectModel(AlarmAudit.name) private readonly audit: Model<AlarmAudit>,
    @InjectModel(AlarmAuditSegment.name) private readonly segments: Model<AlarmAuditSegment>,
    @InjectModel(AlarmAuditDay.name) private readonly days: Model<AlarmAuditDay>,
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

  /**
   * Stores events in their hour's segment, then as one document each. Entries carry their `_id`, so a retry
   * after a partial failure neither loses nor doubles them (a segment skips ids it holds; duplicates of the
   * per-event documents are refused by `_id`).
   */
  async appendAudit(entries: AlarmAudit[]): Promise<void> {
    if (!entries.length) return;
    await this.appendToSegments(entries);
    try {
      await this.audit.insertMany(entries, { ordered: false });
    } catch (err) {
      if (!isDuplicateOnly(err)) throw err;
    }
  }

  /** Appends events to the segments this process owns (claiming new ones as needed); serialised. */
  appendToSegments(entries: readonly AlarmAudit[]): Promise<void> {
    const run = this.segmentWrites.then(() => this.appendNow(entries));
    this.segmentWrites = run.catch(() => undefined);
    return run;
  }

  private async appendNow(entries: readonly AlarmAudit[]): Promise<void> {
    const events = entries.map((e): AuditSegmentEvent => ({ ...e, _id: String(e._id) }));
    for (const [hour, list] of byHour(events)) {
      let seg = this.owned.get(hour) ?? (await this.claim(hour, 0));
      const dirty = new Set<OwnedSegment>();
      for (const e of list) {
        if (seg.ids.has(e._id)) continue;
        if (seg.events.length >= SEGMENT_MAX_EVENTS) {
          await this.writeSegments(hour, dirty);
          seg = await this.claim(hour, seg.n + 1);
        }
        seg.events.push(e);
        seg.ids.add(e._id);
        dirty.add(seg);
      }
      await this.writeSegments(hour, dirty);
      await this.dropDayView(hour);
      // Most recently used last; the least recently used beyond OWNED_HOURS are forgotten (a later event of
      // such an hour claims a new segment: a few more lookups for that hour, never a lost event).
      this.owned.delete(hour);
      this.owned.set(hour, seg);
      while (this.owned.size > OWNED_HOURS) this.owned.delete(this.owned.keys().next().value as number);
    }
  }

  private async writeSegments(hour: number, dirty: Set<OwnedSegment>): Promise<void> {
    for (const s of dirty) await this.segments.replaceOne({ _id: segmentId(hour, s.n) }, { hour, events: JSON.stringify(s.events), count: s.events.length }).exec();
    dirty.clear();
  }

  /**
   * After storing an event of a day that is over, removes that day's view: it may have been written without
   * the event. Removing it after the segment write (never before) closes the race with a writer of the view,
   * which checks the segments again after writing it (`writeDayView`).
   */
  private async dropDayView(hour: number, now = Date.now()): Promise<void> {
    const day = dayOf(hour);
    if (day + DAY_MS > now) return;
    await this.days.deleteOne({ _id: dayId(day) }).exec();
  }

  /** Claims the first free segment of an hour from `n` on: inserting it is the claim (the `_id` is unique). */
  private async claim(hour: number, from: number): Promise<OwnedSegment> {
    let n = from;
    for (;;) {
      while (await this.segments.exists({ _id: segmentId(hour, n) })) n += 1;
      try {
        await this.segments.create({ _id: segmentId(hour, n), hour, events: '[]', count: 0 });
        return { n, events: [], ids: new Set() };
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        n += 1;
      }
    }
  }

  /** Events with `from <= at < to`, each once, newest first: segments by exact `_id`, or the legacy documents until they are migrated. */
  private async eventsBetween(from: number, to: number): Promise<StoredAuditEvent[]> {
    if (!(await this.segmentsComplete())) {
      return this.audit.find({ at: trusted({ $gte: from, $lt: to }) }).sort({ at: -1, _id: -1 }).lean<StoredAuditEvent[]>().exec();
    }
    return eventsInRange(await this.readHours(hoursOf(from, to)), from, to) as unknown as StoredAuditEvent[];
  }

  /** The events of each hour's segments, read by exact `_id`: segment 0, 1, ... until one is missing. */
  private readHours(hours: readonly number[]): Promise<AuditSegmentEvent[][]> {
    return mapLimited(hours, SEGMENT_READ_CONCURRENCY, async (hour) => {
      const events: AuditSegmentEvent[] = [];
      for (let n = 0; ; n++) {
        const seg = await this.segments.findOne({ _id: segmentId(hour, n) }).lean<AlarmAuditSegment>().exec();
        if (!seg) break;
        for (const e of JSON.parse(seg.events) as AuditSegmentEvent[]) events.push(e);
      }
      return events;
    });
  }

  /** A day's events with `from <= at < to` from its hour segments, newest first, as a report reads them. */
  private async dayFromHours(day: number, from: number, to: number): Promise<AlarmAuditEntry[]> {
    const lo = Math.max(from, day);
    const hi = Math.min(to, day + DAY_MS);
    const events = eventsInRange(await this.readHours(hoursOf(lo, hi)), lo, hi);
    return events.map((d) => ({ alarm_id: d.alarm_id, kind: d.kind, from: d.from, to: d.to, at: d.at }));
  }

  /**
   * Writes the view of each day due one that has none (writer). Each is checked against the segments again
   * after it is written and removed if they changed meanwhile (an event stored by another process): with
   * `dropDayView`, a view never lacks an event stored before it is read. Returns how many were written.
   */
  async writeDayViews(now: number, oldest: number): Promise<number> {
    if (!(await this.segmentsComplete())) return 0;
    let written = 0;
    for (const day of daysDueAView(now, oldest)) {
      // Checked in the database each time (14 lookups an hour): another process may have removed a view.
      if (await this.days.exists({ _id: dayId(day) })) continue;
      const events = await this.dayFromHours(day, day, day + DAY_MS);
      const text = encodeDayView(events);
      await this.days.replaceOne({ _id: dayId(day) }, { day, events: text, count: events.length }, { upsert: true }).exec();
      if (encodeDayView(await this.dayFromHours(day, day, day + DAY_MS)) !== text) {
        await this.days.deleteOne({ _id: dayId(day) }).exec();
        continue;
      }
      written += 1;
    }
    return written;
  }

  /** True once the per-event documents written before segments existed are in segments too. */
  async segmentsComplete(): Promise<boolean> {
    if (!this.migrated) this.migrated = !!(await this.segments.findOne({ _id: SEGMENTS_META_ID }).lean<AlarmAuditSegment>().exec())?.migrated;
    return this.migrated;
  }

  /**
   * Copies the per-event documents into segments (writer, once). Events written meanwhile are in both: reads
   * drop the repeat by `_id`. Interrupted, it runs again from the start (same ids: no doubles either).
   */
  async migrateToSegments(): Promise<number> {
    if (await this.segmentsComplete()) return 0;
    let copied = 0;
    let batch: AlarmAudit[] = [];
    // In time order, so each hour's events fill its segments one after the other (FerretDB sorts in memory;
    // MongoDB uses the `at` index).
    for await (const doc of this.audit.find({}).sort({ at: 1 }).lean<AlarmAudit>().cursor({ batchSize: 2000 })) {
      batch.push(doc);
      if (batch.length >= 2000) {
        await this.appendToSegments(batch);
        copied += batch.length;
        batch = [];
      }
    }
    if (batch.length) await this.appendToSegments(batch);
    copied += batch.length;
    await this.segments.replaceOne({ _id: SEGMENTS_META_ID }, { hour: null, events: '[]', count: 0, migrated: true }, { upsert: true }).exec();
    this.migrated = true;
    return copied;
  }

  /** Deletes alarm events of hours before `cutoff` (segments and per-event documents); returns how many documents. */
  async deleteAuditBefore(cutoff: number): Promise<number> {
    const a = await this.segments.deleteMany({ hour: trusted({ $lt: cutoff }) }).exec();
    // A day that began before the cutoff loses its view too (the rest of it is read from its hours).
    await this.days.deleteMany({ day: trusted({ $lt: cutoff }) }).exec();
    const b = await this.audit.deleteMany({ at: trusted({ $lt: cutoff }) }).exec();
    for (const h of [...this.owned.keys()]) if (h < cutoff) this.owned.delete(h);
    return (a.deletedCount ?? 0) + (b.deletedCount ?? 0);
  }

  /**
   * Audit entries with `from <= at < to`, only the fields a report counts, newest first (ties by event id
   * descending): each day from its view, or from its hour segments when it has none.
   */
  async auditBetween(from: number, to: number): Promise<AlarmAuditEntry[]> {
    if (!(await this.segmentsComplete())) {
      const docs = await this.eventsBetween(from, to);
      return docs.map((d) => ({ alarm_id: d.alarm_id, kind: d.kind, from: d.from, to: d.to, at: d.at }));
    }
    // Days are disjoint in time, so newest day first, each newest first, is the order of the whole range.
    const perDay = await mapLimited(daysOf(from, to), DAY_READ_CONCURRENCY, async (day) => {
      const view = await this.days.findOne({ _id: dayId(day) }).lean<AlarmAuditDay>().exec();
      return view ? decodeDayView(view.events, from, to) : this.dayFromHours(day, from, to);
    });
    return perDay.flat();
  }

  /**
   * Audit entries with `from <= at < to` for the alarm journal, newest first, at most `cap` of them (the
   * caller asks for one more than it accepts, to tell a range that is too busy). `kinds` and `user` narrow it.
   */
  async journalBetween(from: number, to: number, opts: { kinds?: readonly string[]; user?: string; cap: number }): Promise<StoredAuditEvent[]> {
    const kinds = opts.kinds?.length ? new Set(opts.kinds) : null;
    const out: StoredAuditEvent[] = [];
    for (const e of await this.eventsBetween(from, to)) {
      if (kinds && !kinds.has(e.kind)) continue;
      if (opts.user !== undefined && e.by !== opts.user) continue;
      out.push(e);
      if (out.length >= opts.cap) break;
    }
    return out;
  }

  async history(alarmId: string, limit: number): Promise<AlarmAudit[]> {
    return this.audit.find({ alarm_id: alarmId }).sort({ at: -1, _id: -1 }).limit(limit).lean<AlarmAudit[]>().exec();
  }
}
