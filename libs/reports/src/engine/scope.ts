import type { ReportScope } from '@idm/contracts';
import type { AlarmFacts } from './report-input';
import { atLeast } from './report-input';

export interface ScopeTag {
  sensor_id: string;
  device_id: string;
  area: string;
  unit: string;
}

export interface ResolvedScope {
  /** Sensors in scope; null = every sensor. */
  sensors: Set<string> | null;
  /** Devices whose own alarms (comm failure) are in scope; null = every device. */
  devices: Set<string> | null;
}

/** Turns a scope (area / device / sensors, combined with AND) into sets of sensors and devices (pure). */
export function resolveScope(scope: ReportScope, tags: ScopeTag[]): ResolvedScope {
  if (!scope.area && !scope.device_id && !scope.sensor_ids?.length) return { sensors: null, devices: null };
  let chosen = tags;
  if (scope.area) chosen = chosen.filter((t) => t.area === scope.area);
  if (scope.device_id) chosen = chosen.filter((t) => t.device_id === scope.device_id);
  let sensors = new Set(chosen.map((t) => t.sensor_id));
  if (scope.sensor_ids?.length) {
    const wanted = new Set(scope.sensor_ids);
    // Sensors named explicitly count even when not (or no longer) in the registry, unless area/device exclude them.
    sensors = scope.area || scope.device_id ? new Set([...sensors].filter((s) => wanted.has(s))) : wanted;
  }
  const devices = scope.sensor_ids?.length
    ? new Set<string>()
    : scope.device_id
      ? new Set([scope.device_id].filter(() => !scope.area || chosen.length > 0))
      : new Set(chosen.map((t) => t.device_id));
  return { sensors, devices };
}

export function alarmInScope(a: AlarmFacts, r: ResolvedScope, scope: ReportScope): boolean {
  if (!atLeast(a.priority, scope.min_priority)) return false;
  if (a.sensor_id) return r.sensors === null || r.sensors.has(a.sensor_id);
  return r.devices === null || r.devices.has(a.source_id);
}
