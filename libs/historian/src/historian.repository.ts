import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { DatabaseState, UPDATES_PER_COMMAND, writeById } from '@idm/core';
import type { PendingDoc, PendingWrites, StoredDocs } from './engine/bucket-writer';
import type { RawBucketDoc, RollupDoc, RollupPackDoc } from './engine/docs';
import type { SnapshotEntry } from './engine/bucket-writer';
import { fromStoredPack, LegacyPackDoc, StoredPackDoc, toStoredPack } from './engine/pack-codec';
import { readDayView, viewId, type Bucket, type DayViewDoc } from './engine/day-view';
import { DAY } from './engine/time';

export const RAW_COLLECTION = 'samples_raw';
/** One document per sensor per minute and per hour, `_id` `<sensor>|1m|<start>`; reports read it too. */
export const ROLLUPS_COLLECTION = 'rollups';
/** Packs of an hour's minute rollups and a day's hour rollups, buckets as one JSON text (see `pack-codec`). */
export const PACKS_COLLECTION = 'rollup_packs';
/** Views of a day's hourly rollups across sensors, for reports (see `engine/day-view`). */
export const DAY_VIEWS_COLLECTION = 'rollup_day_views';
/** Latest value per sensor, in pages of sensors (few documents: read whole at start-up). */
export const LATEST_COLLECTION = 'sensor_latest';

export interface LatestPage {
  _id: string;
  sensors: SnapshotEntry[];
}

type IdDoc = Document & { _id: string };

