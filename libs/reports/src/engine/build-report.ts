import type { AnomalyReport, ReportDetailNote, ReportScope, SensorStatsRow } from '@idm/contracts';
import type { AlarmFigures } from './alarm-figures';
import { countBy, sortedCounts } from './alarm-figures';
import type { AnomalyFact } from './report-input';

export interface BuildReportInput {
  from: number;
  to: number;
  scope: ReportScope;
  generatedAt: number;
  alarms: AlarmFigures;
  /** Anomaly episodes of sensors in scope that started within the range. */
  anomalies: AnomalyFact[];
  sensorStats: SensorStatsRow[];
  /** Most rows of alarms by sensor (default all). */
  maxAlarmSourceRows?: number;
  /** What was left out, when the report was cut to fit its use. */
  detail?: ReportDetailNote;
}

/** Title of a report: what, where, when (UTC). */
export function reportTitle(scope: ReportScope): string {
  const where = scope.sensor_ids?.length
    ? `sensors ${scope.sensor_ids.join(', ')}`
    : scope.device_id
      ? `device ${scope.device_id}`
      : scope.area
        ? `area ${scope.area}`
        : 'all areas';
  return `IDM anomaly and alarm report: ${where}`;
}

/** Assembles the report from the computed parts (pure). */
export function buildReport(input: BuildReportInput): AnomalyReport {
  const a = input.alarms;
  return {
    title: reportTitle(input.scope),
    generated_at: new Date(input.generatedAt).toISOString(),
    from: new Date(input.from).toISOString(),
    to: new Date(input.to).toISOString(),
    scope: input.scope,
    totals: {
      alarms: a.alarms,
      anomalies: input.anomalies.length,
      acknowledged: a.acknowledged,
      returned_to_normal: a.returned_to_normal,
      time_in_alarm_s: a.time_in_alarm_s,
      mtta_s: a.mtta_s,
      mttr_s: a.mttr_s,
    },
    alarms_by_sensor: a.by_sensor.slice(0, input.maxAlarmSourceRows ?? Infinity),
    alarms_by_type: a.by_type,
    alarms_by_priority: a.by_priority,
    anomalies_by_sensor: sortedCounts(countBy(input.anomalies, (x) => x.sensor_id)),
    anomalies_by_type: sortedCounts(countBy(input.anomalies, (x) => x.anomaly_type)),
    bad_actors: a.bad_actors,
    trend: { bucket_s: a.trend.bucket_s, points: a.trend.points.map((p) => ({ start: new Date(p.start).toISOString(), count: p.count })) },
    sensor_stats: input.sensorStats,
    kpis: a.kpis,
    ...(input.detail ? { detail: { ...input.detail, alarm_sources_omitted: Math.max(0, a.by_sensor.length - (input.maxAlarmSourceRows ?? Infinity)) } } : {}),
  };
}

/** Human duration: `1 h 05 min`, `42 s`. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s / 60} min`;
  const h = Math.floor(s / 3600);
  return `${h} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
