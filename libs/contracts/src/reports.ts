/** Wire types of the anomaly / alarm report (REST JSON, and the data behind the CSV and PDF). */
import type { AlarmPriorityName } from './alarms';

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Which part of the plant a report covers; empty = everything. Filters combine with AND. */
export interface ReportScope {
  area?: string;
  device_id?: string;
  sensor_ids?: string[];
  /** Only alarms of this priority or higher (critical > high > medium > low). */
  min_priority?: AlarmPriorityName;
}

export interface ReportCount {
  key: string;
  count: number;
}

/** One of the alarms that raised most often (EEMUA 191 "bad actors"). */
export interface BadActorRow {
  alarm_id: string;
  source_id: string;
  condition: string;
  priority: AlarmPriorityName;
  activations: number;
  /** Share of all activations in the report, percent. */
  share_pct: number;
  /** Seconds the alarm was active within the range. */
  time_in_alarm_s: number;
}

/** An alarm that raised 3 or more times within one minute (chattering). */
export interface ChatteringRow {
  alarm_id: string;
  source_id: string;
  condition: string;
  /** Most activations seen within any 60-second window. */
  max_per_minute: number;
  activations: number;
}

export interface StaleRow {
  alarm_id: string;
  source_id: string;
  condition: string;
  priority: AlarmPriorityName;
  active_since: string;
  active_hours: number;
}

/** EEMUA 191 / ISA-18.2 alarm-system performance figures over the range. */
export interface AlarmKpis {
  /** Activations divided by the number of 10-minute periods in the range (target ~1, manageable ≤ 2). */
  avg_alarms_per_10min: number;
  periods_10min: number;
  /** Periods with more than `flood_threshold` activations. */
  periods_in_flood: number;
  /** Percentage of 10-minute periods in flood (target < 1 %). */
  flood_pct: number;
  flood_threshold: number;
  peak_10min: number;
  /** Share of all activations caused by the ten most frequent alarms (target ≤ 1–5 %). */
  top10_share_pct: number;
  /** Activations by priority in percent (target about 80 low / 15 medium+high / 5 critical). */
  priority_split_pct: Record<AlarmPriorityName, number>;
  chattering: ChatteringRow[];
  /** Alarms active for 24 h or more at the end of the range. */
  stale: StaleRow[];
  /** Shelve actions within the range. */
  shelve_actions: number;
  /** Alarms shelved at the end of the range. */
  shelved_at_end: number;
}

/** Statistics of one sensor's samples over the range, from the historian's rollups. */
export interface SensorStatsRow {
  sensor_id: string;
  unit: string;
  samples: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  /** Percentiles of the samples, estimated from the rollup buckets (1-minute up to 48 h, hourly beyond). */
  p05: number | null;
  p50: number | null;
  p95: number | null;
  /** Anomalous samples counted by the historian. */
  anomalous_samples: number;
}

export interface ReportTotals {
  /** Alarm activations (`raised`) within the range. */
  alarms: number;
  /** Anomaly episodes that started within the range. */
  anomalies: number;
  acknowledged: number;
  returned_to_normal: number;
  /** Summed seconds alarms in scope were active within the range. */
  time_in_alarm_s: number;
  /** Mean time from activation to acknowledgement (seconds), over activations acknowledged by the end. */
  mtta_s: number | null;
  /** Mean time from activation to return to normal (seconds), over activations cleared by the end. */
  mttr_s: number | null;
}

export interface AnomalyReport {
  title: string;
  generated_at: string;
  from: string;
  to: string;
  scope: ReportScope;
  totals: ReportTotals;
  alarms_by_sensor: ReportCount[];
  alarms_by_type: ReportCount[];
  alarms_by_priority: ReportCount[];
  anomalies_by_sensor: ReportCount[];
  anomalies_by_type: ReportCount[];
  /** The ten alarms that raised most often. */
  bad_actors: BadActorRow[];
  /** Alarm activations over time, for the trend chart. */
  trend: { bucket_s: number; points: Array<{ start: string; count: number }> };
  sensor_stats: SensorStatsRow[];
  kpis: AlarmKpis;
  /** How detailed this report is, when it was cut to fit its use (an e-mail digest's attachment). */
  detail?: ReportDetailNote;
}

/** What a report cut to fit its period left out (see `digestDetail` in the reports library). */
export interface ReportDetailNote {
  /** `active`: sensor statistics only for sensors with alarms or anomalies in the range; `all`: every sensor in scope. */
  sensors: 'active' | 'all';
  /** Rollups the sensor statistics were computed from. */
  rollups: '1m' | '1h';
  /** Sensors in scope left out of `sensor_stats`. */
  sensors_omitted: number;
  /** Alarm sources left out of `alarms_by_sensor` (the least active). */
  alarm_sources_omitted: number;
}

export type ReportJobState = 'queued' | 'running' | 'done' | 'failed';

/** A long report computed in the background (`POST /reports/jobs`). */
export interface ReportJobDto {
  id: string;
  state: ReportJobState;
  /** 0–100. */
  progress: number;
  format: ReportFormat;
  from: string;
  to: string;
  scope: ReportScope;
  created_at: string;
  finished_at: string | null;
  /** The file is deleted after this time. */
  expires_at: string | null;
  /** `GET` this path for the file when `state` is `done`. */
  download_url: string | null;
  error: string | null;
}
