import { BadRequestException, Injectable } from '@nestjs/common';
import type { AnomalyReport, ReportFormat, ReportScope } from '@idm/contracts';
import { AppConfig } from '@idm/core';
import { HistoryService } from '@idm/historian';
import { TagRegistryService } from '@idm/ingestion';
import { computeAlarmFigures } from './engine/alarm-figures';
import { buildReport } from './engine/build-report';
import { reportToCsv } from './engine/report-csv';
import { reportToPdf } from './engine/report-pdf';
import { FULL_DETAIL, pickSensors, type ReportDetail } from './engine/report-detail';
import { alarmInScope, resolveScope } from './engine/scope';
import type { RollupFact } from './engine/report-input';
import { computeSensorStats } from './engine/sensor-stats';
import { ReportFacts } from './report-facts';

/**
 * How far before `from` the audit trail is read. None is needed: each alarm's first entry in the range
 * says (in `from`) whether it was already active, and the alarm document gives the start of a spell
 * without entries. Reading the audit is the slow part on FerretDB (a scan), so it stays at the range.
 */
export const AUDIT_LOOKBACK_MS = 0;
/** Longest range answered directly; longer ones go through `POST /reports/jobs`. */
export const MAX_DIRECT_RANGE_MS = 31 * 86_400_000;
/** Longest range of any report. */
export const MAX_RANGE_MS = 400 * 86_400_000;
/** Up to this range, sensor statistics use 1-minute rollups; beyond, hourly ones. */
const MINUTE_ROLLUPS_UP_TO_MS = 48 * 3_600_000;
/** Sensors whose rollups are read at once (each reads its packs concurrently too). */
const SENSOR_READ_CONCURRENCY = 4;

export interface ReportRequest {
  from: number;
  to: number;
  scope: ReportScope;
}

export interface RenderedReport {
  content: Buffer;
  contentType: string;
  filename: string;
}

/** Builds anomaly / alarm reports from the stored alarms, audit trail, anomaly episodes and rollups. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly facts: ReportFacts,
    private readonly history: HistoryService,
    private readonly registry: TagRegistryService,
    private readonly config: AppConfig,
  ) {}

  /** Parses and checks a requested range (defaults: the last 24 hours). */
  static range(fromText: string | undefined, toText: string | undefined, maxMs: number, now = Date.now()): { from: number; to: number } {
    const to = toText ? Date.parse(toText) : now;
    const from = fromText ? Date.parse(fromText) : to - 86_400_000;
    if (!(from < to)) throw new BadRequestException({ message: 'from must be before to', details: [{ field: 'from', rule: 'beforeTo', message: 'from must be before to' }] });
    if (to - from > maxMs) {
      const days = Math.round(maxMs / 86_400_000);
      const message = maxMs === MAX_DIRECT_RANGE_MS
        ? `range is longer than ${days} days: use POST /reports/jobs for long reports`
        : `range must be at most ${days} days`;
      throw new BadRequestException({ message, details: [{ field: 'from', rule: 'maxRange', message }] });
    }
    return { from, to };
  }

  /** The report of a range; `detail` cuts it to fit its use (an e-mail digest: `digestDetail`), by default everything. */
  async build(req: ReportRequest, progress: (pct: number) => Promise<void> | void = () => undefined, detail: ReportDetail = FULL_DETAIL): Promise<AnomalyReport> {
    const { from, to, scope } = req;
    const tags = this.registry.listTags().map((t) => ({ sensor_id: t.sensor_id, device_id: t.device_id, area: t.area, unit: t.unit }));
    const resolved = resolveScope(scope, tags);
    const auditFrom = from - AUDIT_LOOKBACK_MS;
    const [allAlarms, audit, anomalies] = await Promise.all([this.facts.alarms(), this.facts.auditBetween(auditFrom, to), this.facts.anomaliesBetween(from, to)]);
    await progress(30);
    const alarms = allAlarms.filter((a) => alarmInScope(a, resolved, scope));
    const figures = computeAlarmFigures({ from, to, alarms, audit, auditFrom, floodThreshold: this.config.alarms.floodThreshold, trendMaxPoints: detail.trendMaxPoints });
    await progress(50);

    const inScopeAnomalies = anomalies.filter((x) => resolved.sensors === null || resolved.sensors.has(x.sensor_id));
    const inScope = resolved.sensors
      ? [...resolved.sensors]
      : [...new Set([...tags.map((t) => t.sensor_id), ...alarms.flatMap((a) => (a.sensor_id ? [a.sensor_id] : [])), ...inScopeAnomalies.map((x) => x.sensor_id)])];
    // Activity per sensor: its alarm activations (a sensor alarm's source is its sensor) and anomaly episodes.
    const activity = new Map(figures.by_sensor.map((c) => [c.key, c.count]));
    for (const x of inScopeAnomalies) activity.set(x.sensor_id, (activity.get(x.sensor_id) ?? 0) + 1);
    const { chosen: sensorIds, omitted } = detail === FULL_DETAIL ? { chosen: inScope, omitted: 0 } : pickSensors(inScope, activity, detail);
    const resolution = detail.rollups ?? (to - from <= MINUTE_ROLLUPS_UP_TO_MS ? '1m' : '1h');
    // Through the historian: stored rollups plus what it has not written yet (the open hour and day).
    sensorIds.sort();
    const perSensor = await this.history.rollupsOf(sensorIds, resolution, from, to, SENSOR_READ_CONCURRENCY);
    const rollups = perSensor.flatMap((items, i) =>
      items.map(({ t, count, sum, sum_sq, min, max, anomaly_count }): RollupFact => ({ sensor_id: sensorIds[i], start: t, count, sum, sum_sq, min, max, anomaly_count })),
    );
    await progress(80);
    const units = new Map(tags.map((t) => [t.sensor_id, t.unit]));
    const sensorStats = computeSensorStats(rollups, sensorIds.map((s) => ({ sensor_id: s, unit: units.get(s) ?? '' })));
    const report = buildReport({
      from, to, scope, generatedAt: Date.now(), alarms: figures, anomalies: inScopeAnomalies, sensorStats,
      ...(detail === FULL_DETAIL ? {} : { maxAlarmSourceRows: detail.maxAlarmSourceRows, detail: { sensors: detail.sensors, rollups: resolution, sensors_omitted: omitted, alarm_sources_omitted: 0 } }),
    });
    await progress(90);
    return report;
  }

  async render(report: AnomalyReport, format: ReportFormat): Promise<RenderedReport> {
    const stamp = `${report.from.slice(0, 16)}_${report.to.slice(0, 16)}`.replace(/[:]/g, '');
    const base = `idm-report_${stamp}`;
    if (format === 'csv') return { content: Buffer.from(reportToCsv(report), 'utf8'), contentType: 'text/csv; charset=utf-8', filename: `${base}.csv` };
    if (format === 'pdf') return { content: await reportToPdf(report), contentType: 'application/pdf', filename: `${base}.pdf` };
    return { content: Buffer.from(JSON.stringify(report, null, 2), 'utf8'), contentType: 'application/json; charset=utf-8', filename: `${base}.json` };
  }
}
