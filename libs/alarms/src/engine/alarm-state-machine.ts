import type { AlarmReadingKind, SampleQuality } from '@idm/contracts';
import type { AlarmEventKind, AlarmPriority, AlarmRecord, AlarmState, AlarmTiming } from './alarm-types';

/** One transition produced by the state machine; the shell persists it, audits it and pushes it. */
export interface AlarmTransition {
  kind: AlarmEventKind;
  from: AlarmState;
  to: AlarmState;
  at: number;
  by?: string;
  comment?: string;
}

export type AlarmActionResult = { ok: true; transitions: AlarmTransition[] } | { ok: false; reason: string };

export function newAlarmRecord(priority: AlarmPriority): AlarmRecord {
  return {
    state: 'normal',
    condition_active: false,
    condition_since: null,
    active: false,
    acked: true,
    priority,
    raised_at: null,
    cleared_at: null,
    acked_at: null,
    acked_by: null,
    shelved_until: null,
    shelved_by: null,
    shelve_reason: null,
    last_value: null,
    last_reading: null,
    activation_count: 0,
  };
}

/**
 * What a reading is, for showing it: a non-number says so (JSON and the screens have no NaN), a reading its
 * source flagged keeps its quality (its value is a placeholder, often 0), else it is a measurement.
 */
export function readingKind(value: number, quality: SampleQuality): AlarmReadingKind {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return quality;
}

/** The annunciated state of an alarm that is neither shelved nor out of service. */
function annunciatedState(r: AlarmRecord): AlarmState {
  if (r.active) return r.acked ? 'ack_active' : 'unack_active';
  return r.acked ? 'normal' : 'unack_rtn';
}

function isSuppressed(r: AlarmRecord): boolean {
  return r.state === 'shelved' || r.state === 'out_of_service';
}

/**
 * ISA-18.2 alarm lifecycle as a pure function of (record, input, time). It mutates the given record and
 * returns the transitions to publish. Shelved and out-of-service alarms keep tracking their condition
 * silently, so they come back in the right state.
 */
export class AlarmStateMachine {
  constructor(private readonly timing: AlarmTiming) {}

  /**
   * Feeds the process condition (already with its deadband applied) at time `at`. Call it for every
   * evaluation, and `tick` periodically so delays and shelf expiry take effect without new samples.
   */
  evaluate(r: AlarmRecord, conditionActive: boolean, at: number, value: number | null = null, quality: SampleQuality = 'good'): AlarmTransition[] {
    if (value !== null) {
      r.last_reading = readingKind(value, quality);
      r.last_value = Number.isFinite(value) ? value : null;
    }
    if (conditionActive !== r.condition_active) {
      r.condition_active = conditionActive;
      r.condition_since = at;
    }
    return this.tick(r, at);
  }

  /** Applies on/off delays and shelf expiry at time `at`. */
  tick(r: AlarmRecord, at: number): AlarmTransition[] {
    const out: AlarmTransition[] = [];
    if (r.state === 'shelved' && r.shelved_until !== null && at >= r.shelved_until) {
      out.push(...this.unshelve(r, at, 'system', 'shelf time ended'));
    }
    const since = r.condition_since ?? at;
    if (r.condition_active && !r.active && at - since >= this.timing.on_delay_ms) {
      r.active = true;
      r.acked = false;
      r.raised_at = at;
      r.cleared_at = null;
      r.acked_at = null;
      r.acked_by = null;
      r.activation_count += 1;
      out.push(...this.settle(r, 'raised', at));
    } else if (!r.condition_active && r.active && at - since >= this.timing.off_delay_ms) {
      r.active = false;
      r.cleared_at = at;
      out.push(...this.settle(r, 'cleared', at));
    }
    return out;
  }

  acknowledge(r: AlarmRecord, at: number, by: string, comment?: string): AlarmActionResult {
    if (r.state === 'out_of_service') return { ok: false, reason: 'alarm is out of service' };
    if (r.acked) return { ok: false, reason: 'alarm is not awaiting acknowledgement' };
    r.acked = true;
    r.acked_at = at;
    r.acked_by = by;
    return { ok: true, transitions: this.settle(r, 'acknowledged', at, by, comment) };
  }

  shelve(r: AlarmRecord, at: number, by: string, until: number, reason: string): AlarmActionResult {
    if (r.state === 'out_of_service') return { ok: false, reason: 'alarm is out of service' };
    if (until <= at) return { ok: false, reason: 'shelve end must be in the future' };
    if (!reason.trim()) return { ok: false, reason: 'a reason is required to shelve an alarm' };
    const from = r.state;
    r.state = 'shelved';
    r.shelved_until = until;
    r.shelved_by = by;
    r.shelve_reason = reason;
    return { ok: true, transitions: [{ kind: 'shelved', from, to: 'shelved', at, by, comment: reason }] };
  }

  unshelve(r: AlarmRecord, at: number, by: string, comment?: string): AlarmTransition[] {
    if (r.state !== 'shelved') return [];
    r.shelved_until = null;
    r.shelved_by = null;
    r.shelve_reason = null;
    // An alarm that became active while shelved must be seen: it returns unacknowledged.
    if (r.active && r.acked && r.raised_at !== null && r.acked_at !== null && r.acked_at < r.raised_at) r.acked = false;
    const to = annunciatedState(r);
    r.state = to;
    return [{ kind: 'unshelved', from: 'shelved', to, at, by, comment }];
  }

  removeFromService(r: AlarmRecord, at: number, by: string, reason: string): AlarmActionResult {
    if (r.state === 'out_of_service') return { ok: false, reason: 'alarm is already out of service' };
    if (!reason.trim()) return { ok: false, reason: 'a reason is required to take an alarm out of service' };
    const from = r.state;
    r.state = 'out_of_service';
    r.shelved_until = null;
    return { ok: true, transitions: [{ kind: 'removed_from_service', from, to: 'out_of_service', at, by, comment: reason }] };
  }

  returnToService(r: AlarmRecord, at: number, by: string): AlarmActionResult {
    if (r.state !== 'out_of_service') return { ok: false, reason: 'alarm is in service' };
    // Back in service, an alarm starts clean: an active condition raises it anew after its on-delay.
    r.active = false;
    r.acked = true;
    r.condition_since = at;
    r.state = 'normal';
    const out: AlarmTransition[] = [{ kind: 'returned_to_service', from: 'out_of_service', to: 'normal', at, by }];
    out.push(...this.tick(r, at));
    return { ok: true, transitions: out };
  }

  /**
   * The alarm's source is gone (its tag or device was deleted): nothing is left to watch or acknowledge, so
   * the alarm returns to normal at once, out of any shelf or out-of-service state, with `reason` in the audit.
   */
  retire(r: AlarmRecord, at: number, reason: string): AlarmTransition[] {
    const from = r.state;
    const wasActive = r.active;
    r.condition_active = false;
    r.condition_since = at;
    r.active = false;
    r.acked = true;
    if (wasActive) r.cleared_at = at;
    r.shelved_until = null;
    r.shelved_by = null;
    r.shelve_reason = null;
    r.state = 'normal';
    return from === 'normal' ? [] : [{ kind: 'cleared', from, to: 'normal', at, by: 'system', comment: reason }];
  }

  /** After active/acked changed: move to the annunciated state unless suppressed (then stay silent). */
  private settle(r: AlarmRecord, kind: AlarmEventKind, at: number, by?: string, comment?: string): AlarmTransition[] {
    if (isSuppressed(r)) return [];
    const from = r.state;
    const to = annunciatedState(r);
    r.state = to;
    return [{ kind, from, to, at, by, comment }];
  }
}
