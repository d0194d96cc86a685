import type { AlarmJournalEntryDto, AlarmPriorityName } from '@idm/contracts';

/** The widest range one journal request may cover: the scan below is bounded by it (FerretDB filters in Go). */
export const JOURNAL_MAX_RANGE_MS = 31 * 24 * 3600_000;
/** Events one request may read at most; a busier range must be narrowed (or filtered by event kind or user). */
export const JOURNAL_MAX_EVENTS = 100_000;
/** The default range: one shift. */
export const JOURNAL_DEFAULT_RANGE_MS = 8 * 3600_000;

/** Searches applied to events already read for the range (text, area, sensor and priority are not stored on old events). */
export interface JournalFilter {
  /** Case-insensitive substring of the message, comment, alarm id, source, area, condition or user. */
  q?: string;
  /** Exact area, any case. */
  area?: string;
  /** Exact sensor_id (or device id), any case. */
  sensor_id?: string;
  priority?: readonly AlarmPriorityName[];
}

/**
 * Source and condition of an alarm, read from its deterministic id (`sensor:<id>|<condition>`,
 * `device:<id>|comm_failure`, `device:<id>/<scope>|comm_failure`: device ids never hold a `/`).
 */
export function parseAlarmId(id: string): Pick<AlarmJournalEntryDto, 'source_type' | 'source_id' | 'sensor_id' | 'condition'> {
  const m = /^(sensor|device|asset):(.*)\|([^|]*)$/.exec(id);
  if (!m) return { source_type: 'sensor', source_id: id, sensor_id: null, condition: '' };
  const type = m[1] as 'sensor' | 'device' | 'asset';
  const source = type === 'device' ? m[2].split('/')[0] : m[2];
  return { source_type: type, source_id: source, sensor_id: type === 'sensor' ? m[2] : null, condition: m[3] };
}

const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();

/** Whether an event passes the searches; every value is compared as literal text (no patterns). */
export function matchesJournal(e: AlarmJournalEntryDto, f: JournalFilter): boolean {
  if (f.area && !same(e.area, f.area)) return false;
  if (f.sensor_id && !same(e.sensor_id, f.sensor_id) && !same(e.source_id, f.sensor_id)) return false;
  if (f.priority?.length && (e.priority === null || !f.priority.includes(e.priority))) return false;
  if (f.q) {
    const needle = f.q.toLowerCase();
    const hay = [e.message, e.comment, e.alarm_id, e.source_id, e.area, e.condition, e.user, e.kind];
    if (!hay.some((h) => h !== null && h.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** Newest first (by time, then by the order events were written), or the reverse. */
export function compareJournal(order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (a: { at: string; id: string }, b: { at: string; id: string }): number => sign * (Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** An IANA time zone the runtime knows (e.g. `Europe/Berlin`, `UTC`). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** `YYYY-MM-DD HH:mm:ss` in a time zone, 24 h: the control room's one date-time format. */
export function localDateTime(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `alarm-journal_20261207T0400Z_20261207T1200Z.csv`: the range in the name, safe in any file system. */
export function journalFileName(from: number, to: number): string {
  const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z').replace(/(T\d{4})\d{2}Z$/, '$1Z');
  return `alarm-journal_${stamp(from)}_${stamp(to)}.csv`;
}

// `source_name` comes last so a spreadsheet built on the earlier columns keeps working.
export const JOURNAL_CSV_COLUMNS = ['time_local', 'time_utc', 'event', 'priority', 'area', 'sensor', 'alarm_id', 'from_state', 'to_state', 'user', 'message', 'comment', 'source_name'] as const;

/**
 * One journal event as a CSV row (see JOURNAL_CSV_COLUMNS). `sourceName` is the name an operator knows the source
 * by (a tag's description, a device's name); the `sensor` column keeps the id.
 */
export function journalCsvRow(e: AlarmJournalEntryDto, timeZone: string, sourceName: string | null = null): (string | null)[] {
  return [localDateTime(Date.parse(e.at), timeZone), e.at, e.kind, e.priority, e.area, e.source_id, e.alarm_id, e.from, e.to, e.user, e.message, e.comment, sourceName];
}
