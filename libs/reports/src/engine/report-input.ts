import type { AlarmPriorityName } from '@idm/contracts';

/** What the report engine needs to know about an alarm (from the alarms collection). */
export interface AlarmFacts {
  id: string;
  source_id: string;
  sensor_id: string | null;
  condition: string;
  priority: AlarmPriorityName;
  /** Current state, valid for any time after `updated_at`. */
  state: string;
  active: boolean;
  raised_at: number | null;
  updated_at: number;
}

/** One audit-trail entry (epoch ms). */
export interface AuditFact {
  alarm_id: string;
  kind: string;
  from: string;
  to: string;
  at: number;
}

/** One anomaly episode (epoch ms). */
export interface AnomalyFact {
  sensor_id: string;
  anomaly_type: string;
  timestamp: number;
}

/** One historian rollup bucket of one sensor. */
export interface RollupFact {
  sensor_id: string;
  start: number;
  count: number;
  sum: number;
  sum_sq: number;
  min: number;
  max: number;
  anomaly_count: number;
}

export const PRIORITIES: AlarmPriorityName[] = ['critical', 'high', 'medium', 'low'];
export const PRIORITY_RANK: Record<AlarmPriorityName, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** True when `p` is `min` or more urgent. */
export function atLeast(p: AlarmPriorityName, min: AlarmPriorityName | undefined): boolean {
  return !min || PRIORITY_RANK[p] <= PRIORITY_RANK[min];
}
