import type { AlarmDto, AlarmEventDto, AlarmPriorityName, AlarmSnapshotDto } from '@idm/contracts';

/** The alarms a screen shows, consistent with the server's numbered event stream up to `seq`. */
export interface AlarmState {
  seq: number;
  /** Alarms needing attention by id (an alarm back to `normal` leaves the list). */
  alarms: ReadonlyMap<string, AlarmDto>;
  flood: boolean;
  /** Whether a snapshot has arrived yet. */
  ready: boolean;
}

export const EMPTY_ALARMS: AlarmState = { seq: 0, alarms: new Map(), flood: false, ready: false };

export function applySnapshot(s: AlarmSnapshotDto): AlarmState {
  return { seq: s.seq, alarms: new Map(s.alarms.filter((a) => a.state !== 'normal').map((a) => [a.id, a])), flood: s.flood, ready: true };
}

/**
 * Applies numbered events in order. Events at or below the state's `seq` are already in it (a replay after
 * a snapshot) and are skipped; `gap` says an event was missed so the caller asks the server to resume.
 */
export function applyEvents(state: AlarmState, events: readonly AlarmEventDto[]): { state: AlarmState; gap: boolean } {
  let seq = state.seq;
  let alarms: Map<string, AlarmDto> | null = null;
  let gap = false;
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.seq <= seq) continue;
    if (state.ready && e.seq > seq + 1) gap = true;
    seq = e.seq;
    alarms ??= new Map(state.alarms);
    if (e.alarm.state === 'normal') alarms.delete(e.alarm.id);
    else alarms.set(e.alarm.id, e.alarm);
  }
  if (!alarms) return { state, gap };
  return { state: { ...state, seq, alarms }, gap };
}

export const PRIORITY_RANK: Record<AlarmPriorityName, number> = { critical: 0, high: 1, medium: 2, low: 3 };

function time(a: AlarmDto): number {
  return Date.parse(a.raised_at ?? a.updated_at) || 0;
}

/** Priority first (critical on top), then newest first. */
export function sortAlarms(list: Iterable<AlarmDto>): AlarmDto[] {
  return [...list].sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || time(b) - time(a) || a.id.localeCompare(b.id));
}

/** Unacknowledged alarms need the operator: active or returned to normal but not yet acknowledged. */
export function isUnacked(a: AlarmDto): boolean {
  return a.state === 'unack_active' || a.state === 'unack_rtn';
}
