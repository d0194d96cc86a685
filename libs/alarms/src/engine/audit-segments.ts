/**
 * How the alarm audit trail is laid out for range reads. FerretDB (SQLite backend) pushes down nothing but
 * an exact `{_id: value}` filter: a range on `at` (or even on `_id`) scans the whole collection in Go. So
 * events are stored in segments keyed by the hour they happened in, `<hour start ms>|<n>`, and a range is
 * read as exact `_id` lookups: for each hour, segment 0, 1, ... until one is missing. Each segment has one
 * owner (the process that claimed it by inserting it), holds at most SEGMENT_MAX_EVENTS events and is
 * replaced whole by its owner only, so no read-modify-write races and a bounded write per flush.
 */
export const HOUR_MS = 3_600_000;
/**
 * Events per segment: each alarm change rewrites its hour's open segment, so this bounds that write (about
 * 30 KB) during a flood; an hour of 2 000 events is read in 20 lookups.
 */
export const SEGMENT_MAX_EVENTS = 100;
/** `_id` of the document saying whether the legacy per-event documents were copied into segments. */
export const SEGMENTS_META_ID = 'meta';

export function hourOf(at: number): number {
  return Math.floor(at / HOUR_MS) * HOUR_MS;
}

/** `0001767225600000|3`: the hour zero-padded so ids sort by time as strings too. */
export function segmentId(hour: number, n: number): string {
  return `${String(hour).padStart(16, '0')}|${n}`;
}

/** Hour starts whose events can fall in [from, to). */
export function hoursOf(from: number, to: number): number[] {
  const out: number[] = [];
  for (let h = hourOf(from); h < to; h += HOUR_MS) out.push(h);
  return out;
}

/** Events grouped by the hour they happened in. */
export function byHour<T extends { at: number }>(events: readonly T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const e of events) {
    const h = hourOf(e.at);
    const l = m.get(h);
    if (l) l.push(e);
    else m.set(h, [e]);
  }
  return m;
}

/**
 * Events with `from <= at < to`, each once (a retried write or a re-run copy of legacy documents can store
 * an event twice; its `_id` is the same), newest first, ties by `_id` descending (same order as before).
 */
export function eventsInRange<T extends { _id: string; at: number }>(segments: ReadonlyArray<readonly T[]>, from: number, to: number): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const events of segments) {
    for (const e of events) {
      if (e.at < from || e.at >= to || seen.has(e._id)) continue;
      seen.add(e._id);
      out.push(e);
    }
  }
  return out.sort((a, b) => b.at - a.at || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0));
}

/** The oldest hour kept by a retention of `days` days at `now` (segments of earlier hours are deleted). */
export function retentionCutoff(now: number, days: number): number {
  return hourOf(now - days * 86_400_000);
}
