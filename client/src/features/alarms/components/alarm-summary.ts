import type { AlarmDto, AlarmPriorityName, AlarmStateName } from '@idm/contracts';
import { isUnacked, PRIORITY_RANK } from '../../../lib/live/alarm-state';

export type SortKey = 'priority' | 'time' | 'source' | 'state';
export type SortDir = 'asc' | 'desc';
export interface AlarmSort {
  key: SortKey;
  dir: SortDir;
}

/** The summary's usual order: priority (critical on top), then newest first. */
export const DEFAULT_SORT: AlarmSort = { key: 'priority', dir: 'asc' };

/** Order of states as an operator works them: what needs action first. */
const STATE_RANK: Record<AlarmStateName, number> = { unack_active: 0, unack_rtn: 1, ack_active: 2, shelved: 3, out_of_service: 4, normal: 5 };

export function raisedMs(a: AlarmDto): number {
  return Date.parse(a.raised_at ?? a.updated_at) || 0;
}

/**
 * Sorts by one column; ties fall back to the usual order (priority, newest, id) so rows never jump
 * between two renders of the same alarms. `time` ascending is oldest first.
 */
export function sortAlarmsBy(list: Iterable<AlarmDto>, sort: AlarmSort): AlarmDto[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  // Times parsed once per alarm, not once per comparison (a thousand alarms: ~10 000 comparisons).
  const rows = [...list].map((a) => ({ a, t: raisedMs(a), p: PRIORITY_RANK[a.priority] }));
  type Row = (typeof rows)[number];
  const primary: (x: Row, y: Row) => number =
    sort.key === 'priority'
      ? (x, y) => x.p - y.p
      : sort.key === 'time'
        ? (x, y) => x.t - y.t
        : sort.key === 'source'
          ? (x, y) => SOURCE_ORDER.compare(x.a.source_id, y.a.source_id)
          : (x, y) => STATE_RANK[x.a.state] - STATE_RANK[y.a.state];
  return rows.sort((x, y) => sign * primary(x, y) || x.p - y.p || y.t - x.t || (x.a.id < y.a.id ? -1 : x.a.id > y.a.id ? 1 : 0)).map((r) => r.a);
}

/** Source ids as people read them: P2 before P10. */
const SOURCE_ORDER = new Intl.Collator(undefined, { numeric: true });

export type StateFilter = 'all' | 'unacked' | 'unack_active' | 'unack_rtn' | 'ack_active' | 'shelved' | 'out_of_service';
export interface AlarmFilter {
  area: string; // '' = every area
  priority: AlarmPriorityName | '';
  state: StateFilter;
}
export const NO_FILTER: AlarmFilter = { area: '', priority: '', state: 'all' };

/** `areaOf` gives an alarm's plant area (its sensor's, or its device's), or '' when unknown. */
export function filterAlarms(list: readonly AlarmDto[], f: AlarmFilter, areaOf: (a: AlarmDto) => string): AlarmDto[] {
  return list.filter(
    (a) =>
      (!f.area || areaOf(a) === f.area) &&
      (!f.priority || a.priority === f.priority) &&
      (f.state === 'all' || (f.state === 'unacked' ? isUnacked(a) : a.state === f.state)),
  );
}

/** The server's flood window: more than ALARM_FLOOD_THRESHOLD alarms raised within it is a flood. */
export const FLOOD_WINDOW_MS = 10 * 60_000;

/**
 * First-out alarms: for each flood, the alarm raised first among those raised within the flood window
 * before its first `in_flood` alarm (the alarms that made it a flood are not marked `in_flood`
 * themselves). A later `in_flood` alarm more than a window after the previous one starts another flood.
 * In a flood the first alarm usually points at the cause; the rest are consequences.
 */
export function firstOutIds(alarms: readonly AlarmDto[], windowMs = FLOOD_WINDOW_MS): Set<string> {
  const raised = alarms.filter((a) => a.raised_at).sort((a, b) => raisedMs(a) - raisedMs(b) || a.id.localeCompare(b.id));
  const out = new Set<string>();
  let lastFlood = -Infinity;
  for (const a of raised) {
    if (!a.in_flood) continue;
    const t = raisedMs(a);
    if (t - lastFlood > windowMs) {
      const first = raised.find((b) => raisedMs(b) >= t - windowMs);
      if (first) out.add(first.id);
    }
    lastFlood = t;
  }
  return out;
}
