import type { AlarmKpis, AlarmPriorityName, BadActorRow, ChatteringRow, ReportCount, StaleRow } from '@idm/contracts';
import { AlarmFacts, AuditFact, PRIORITIES } from './report-input';

export const TEN_MINUTES = 600_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
/** States in which an alarm's condition is active (ISA-18.2). */
const ACTIVE_STATES = new Set(['unack_active', 'ack_active']);
/** States that end an active spell (shelved keeps tracking silently, so it does not). */
const INACTIVE_STATES = new Set(['normal', 'unack_rtn', 'out_of_service']);
/** Bucket widths for the trend chart; the smallest giving at most `trendMaxPoints` (144) points is used. */
const TREND_BUCKETS_S = [60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400];

export interface AlarmFiguresInput {
  from: number;
  to: number;
  /** Alarms in scope. */
  alarms: AlarmFacts[];
  /**
   * Audit entries from some time before `from` (to know what was already active) up to `to`, any order;
   * entries of alarms not in `alarms` are ignored.
   */
  audit: AuditFact[];
  /** Start of the audit history given (≤ from). */
  auditFrom: number;
  /** More than this many activations in 10 minutes is a flood (EEMUA 191: 10). */
  floodThreshold: number;
  /** Most points of the trend (default 144). */
  trendMaxPoints?: number;
}

export interface AlarmFigures {
  alarms: number;
  acknowledged: number;
  returned_to_normal: number;
  time_in_alarm_s: number;
  mtta_s: number | null;
  mttr_s: number | null;
  by_sensor: ReportCount[];
  by_type: ReportCount[];
  by_priority: ReportCount[];
  bad_actors: BadActorRow[];
  trend: { bucket_s: number; points: Array<{ start: number; count: number }> };
  kpis: AlarmKpis;
}

interface Activation {
  alarm: AlarmFacts;
  at: number;
}

/**
 * Alarm-system figures over [from, to) from the audit trail (pure). An activation is a `raised` entry in
 * the range; an active spell runs from an entry into an active state to the next entry into normal,
 * returned-unacknowledged or out of service. Times to acknowledge and to return to normal are measured
 * from each activation in the range to its first acknowledgement / clear before `to`.
 */
