import type { AlarmEventKindName, AlarmPriorityName, AlarmReadingKind, AlarmStateName } from '@idm/contracts';

/**
 * ISA-18.2 alarm states: normal, unack_active (operator must look), ack_active, unack_rtn (returned to
 * normal before anyone acknowledged it), shelved (hidden with a reason and expiry), out_of_service.
 * One definition, shared with the wire types.
 */
export type AlarmState = AlarmStateName;

export type AlarmPriority = AlarmPriorityName;

export const PRIORITY_RANK: Record<AlarmPriority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** What happened to an alarm, as pushed to screens and written to the audit trail. */
export type AlarmEventKind = AlarmEventKindName;

/** Timing that keeps alarms calm: a condition must persist for on-delay to raise and be gone for off-delay to clear. */
export interface AlarmTiming {
  on_delay_ms: number;
  off_delay_ms: number;
}

/** The persistent state of one alarm (one per source and condition). */
export interface AlarmRecord {
  state: AlarmState;
  /** The process condition as last evaluated (true = abnormal), independent of delays and shelving. */
  condition_active: boolean;
  /** When the condition became true / false last (for on/off delays). */
  condition_since: number | null;
  /** Whether the alarm is active (after on/off delays). */
  active: boolean;
  /** Whether the current or last activation is still unacknowledged. */
  acked: boolean;
  priority: AlarmPriority;
  raised_at: number | null;
  cleared_at: number | null;
  acked_at: number | null;
  acked_by: string | null;
  shelved_until: number | null;
  shelved_by: string | null;
  shelve_reason: string | null;
  last_value: number | null;
  /** What `last_value` is: a measurement, a flagged reading (placeholder value) or a non-number (value null). */
  last_reading?: AlarmReadingKind | null;
  /** How many times the alarm was raised (for chattering and bad-actor KPIs). */
  activation_count: number;
}
