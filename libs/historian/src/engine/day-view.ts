import type { Summary } from './summary';
import { DAY, HOUR } from './time';
import { packBuckets, unpackColumns, type PackedColumns } from './pack-codec';

/**
 * A report's view of one day of hourly rollups across sensors. A 7-day report of 144 sensors reads 1 152 day
 * packs by `_id`, 1-3 ms each on a loaded FerretDB; once a day is over, the historian's writer copies every
 * sensor's day pack into a few documents (`_id` `<day, 16 digits>|<n>`, up to VIEW_SENSORS_PER_DOC sensors
 * each; document 0 says how many there are and is written last), so the week is read in about 8 lookups.
 * The day packs stay the record: a sensor without a copy, or a day without a view, is read from its packs,
 * and writing a day pack of a day that is over removes that day's view (see the repository).
 */
export const VIEW_SENSORS_PER_DOC = 500;
/** A day gets its view once it ended this long ago (its packs are written as sensors close the day). */
export const VIEW_DELAY_MS = 2 * HOUR;
/** Days (before today) the writer keeps views of: a weekly report run a few days late. */
export const VIEW_DAYS = 10;

export interface DayViewDoc {
  _id: string;
  /** Day start, epoch ms (UTC). */
  day: number;
  /** Number of documents of the view (the reader needs them all). */
  docs: number;
  /** Sensors the writer knew when it wrote the view, with a day pack or not (when it knows more, it writes it again). */
  total: number;
  sensors: string[];
  /** JSON array of each sensor's pack columns (`pack-codec`), in the order of `sensors`. */
  packs: string;
}

export type Bucket = Summary & { t: number };

export function viewId(day: number, n: number): string {
  return `${String(day).padStart(16, '0')}|${n}`;
}

/** Days due a view at `now`, newest first: over at least VIEW_DELAY_MS ago, at most VIEW_DAYS back. */
export function daysDueAView(now: number): number[] {
  const newest = Math.floor((now - VIEW_DELAY_MS) / DAY) * DAY - DAY;
  return Array.from({ length: VIEW_DAYS }, (_, i) => newest - i * DAY);
}

/** The view's documents for the sensors' buckets of `day` (sensors in the order given) out of `known` sensors. */
export function buildDayView(day: number, packs: ReadonlyArray<[string, readonly Bucket[]]>, known = packs.length): DayViewDoc[] {
  const docs: DayViewDoc[] = [];
  for (let i = 0; i < packs.length || docs.length === 0; i += VIEW_SENSORS_PER_DOC) {
    const part = packs.slice(i, i + VIEW_SENSORS_PER_DOC);
    // Each pack's columns are JSON already: joined, not parsed and written again.
    docs.push({ _id: viewId(day, docs.length), day, docs: 0, total: known, sensors: part.map(([s]) => s), packs: `[${part.map(([, b]) => packBuckets(day, b)).join(',')}]` });
  }
  for (const d of docs) d.docs = docs.length;
  return docs;
}

/** Each sensor's buckets from a view's documents (all of them, `docs[n]` with `_id` n). */
export function readDayView(docs: readonly DayViewDoc[]): Map<string, Bucket[]> {
  const out = new Map<string, Bucket[]>();
  for (const d of docs) {
    const cols = JSON.parse(d.packs) as PackedColumns[];
    d.sensors.forEach((s, i) => out.set(s, unpackColumns(d.day, cols[i])));
  }
  return out;
}
