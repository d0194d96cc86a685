import PDFDocument from 'pdfkit';
import type { AnomalyReport } from '@idm/contracts';
import { formatDuration } from './build-report';

type Doc = InstanceType<typeof PDFDocument>;
const GREY = '#555555';
const LIGHT = '#dddddd';
const BAR = '#4a6fa5';

/**
 * The report as an A4 PDF: title and range, totals and KPIs with their targets, a vector bar chart of
 * alarm activations over time, then the tables. Neutral greys (ISA-101), one accent for the bars.
 */
export function reportToPdf(r: AnomalyReport): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: r.title, Author: 'IDM', Subject: `${r.from} to ${r.to}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(16).fillColor('black').text(r.title);
  doc.moveDown(0.3).font('Helvetica').fontSize(10).fillColor(GREY).text(`From ${utc(r.from)} to ${utc(r.to)} - generated ${utc(r.generated_at)}`);
  doc.moveDown(1);

  const t = r.totals;
  const k = r.kpis;
  section(doc, 'Totals');
  keyValues(doc, [
    ['Alarms raised', String(t.alarms)],
    ['Anomaly episodes', String(t.anomalies)],
    ['Time in alarm', formatDuration(t.time_in_alarm_s)],
    ['Mean time to acknowledge', formatDuration(t.mtta_s)],
    ['Mean time to return to normal', formatDuration(t.mttr_s)],
  ]);

  section(doc, 'Alarm system KPIs (EEMUA 191 / ISA-18.2)');
  keyValues(doc, [
    ['Average alarms per 10 minutes (target about 1, max 2)', String(k.avg_alarms_per_10min)],
    [`10-minute periods in flood (> ${k.flood_threshold} alarms; target < 1 %)`, `${k.periods_in_flood} of ${k.periods_10min} (${k.flood_pct} %)`],
    ['Peak alarms in one 10-minute period', String(k.peak_10min)],
    ['Share of the top 10 alarms (target <= 5 %)', `${k.top10_share_pct} %`],
    ['Chattering alarms (target 0)', String(k.chattering.length)],
    ['Stale alarms (active 24 h or more)', String(k.stale.length)],
    ['Shelve actions / shelved at end', `${k.shelve_actions} / ${k.shelved_at_end}`],
    ['Priority split critical / high / medium / low (%)', `${k.priority_split_pct.critical} / ${k.priority_split_pct.high} / ${k.priority_split_pct.medium} / ${k.priority_split_pct.low}`],
  ]);

  section(doc, `Alarms over time (per ${formatDuration(r.trend.bucket_s)})`);
  trendChart(doc, r.trend.points.map((p) => p.count), utc(r.trend.points[0]?.start ?? r.from), utc(r.to));

  table(doc, 'Alarms by priority', ['Priority', 'Alarms'], r.alarms_by_priority.map((c) => [c.key, String(c.count)]), [200, 80]);
  table(doc, 'Top 10 bad actors', ['Alarm', 'Priority', 'Activations', 'Share', 'Time in alarm'],
    r.bad_actors.map((b) => [b.alarm_id, b.priority, String(b.activations), `${b.share_pct} %`, formatDuration(b.time_in_alarm_s)]), [210, 60, 70, 55, 90]);
  const sources = r.alarms_by_sensor.length + (r.detail?.alarm_sources_omitted ?? 0);
  const bySensorTitle = sources > Math.min(30, r.alarms_by_sensor.length) ? `Alarms by sensor (top ${Math.min(30, r.alarms_by_sensor.length)} of ${sources})` : 'Alarms by sensor';
  table(doc, bySensorTitle, ['Source', 'Alarms'], r.alarms_by_sensor.slice(0, 30).map((c) => [c.key, String(c.count)]), [280, 80]);
  table(doc, 'Alarms by type', ['Condition', 'Alarms'], r.alarms_by_type.map((c) => [c.key, String(c.count)]), [280, 80]);
  table(doc, 'Anomaly episodes by type', ['Type', 'Episodes'], r.anomalies_by_type.map((c) => [c.key, String(c.count)]), [280, 80]);
  table(doc, 'Chattering alarms (3+ activations within 1 minute)', ['Alarm', 'Max per minute', 'Activations'],
    k.chattering.map((c) => [c.alarm_id, String(c.max_per_minute), String(c.activations)]), [280, 90, 80]);
  table(doc, 'Stale alarms', ['Alarm', 'Priority', 'Active since', 'Hours'],
    k.stale.map((s) => [s.alarm_id, s.priority, s.active_since, String(s.active_hours)]), [200, 60, 150, 60]);
  const d = r.detail;
  const statsTitle = d
    ? `Sensor statistics (${d.sensors === 'active' ? 'sensors with alarms or anomalies' : 'sensors in scope'}${d.sensors_omitted ? `; ${d.sensors_omitted} more not shown` : ''}; percentiles estimated from ${d.rollups === '1m' ? '1-minute' : 'hourly'} rollups)`
    : 'Sensor statistics (percentiles estimated from 1-minute or hourly rollups)';
  table(doc, statsTitle, ['Sensor', 'Unit', 'Samples', 'Mean', 'Std', 'Min', 'Max', 'P5', 'P50', 'P95'],
    r.sensor_stats.map((s) => [s.sensor_id, s.unit, String(s.samples), num(s.mean), num(s.std), num(s.min), num(s.max), num(s.p05), num(s.p50), num(s.p95)]),
    [95, 40, 50, 48, 45, 43, 43, 43, 43, 43]);

  doc.end();
  return done;
}

/** `2026-01-01 06:00 UTC` from an ISO string. */
function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function num(x: number | null): string {
  if (x === null) return '-';
  return Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(4)).toString();
}

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function section(doc: Doc, title: string): void {
  ensureRoom(doc, 40);
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(12).fillColor('black').text(title, doc.page.margins.left);
  doc.moveDown(0.3);
}

function keyValues(doc: Doc, rows: Array<[string, string]>): void {
  const x = doc.page.margins.left;
  for (const [k, v] of rows) {
    ensureRoom(doc, 14);
    const y = doc.y;
    doc.font('Helvetica').fontSize(10).fillColor(GREY).text(k, x, y, { width: 330 });
    doc.font('Helvetica-Bold').fillColor('black').text(v, x + 340, y, { width: 160 });
    doc.x = x;
    doc.y = Math.max(doc.y, y + 14);
  }
}

function table(doc: Doc, title: string, header: string[], rows: string[][], widths: number[]): void {
  section(doc, title);
  if (!rows.length) {
    doc.font('Helvetica').fontSize(10).fillColor(GREY).text('None.');
    return;
  }
  const x0 = doc.page.margins.left;
  const line = (cells: string[], bold: boolean) => {
    ensureRoom(doc, 14);
    const y = doc.y;
    let x = x0;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9).fillColor(bold ? 'black' : '#222222');
    cells.forEach((c, i) => {
      doc.text(c, x, y, { width: widths[i] - 4, lineBreak: false, ellipsis: true });
      x += widths[i];
    });
    doc.moveTo(x0, y + 12).lineTo(x, y + 12).lineWidth(0.5).strokeColor(LIGHT).stroke();
    doc.x = x0;
    doc.y = y + 14;
  };
  line(header, true);
  for (const r of rows) line(r, false);
}

/** Bar chart with a y axis (0 to the maximum) and the first / last bucket times under it. */
function trendChart(doc: Doc, counts: number[], firstLabel: string, lastLabel: string): void {
  const width = 480;
  const height = 140;
  ensureRoom(doc, height + 40);
  const x0 = doc.page.margins.left + 30;
  const y0 = doc.y;
  const max = Math.max(1, ...counts);
  doc.lineWidth(0.5).strokeColor(GREY).moveTo(x0, y0).lineTo(x0, y0 + height).lineTo(x0 + width, y0 + height).stroke();
  for (const frac of [0.5, 1]) {
    const y = y0 + height - frac * height;
    doc.strokeColor(LIGHT).moveTo(x0, y).lineTo(x0 + width, y).stroke();
    doc.font('Helvetica').fontSize(8).fillColor(GREY).text(String(Math.round(frac * max * 10) / 10), x0 - 28, y - 4, { width: 24, align: 'right' });
  }
  const slot = width / Math.max(1, counts.length);
  counts.forEach((c, i) => {
    if (!c) return;
    const h = (c / max) * height;
    doc.rect(x0 + i * slot + slot * 0.1, y0 + height - h, Math.max(0.5, slot * 0.8), h).fill(BAR);
  });
  doc.font('Helvetica').fontSize(8).fillColor(GREY);
  doc.text(firstLabel, x0, y0 + height + 4, { width: 200 });
  doc.text(lastLabel, x0 + width - 200, y0 + height + 4, { width: 200, align: 'right' });
  doc.x = doc.page.margins.left;
  doc.y = y0 + height + 20;
}