export function computeAlarmFigures(input: AlarmFiguresInput): AlarmFigures {
  const { from, to } = input;
  const byId = new Map(input.alarms.map((a) => [a.id, a]));
  const events = new Map<string, AuditFact[]>();
  for (const e of input.audit) {
    if (!byId.has(e.alarm_id) || e.at >= to || e.at < input.auditFrom) continue;
    let list = events.get(e.alarm_id);
    if (!list) events.set(e.alarm_id, (list = []));
    list.push(e);
  }

  const activations: Activation[] = [];
  const timeInAlarm = new Map<string, number>();
  const tta: number[] = [];
  const ttr: number[] = [];
  const stale: StaleRow[] = [];
  let shelveActions = 0;
  let shelvedAtEnd = 0;

  for (const alarm of input.alarms) {
    const list = (events.get(alarm.id) ?? []).sort((x, y) => x.at - y.at);
    let active = false;
    let spellStart = 0;
    if (list.length) {
      if (ACTIVE_STATES.has(list[0].from)) {
        active = true;
        spellStart = alarm.raised_at !== null && alarm.raised_at <= list[0].at ? Math.min(alarm.raised_at, input.auditFrom) : input.auditFrom;
      }
    } else if (alarm.active && alarm.raised_at !== null && alarm.updated_at <= to && alarm.raised_at < to) {
      // Nothing changed since before the audit history we have, and the alarm is still active.
      active = true;
      spellStart = alarm.raised_at;
    }
    let total = 0;
    let pendingAck: number | null = null;
    let pendingClear: number | null = null;
    const endSpell = (at: number) => {
      total += overlap(spellStart, at, from, to);
      active = false;
    };
    for (const e of list) {
      if (e.kind === 'shelved' && e.at >= from) shelveActions += 1;
      if (e.kind === 'raised' && e.at >= from) {
        activations.push({ alarm, at: e.at });
        pendingAck = e.at;
        pendingClear = e.at;
      } else if (e.kind === 'raised') {
        pendingAck = null;
        pendingClear = null;
      }
      if (e.kind === 'acknowledged' && pendingAck !== null) {
        tta.push(e.at - pendingAck);
        pendingAck = null;
      }
      if (e.kind === 'cleared' && pendingClear !== null) {
        ttr.push(e.at - pendingClear);
        pendingClear = null;
      }
      if (!active && ACTIVE_STATES.has(e.to)) {
        active = true;
        spellStart = e.at;
      } else if (active && INACTIVE_STATES.has(e.to)) {
        endSpell(e.at);
      }
    }
    if (active) {
      total += overlap(spellStart, to, from, to);
      if (to - spellStart >= DAY) {
        stale.push({
          alarm_id: alarm.id,
          source_id: alarm.source_id,
          condition: alarm.condition,
          priority: alarm.priority,
          active_since: new Date(spellStart).toISOString(),
          active_hours: round((to - spellStart) / 3_600_000, 2),
        });
      }
    }
    const endState = list.length ? list[list.length - 1].to : alarm.updated_at <= to ? alarm.state : null;
    if (endState === 'shelved') shelvedAtEnd += 1;
    if (total > 0) timeInAlarm.set(alarm.id, total);
  }

  activations.sort((x, y) => x.at - y.at);
  const n = activations.length;
  const perAlarm = new Map<string, number[]>();
  for (const a of activations) {
    const l = perAlarm.get(a.alarm.id);
    if (l) l.push(a.at);
    else perAlarm.set(a.alarm.id, [a.at]);
  }

  const badActors: BadActorRow[] = [...perAlarm.entries()]
    .map(([id, times]) => {
      const a = byId.get(id)!;
      return {
        alarm_id: id,
        source_id: a.source_id,
        condition: a.condition,
        priority: a.priority,
        activations: times.length,
        share_pct: pct(times.length, n),
        time_in_alarm_s: round((timeInAlarm.get(id) ?? 0) / 1000, 3),
      };
    })
    .sort((x, y) => y.activations - x.activations || x.alarm_id.localeCompare(y.alarm_id))
    .slice(0, 10);

  const chattering: ChatteringRow[] = [];
  for (const [id, times] of perAlarm) {
    const maxPerMinute = maxInWindow(times, MINUTE);
    if (maxPerMinute >= 3) {
      const a = byId.get(id)!;
      chattering.push({ alarm_id: id, source_id: a.source_id, condition: a.condition, max_per_minute: maxPerMinute, activations: times.length });
    }
  }
  chattering.sort((x, y) => y.max_per_minute - x.max_per_minute || y.activations - x.activations || x.alarm_id.localeCompare(y.alarm_id));

  const periods = Math.max(1, Math.ceil((to - from) / TEN_MINUTES));
  const perPeriod = new Array<number>(periods).fill(0);
  for (const a of activations) perPeriod[Math.floor((a.at - from) / TEN_MINUTES)] += 1;
  const inFlood = perPeriod.filter((c) => c > input.floodThreshold).length;

  const maxPoints = input.trendMaxPoints ?? 144;
  const bucketS = TREND_BUCKETS_S.find((b) => (to - from) / (b * 1000) <= maxPoints) ?? TREND_BUCKETS_S[TREND_BUCKETS_S.length - 1];
  const bucketCount = Math.max(1, Math.ceil((to - from) / (bucketS * 1000)));
  const points = Array.from({ length: bucketCount }, (_, i) => ({ start: from + i * bucketS * 1000, count: 0 }));
  for (const a of activations) points[Math.floor((a.at - from) / (bucketS * 1000))].count += 1;

  const byPriority = countBy(activations, (a) => a.alarm.priority);
  const split = Object.fromEntries(PRIORITIES.map((p) => [p, pct(byPriority.get(p) ?? 0, n)])) as Record<AlarmPriorityName, number>;
  const top10 = badActors.reduce((s, b) => s + b.activations, 0);
  const totalTime = [...timeInAlarm.values()].reduce((s, v) => s + v, 0);

  return {
    alarms: n,
    acknowledged: tta.length,
    returned_to_normal: ttr.length,
    time_in_alarm_s: round(totalTime / 1000, 3),
    mtta_s: tta.length ? round(mean(tta) / 1000, 3) : null,
    mttr_s: ttr.length ? round(mean(ttr) / 1000, 3) : null,
    by_sensor: sortedCounts(countBy(activations, (a) => a.alarm.source_id)),
    by_type: sortedCounts(countBy(activations, (a) => a.alarm.condition)),
    by_priority: PRIORITIES.map((p) => ({ key: p, count: byPriority.get(p) ?? 0 })),
    bad_actors: badActors,
    trend: { bucket_s: bucketS, points },
    kpis: {
      avg_alarms_per_10min: round(n / periods, 3),
      periods_10min: periods,
      periods_in_flood: inFlood,
      flood_pct: pct(inFlood, periods),
      flood_threshold: input.floodThreshold,
      peak_10min: Math.max(0, ...perPeriod),
      top10_share_pct: pct(top10, n),
      priority_split_pct: split,
      chattering: chattering.slice(0, 10),
      stale: stale.sort((x, y) => y.active_hours - x.active_hours || x.alarm_id.localeCompare(y.alarm_id)),
      shelve_actions: shelveActions,
      shelved_at_end: shelvedAtEnd,
    },
  };
}

/** Most entries of sorted `times` within any window shorter than `windowMs`. */
export function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let i = 0;
  for (let j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

export function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
}

export function sortedCounts(m: Map<string, number>): ReportCount[] {
  return [...m.entries()].map(([key, count]) => ({ key, count })).sort((x, y) => y.count - x.count || x.key.localeCompare(y.key));
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function pct(part: number, whole: number): number {
  return whole ? round((100 * part) / whole, 2) : 0;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
