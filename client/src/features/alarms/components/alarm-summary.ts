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
 * between two renders of the same alarms. `time` ascending is oldest first; `source` goes by the name
 * shown (`nameOf`: a device's or asset's name rather than its id).
 */
export function sortAlarmsBy(list: Iterable<AlarmDto>, sort: AlarmSort, nameOf: (a: AlarmDto) => string = (a) => a.source_id): AlarmDto[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  // Times parsed once per alarm, not once per comparison (a thousand alarms: ~10 000 comparisons).
  const rows = [...list].map((a) => ({ a, t: raisedMs(a), p: PRIORITY_RANK[a.priority], n: sort.key === 'source' ? nameOf(a) : '' }));
  type Row = (typeof rows)[number];
  const primary: (x: Row, y: Row) => number =
    sort.key === 'priority'
      ? (x, y) => x.p - y.p
      : sort.key === 'time'
        ? (x, y) => x.t - y.t
        : sort.key === 'source'
          ? (x, y) => SOURCE_ORDER.compare(x.n, y.n)
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

/** ISA-18.2 / EEMUA 191: 10 or more alarms in 10 minutes for one operator is a flood. */
export const FLOOD_WINDOW_MS = 10 * 60_000;
export const FLOOD_MIN_ALARMS = 10;
/** Alarms of one burst follow each other within this gap; a longer quiet ends the burst. */
export const BURST_GAP_MS = 2 * 60_000;

export interface FirstOutOptions {
  /** The alarm's plant area (or unit): each area's part of a flood gets its own first-out. Default: one group. */
  groupOf?: (a: AlarmDto) => string;
  gapMs?: number;
  windowMs?: number;
  floodMin?: number;
}

/**
 * First-out alarms, the one rule (README, "Alarms"): alarms sorted by raise time fall into **bursts**, runs
 * whose neighbours are at most `gapMs` (2 min) apart. A burst is a **flood** when at least `floodMin` (10) of
 * its alarms were raised within `windowMs` (10 min), or when the server marked one of them `in_flood` (its
 * own threshold, counted over alarms that may have left this list). In a flood, each area's alarms, again
 * split wherever `gapMs` passes without one of that area, form that area's burst, and its first alarm is the
 * first-out (usually the cause, the rest being consequences) unless it is alone (first of nothing). An alarm
 * raised minutes before a flood is a burst of its own, never its first-out; a burst that is no flood has none.
 *
 * "First" is by `raised_at` to the millisecond. Alarms raised in the same millisecond came from one poll or
 * one posted batch (a poll stamps all its tags alike), so time cannot tell which came first: the higher
 * priority goes first (rationalization ranked it the more consequential, the one to act on), then the id
 * read as people read it (P02-PT-9 before P02-PT-10). The marker thus never depends on the list's order
 * and never moves between renders.
 */
export function firstOutIds(alarms: readonly AlarmDto[], opts: FirstOutOptions = {}): Set<string> {
  const { groupOf = () => '', gapMs = BURST_GAP_MS, windowMs = FLOOD_WINDOW_MS, floodMin = FLOOD_MIN_ALARMS } = opts;
  const raised = alarms
    .filter((a) => a.raised_at)
    .map((a) => ({ a, t: raisedMs(a) }))
    .sort((x, y) => x.t - y.t || PRIORITY_RANK[x.a.priority] - PRIORITY_RANK[y.a.priority] || SOURCE_ORDER.compare(x.a.id, y.a.id) || (x.a.id < y.a.id ? -1 : x.a.id > y.a.id ? 1 : 0));
  const out = new Set<string>();
  let start = 0;
  for (let i = 1; i <= raised.length; i++) {
    if (i < raised.length && raised[i].t - raised[i - 1].t <= gapMs) continue;
    const burst = raised.slice(start, i);
    start = i;
    if (!isFlood(burst, windowMs, floodMin)) continue;
    // Per area: its burst's first alarm, how many, and when the last came.
    const runs = new Map<string, { first: string; n: number; last: number }>();
    const close = (r: { first: string; n: number } | undefined) => r && r.n >= 2 && out.add(r.first);
    for (const { a, t } of burst) {
      const g = groupOf(a);
      const r = runs.get(g);
      if (r && t - r.last <= gapMs) {
        r.n++;
        r.last = t;
      } else {
        close(r);
        runs.set(g, { first: a.id, n: 1, last: t });
      }
    }
    runs.forEach(close);
  }
  return out;
}

/** At least `min` of the burst's alarms (sorted by time) within `windowMs`, or one marked by the server. */
function isFlood(burst: readonly { a: AlarmDto; t: number }[], windowMs: number, min: number): boolean {
  if (burst.some((x) => x.a.in_flood)) return true;
  for (let j = 0, k = 0; k < burst.length; k++) {
    while (burst[k].t - burst[j].t > windowMs) j++;
    if (k - j + 1 >= min) return true;
  }
  return false;
}