/** The only place the historian touches the database: inserts and replaces by `_id`, lookups by `_id`. */
@Injectable()
export class HistorianRepository implements StoredDocs {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly database: DatabaseState,
  ) {}

  private col<T extends IdDoc>(name: string): Collection<T> {
    // Before Mongoose's first connection its collections buffer every call, and a cursor method (find) then
    // returns a promise whose buffering timeout rejects unhandled, ending the process: fail at once instead
    // (callers retry; samples stay in the journal). Also keeps writes off collections not yet created.
    if (!this.database.initialised) throw new Error('the database is not connected yet');
    return this.connection.collection<T>(name) as unknown as Collection<T>;
  }

  async init(): Promise<void> {
    // Only the retention job filters on `start` (hourly, in bounded batches); every hot read is an exact `_id`.
    await this.col(RAW_COLLECTION).createIndex({ start: 1 });
    await this.col(ROLLUPS_COLLECTION).createIndex({ start: 1 });
    await this.col(PACKS_COLLECTION).createIndex({ start: 1 });
    // Created here, in order, not by a first upsert (see CollectionsInitializer); `day`: deleting old views.
    await this.col(DAY_VIEWS_COLLECTION).createIndex({ day: 1 });
  }

  async raw(id: string): Promise<RawBucketDoc | null> {
    return this.col<RawBucketDoc>(RAW_COLLECTION).findOne({ _id: id }) as Promise<RawBucketDoc | null>;
  }
  async rollup(id: string): Promise<RollupDoc | null> {
    return this.col<RollupDoc>(ROLLUPS_COLLECTION).findOne({ _id: id }) as Promise<RollupDoc | null>;
  }
  /** A pack in either stored layout (documents written before the columns are still read). */
  async pack(id: string): Promise<RollupPackDoc | null> {
    const doc = await this.col<StoredPackDoc | LegacyPackDoc>(PACKS_COLLECTION).findOne({ _id: id });
    return doc ? fromStoredPack(doc as StoredPackDoc | LegacyPackDoc) : null;
  }

  /** Writes documents: new ones by batched insert (fast on FerretDB), the others (and duplicates) by replace. */
  async write(w: PendingWrites): Promise<number> {
    let n = 0;
    n += await this.writeDocs(RAW_COLLECTION, w.raw);
    n += await this.writeDocs(ROLLUPS_COLLECTION, w.rollups);
    // Rewriting a pack of the old layout (a late sample) stores it in the new one.
    n += await this.writeDocs(PACKS_COLLECTION, new Map([...w.packs].map(([id, p]) => [id, { ...p, doc: toStoredPack(p.doc) }])));
    // A day pack of a day that is over may be missing from that day's view (or be older there): remove the
    // view, after the pack is written (never before; the view's writer checks the packs again after writing).
    const now = Date.now();
    const days = new Set<number>();
    for (const { doc } of w.packs.values()) if (doc.resolution === '1h' && doc.start.getTime() + DAY <= now) days.add(doc.start.getTime());
    for (const day of days) await this.dropDayView(day);
    return n;
  }

  /** A day's view, each sensor's hourly buckets; null when it has none (or only part of one). */
  async dayView(day: number): Promise<Map<string, Bucket[]> | null> {
    const col = this.col<DayViewDoc>(DAY_VIEWS_COLLECTION);
    const first = (await col.findOne({ _id: viewId(day, 0) })) as DayViewDoc | null;
    if (!first) return null;
    const rest = await Promise.all(Array.from({ length: first.docs - 1 }, (_, i) => col.findOne({ _id: viewId(day, i + 1) }) as Promise<DayViewDoc | null>));
    if (rest.some((d) => !d)) return null;
    return readDayView([first, ...(rest as DayViewDoc[])]);
  }

  /** Writes a view's documents, document 0 (which makes it readable) last. */
  async writeDayView(docs: readonly DayViewDoc[]): Promise<void> {
    const col = this.col<DayViewDoc>(DAY_VIEWS_COLLECTION);
    for (const d of [...docs.slice(1), docs[0]]) await col.replaceOne({ _id: d._id }, d, { upsert: true });
  }

  /** How many sensors a day's view holds; null when the day has none. */
  async dayViewSize(day: number): Promise<number | null> {
    const d = await this.col<DayViewDoc>(DAY_VIEWS_COLLECTION).findOne({ _id: viewId(day, 0) }, { projection: { total: 1 } });
    return d ? Number(d.total ?? 0) : null;
  }

  /** Makes a day's view unreadable (its document 0 goes; the others are replaced when it is written again). */
  async dropDayView(day: number): Promise<void> {
    await this.col<DayViewDoc>(DAY_VIEWS_COLLECTION).deleteOne({ _id: viewId(day, 0) });
  }

  /** Deletes the views of days before `day` (a small collection: a few documents a day). */
  async deleteDayViewsBefore(day: number): Promise<void> {
    await this.col<DayViewDoc>(DAY_VIEWS_COLLECTION).deleteMany({ day: { $lt: day } });
  }

  private async writeDocs<T extends IdDoc>(name: string, docs: Map<string, PendingDoc<T>>): Promise<number> {
    if (!docs.size) return 0;
    const inserts: T[] = [];
    const replaces: T[] = [];
    for (const p of docs.values()) (p.mayExist ? replaces : inserts).push(p.doc);
    // A duplicate insert is a replay of documents written before a crash: writeById replaces those.
    await writeById(this.col<T>(name), inserts, replaces);
    return docs.size;
  }

  async latestPages(): Promise<LatestPage[]> {
    return (await this.col<LatestPage>(LATEST_COLLECTION).find({}).toArray()) as LatestPage[];
  }

  async saveLatestPages(pages: LatestPage[]): Promise<void> {
    for (let i = 0; i < pages.length; i += UPDATES_PER_COMMAND) {
      await this.col<LatestPage>(LATEST_COLLECTION).bulkWrite(
        pages.slice(i, i + UPDATES_PER_COMMAND).map((p) => ({ replaceOne: { filter: { _id: p._id }, replacement: p, upsert: true } })) as AnyBulkWriteOperation<LatestPage>[],
        { ordered: false },
      );
    }
  }

  /** Deletes up to `limit` documents of `collection` that start before `cutoff`; returns how many. */
  async deleteOlderThan(collection: string, cutoff: Date, limit: number): Promise<number> {
    const col = this.col<IdDoc>(collection);
    const ids = (await col.find({ start: { $lt: cutoff } }, { projection: { _id: 1 } }).limit(limit).toArray()).map((d) => d._id);
    if (!ids.length) return 0;
    const r = await col.deleteMany({ _id: { $in: ids } });
    return r.deletedCount ?? 0;
  }

  async ping(): Promise<void> {
    const db = this.connection.db;
    if (!db) throw new Error('not connected');
    await db.admin().command({ ping: 1 });
  }
}
