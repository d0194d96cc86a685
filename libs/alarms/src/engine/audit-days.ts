import { HOUR_MS } from './audit-segments';

/**
 * A compact, per-day view of the alarm events for reports. A week of events is ~50 000 in ~670 hour segments,
 * each event carrying its message, comment and source: reading them is ~840 lookups by `_id` (one past the
 * last segment of every hour) and ~17 MB of JSON, though a report only reads each event's alarm, kind, states
 * and time. Once a day is over, the writer keeps those five fields of its events in one document (`_id` the
 * day, zero-padded), so a week is 8 lookups and ~1 MB. Hour segments stay the record: a day without its view
 * is read from them, and a later event of a day removes the day's view (see the repository).
 */
export const DAY_MS = 86_400_000;
/**
 * A day gets its view once it ended this long ago, so an event written a little late (clocks of two
 * processes apart, a flush in flight at midnight) lands before; a later one removes the view.
 */
export const DAY_VIEW_DELAY_MS = 2 * HOUR_MS;
/** Days (before today) the writer keeps views of: two weekly reports. Older days are read from their hours. */
export const DAY_VIEW_DAYS = 14;

/** What a report reads of an alarm event. */
export interface AuditBrief {
  alarm_id: string;
  kind: string;
  from: string;
  to: string;
  at: number;
}

export function dayOf(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/** `0001767225600000`: the day zero-padded so ids sort by time as strings too. */
export function dayId(day: number): string {
  return String(day).padStart(16, '0');
}

/** Day starts whose events can fall in [from, to), newest first. */
export function daysOf(from: number, to: number): number[] {
  const out: number[] = [];
  for (let d = dayOf(to - 1); d >= dayOf(from); d -= DAY_MS) out.push(d);
  return out;
}

/** Days due a view at `now`, newest first: over at least DAY_VIEW_DELAY_MS ago, at most DAY_VIEW_DAYS back, none before `oldest`. */
export function daysDueAView(now: number, oldest: number): number[] {
  const out: number[] = [];
  for (let d = dayOf(now - DAY_VIEW_DELAY_MS) - DAY_MS, n = 0; n < DAY_VIEW_DAYS && d >= oldest; d -= DAY_MS, n++) out.push(d);
  return out;
}

/** Stored layout of a day view (`v: 1`): alarm ids and state words once each, events as columns of indexes. */
interface DayViewText {
  v: 1;
  alarms: string[];
  words: string[];
  a: number[];
  k: number[];
  f: number[];
  t: number[];
  at: number[];
}

/** The events as one JSON text, in the order given (a report's ties between equal times depend on it). */
export function encodeDayView(events: readonly AuditBrief[]): string {
  const alarms = new Map<string, number>();
  const words = new Map<string, number>();
  const index = (m: Map<string, number>, s: string) => {
    let i = m.get(s);
    if (i === undefined) m.set(s, (i = m.size));
    return i;
  };
  const out: DayViewText = { v: 1, alarms: [], words: [], a: [], k: [], f: [], t: [], at: [] };
  for (const e of events) {
    out.a.push(index(alarms, e.alarm_id));
    out.k.push(index(words, e.kind));
    out.f.push(index(words, e.from));
    out.t.push(index(words, e.to));
    out.at.push(e.at);
  }
  out.alarms = [...alarms.keys()];
  out.words = [...words.keys()];
  return JSON.stringify(out);
}

/** The events of a day view with `from <= at < to`, in stored order. */
export function decodeDayView(text: string, from = -Infinity, to = Infinity): AuditBrief[] {
  const v = JSON.parse(text) as DayViewText;
  if (v.v !== 1) throw new Error(`unknown alarm day view layout ${String(v.v)}`);
  const out: AuditBrief[] = [];
  for (let i = 0; i < v.at.length; i++) {
    const at = v.at[i];
    if (at < from || at >= to) continue;
    out.push({ alarm_id: v.alarms[v.a[i]], kind: v.words[v.k[i]], from: v.words[v.f[i]], to: v.words[v.t[i]], at });
  }
  return out;
}
