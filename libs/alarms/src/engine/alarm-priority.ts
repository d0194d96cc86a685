import type { AnomalySeverity, TagAlarmPriority } from '@idm/contracts';
import { AlarmPriority, PRIORITY_RANK } from './alarm-types';

/** The priority a condition asks for, and whether it was configured (fixed) or derived from severity. */
export interface ResolvedPriority {
  priority: AlarmPriority;
  /** True when the tag's configuration set it: score and severity no longer move it. */
  configured: boolean;
}

/**
 * ISA-18.2 makes priority an engineering decision taken in alarm rationalization: a priority configured on
 * the tag (for all its conditions, or for this one) wins; otherwise the episode's severity stands in for it.
 */
export function resolveAlarmPriority(config: TagAlarmPriority | undefined, condition: string, severity: AnomalySeverity): ResolvedPriority {
  const configured = typeof config === 'string' ? config : config?.[condition as keyof typeof config];
  return configured ? { priority: configured, configured: true } : { priority: severity, configured: false };
}

/**
 * The priority of an alarm after its condition was (re)evaluated as active. A configured priority is fixed
 * (a configuration change applies at the next update). A severity-derived one is taken as is when the alarm
 * is not yet active, and only ever rises while it is: a worsening episode never lowers it.
 */
export function nextAlarmPriority(current: AlarmPriority, alarmActive: boolean, resolved: ResolvedPriority): AlarmPriority {
  if (resolved.configured || !alarmActive) return resolved.priority;
  return PRIORITY_RANK[resolved.priority] < PRIORITY_RANK[current] ? resolved.priority : current;
}
