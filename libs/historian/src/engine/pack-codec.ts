import type { RollupPackDoc } from './docs';
import { pickSummary, type Summary } from './summary';

/**
 * How a rollup pack's buckets are stored: one JSON text of columns (`t`, `count`, `sum`, ...), not an array
 * of subdocuments. FerretDB 1.24 (SQLite backend) keeps documents as JSON and rebuilds every nested document
 * on read: decoding 1 152 day packs of 24 subdocuments took 5.4 s of a 7-day report, while one string per
 * pack is decoded in Node by `JSON.parse` (the alarm audit's hour segments do the same). MongoDB stores the
 * string as it is. The pack's totals stay plain fields beside it.
 */
export interface StoredPackDoc extends Summary {
  _id: string;
  sensor_id: string;
  resolution: '1m' | '1h';
  start: Date;
  /** Layout version of `buckets`. */
  v: typeof PACK_LAYOUT;
  /** Number of buckets (so a look at the collection shows it without decoding). */
  n: number;
  /** JSON of `PackedColumns`. */
  buckets: string;
}

/** A pack as written before the columns (buckets as subdocuments): still read. */
export interface LegacyPackDoc extends Summary {
  _id: string;
  sensor_id: string;
  resolution: '1m' | '1h';
  start: Date;
  items: Array<Record<string, unknown>>;
}

export const PACK_LAYOUT = 1;

const COLUMNS = ['count', 'sum', 'sum_sq', 'min', 'max', 'first', 'last', 'first_t', 'last_t', 'anomaly_count'] as const;
type Column = (typeof COLUMNS)[number];

/**
 * Columns of the buckets in time order. `t` is the offset of each bucket's start from the pack's start, and
 * `first_t`/`last_t` are offsets from the bucket's own start (short numbers). A number JSON cannot hold
 * (NaN, ±Infinity: a sum of squares can overflow) is written as its name in a string, never as `null`.
 */
export type PackedColumns = { t: number[] } & Record<Column, Array<number | string>>;

const enc = (x: number): number | string => (Number.isFinite(x) ? x : String(x));
const dec = (x: unknown): number => (typeof x === 'number' ? x : Number(x));

export function packBuckets(start: number, items: ReadonlyArray<Summary & { t: number }>): string {
  const cols = { t: [] as number[] } as PackedColumns;
  for (const c of COLUMNS) cols[c] = [];
  for (const it of items) {
    cols.t.push(it.t - start);
    cols.count.push(enc(it.count));
    cols.sum.push(enc(it.sum));
    cols.sum_sq.push(enc(it.sum_sq));
    cols.min.push(enc(it.min));
    cols.max.push(enc(it.max));
    cols.first.push(enc(it.first));
    cols.last.push(enc(it.last));
    cols.first_t.push(enc(it.first_t - it.t));
    cols.last_t.push(enc(it.last_t - it.t));
    cols.anomaly_count.push(enc(it.anomaly_count));
  }
  return JSON.stringify(cols);
}

export function unpackBuckets(start: number, text: string): Array<Summary & { t: number }> {
  return unpackColumns(start, JSON.parse(text) as PackedColumns);
}

/** The buckets of columns already parsed (a day view holds many packs' columns in one JSON text). */
export function unpackColumns(start: number, cols: PackedColumns): Array<Summary & { t: number }> {
  const out: Array<Summary & { t: number }> = new Array(cols.t.length);
  for (let i = 0; i < cols.t.length; i++) {
    const t = start + cols.t[i];
    out[i] = {
      t,
      count: dec(cols.count[i]),
      sum: dec(cols.sum[i]),
      sum_sq: dec(cols.sum_sq[i]),
      min: dec(cols.min[i]),
      max: dec(cols.max[i]),
      first: dec(cols.first[i]),
      last: dec(cols.last[i]),
      first_t: t + dec(cols.first_t[i]),
      last_t: t + dec(cols.last_t[i]),
      anomaly_count: dec(cols.anomaly_count[i]),
    };
  }
  return out;
}

/** The document written for a pack (the writer's `RollupPackDoc` with its buckets as columns). */
export function toStoredPack(doc: RollupPackDoc): StoredPackDoc {
  const { items, ...rest } = doc;
  return { ...rest, ...pickSummary(rest as unknown as Record<string, unknown>), v: PACK_LAYOUT, n: items.length, buckets: packBuckets(doc.start.getTime(), items) };
}

/** A stored pack in either layout (columns, or subdocuments written before them) as the writer's `RollupPackDoc`. */
export function fromStoredPack(doc: StoredPackDoc | LegacyPackDoc): RollupPackDoc {
  const start = doc.start instanceof Date ? doc.start : new Date(doc.start as unknown as string | number);
  const items = 'buckets' in doc && typeof doc.buckets === 'string'
    ? unpackBuckets(start.getTime(), doc.buckets)
    : ((doc as LegacyPackDoc).items ?? []).map((it) => ({ t: Number(it.t), ...pickSummary(it) }));
  return { _id: doc._id, sensor_id: doc.sensor_id, resolution: doc.resolution, start, ...pickSummary(doc as unknown as Record<string, unknown>), items };
}
