import type { AnomalyReport } from '@idm/contracts';

/** One CSV field, quoted when needed (RFC 4180), with spreadsheet formula injection neutralised. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? String(v) : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function table(title: string, header: string[], rows: unknown[][]): string[] {
  return [csvField(title), header.map(csvField).join(','), ...rows.map((r) => r.map(csvField).join(',')), ''];
}

/**
 * The report as one CSV file of titled sections separated by blank lines (opens in any spreadsheet).
 */
export function reportToCsv(r: AnomalyReport): string {
  const k = r.kpis;
  const lines = [
    ...table(r.title, ['from', 'to', 'generated_at'], [[r.from, r.to, r.generated_at]]),
    ...table('Totals', ['metric', 'value'], [
      ['alarms', r.totals.alarms],
      ['anomalies', r.totals.anomalies],
      ['acknowledged', r.totals.acknowledged],
      ['returned_to_normal', r.totals.returned_to_normal],
      ['time_in_alarm_s', r.totals.time_in_alarm_s],
      ['mtta_s', r.totals.mtta_s],
      ['mttr_s', r.totals.mttr_s],
    ]),
    ...table('Alarm KPIs (EEMUA 191 / ISA-18.2)', ['metric', 'value'], [
      ['avg_alarms_per_10min', k.avg_alarms_per_10min],
      ['periods_10min', k.periods_10min],
      ['periods_in_flood', k.periods_in_flood],
      ['flood_pct', k.flood_pct],
      ['peak_10min', k.peak_10min],
      ['top10_share_pct', k.top10_share_pct],
      ['chattering_alarms', k.chattering.length],
      ['stale_alarms', k.stale.length],
      ['shelve_actions', k.shelve_actions],
      ['shelved_at_end', k.shelved_at_end],
      ...Object.entries(k.priority_split_pct).map(([p, v]) => [`priority_${p}_pct`, v]),
    ]),
    ...(r.detail ? table('Detail (cut to fit the period)', ['sensor_statistics_of', 'rollups', 'sensors_omitted', 'alarm_sources_omitted'], [[r.detail.sensors, r.detail.rollups, r.detail.sensors_omitted, r.detail.alarm_sources_omitted]]) : []),
    ...table('Alarms by sensor', ['source_id', 'alarms'], r.alarms_by_sensor.map((c) => [c.key, c.count])),
    ...table('Alarms by type', ['condition', 'alarms'], r.alarms_by_type.map((c) => [c.key, c.count])),
    ...table('Alarms by priority', ['priority', 'alarms'], r.alarms_by_priority.map((c) => [c.key, c.count])),
    ...table('Anomalies by sensor', ['sensor_id', 'anomalies'], r.anomalies_by_sensor.map((c) => [c.key, c.count])),
    ...table('Anomalies by type', ['anomaly_type', 'anomalies'], r.anomalies_by_type.map((c) => [c.key, c.count])),
    ...table('Top 10 bad actors', ['alarm_id', 'source_id', 'condition', 'priority', 'activations', 'share_pct', 'time_in_alarm_s'],
      r.bad_actors.map((b) => [b.alarm_id, b.source_id, b.condition, b.priority, b.activations, b.share_pct, b.time_in_alarm_s])),
    ...table('Chattering alarms', ['alarm_id', 'source_id', 'condition', 'max_per_minute', 'activations'],
      k.chattering.map((c) => [c.alarm_id, c.source_id, c.condition, c.max_per_minute, c.activations])),
    ...table('Stale alarms (active 24 h or more)', ['alarm_id', 'source_id', 'condition', 'priority', 'active_since', 'active_hours'],
      k.stale.map((s) => [s.alarm_id, s.source_id, s.condition, s.priority, s.active_since, s.active_hours])),
    ...table('Sensor statistics', ['sensor_id', 'unit', 'samples', 'mean', 'std', 'min', 'max', 'p05', 'p50', 'p95', 'anomalous_samples'],
      r.sensor_stats.map((s) => [s.sensor_id, s.unit, s.samples, s.mean, s.std, s.min, s.max, s.p05, s.p50, s.p95, s.anomalous_samples])),
    ...table('Alarm trend', ['bucket_start', 'alarms'], r.trend.points.map((p) => [p.start, p.count])),
  ];
  return lines.join('\r\n');
}
