/**
 * How much a report holds. A report asked for on screen or as a file holds everything (`FULL_DETAIL`); an
 * e-mail digest's attachment is cut to fit the digest's period (`digestDetail`), so a shift digest attaches
 * a page or two about what happened in the shift and a weekly one a proportionate summary, never minute data.
 */
export interface ReportDetail {
  /** Most points of the alarm trend (the smallest bucket width giving at most this many is used). */
  trendMaxPoints: number;
  /** Rollups for the sensor statistics; null: 1-minute up to 48 h, hourly beyond. */
  rollups: '1m' | '1h' | null;
  /** `active`: statistics only for sensors with alarms or anomalies in the range; `all`: every sensor in scope. */
  sensors: 'active' | 'all';
  /** Most rows of sensor statistics (the most active sensors first). */
  maxSensorRows: number;
  /** Most rows of alarms by sensor (the most active first). */
  maxAlarmSourceRows: number;
}

export const FULL_DETAIL: ReportDetail = { trendMaxPoints: 144, rollups: null, sensors: 'all', maxSensorRows: Infinity, maxAlarmSourceRows: Infinity };

const HOUR = 3_600_000;

/**
 * The rule for a digest's attachment, by the digest's period:
 *
 * | period            | trend points | sensor statistics                              | alarms by sensor |
 * |-------------------|--------------|------------------------------------------------|------------------|
 * | up to 12 h (shift)| ≤ 48 (10 min for 8 h) | sensors with alarms/anomalies, ≤ 25, 1-minute rollups | ≤ 10 |
 * | up to 36 h (day)  | ≤ 48 (30 min for 24 h) | sensors with alarms/anomalies, ≤ 50, 1-minute rollups | ≤ 20 |
 * | up to 8 days (week)| ≤ 56 (3 h for 7 days) | every sensor in scope, ≤ 200, hourly rollups     | ≤ 30 |
 * | longer            | ≤ 62 (12 h for 31 days) | every sensor in scope, ≤ 500, hourly rollups   | ≤ 30 |
 */
export function digestDetail(periodMs: number): ReportDetail {
  if (periodMs <= 12 * HOUR) return { trendMaxPoints: 48, rollups: '1m', sensors: 'active', maxSensorRows: 25, maxAlarmSourceRows: 10 };
  if (periodMs <= 36 * HOUR) return { trendMaxPoints: 48, rollups: '1m', sensors: 'active', maxSensorRows: 50, maxAlarmSourceRows: 20 };
  if (periodMs <= 8 * 24 * HOUR) return { trendMaxPoints: 56, rollups: '1h', sensors: 'all', maxSensorRows: 200, maxAlarmSourceRows: 30 };
  return { trendMaxPoints: 62, rollups: '1h', sensors: 'all', maxSensorRows: 500, maxAlarmSourceRows: 30 };
}

/**
 * The sensors whose statistics a report shows: with `active`, those with alarm activations or anomaly
 * episodes in the range; the most active first (activations + episodes), then by id; at most `max`.
 */
export function pickSensors(inScope: readonly string[], activity: ReadonlyMap<string, number>, detail: ReportDetail): { chosen: string[]; omitted: number } {
  const candidates = detail.sensors === 'active' ? inScope.filter((s) => (activity.get(s) ?? 0) > 0) : [...inScope];
  candidates.sort((a, b) => (activity.get(b) ?? 0) - (activity.get(a) ?? 0) || a.localeCompare(b));
  const chosen = candidates.slice(0, detail.maxSensorRows);
  return { chosen, omitted: inScope.length - chosen.length };
}
