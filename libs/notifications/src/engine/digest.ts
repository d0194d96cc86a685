import type { AlarmDto, AlarmPriorityName, AnomalyReport } from '@idm/contracts';

const RANK: Record<AlarmPriorityName, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export interface DigestInput {
  name: string;
  timeZone: string;
  since: number;
  until: number;
  report: AnomalyReport;
  /** Alarms in scope still waiting for an acknowledgement (see `waitingForAck`). */
  unacknowledged: AlarmDto[];
  /** Tag descriptions by sensor id: e-mails name tags, never internal alarm ids. */
  descriptions?: ReadonlyMap<string, string>;
  /** The subscription's first digest: it is sent while anything waits for an acknowledgement. */
  first?: boolean;
  /** Base URL of IDM for links. */
  publicUrl: string;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
  /** Nothing happened in the period (no alarm raised, no anomaly episode). */
  empty: boolean;
}

export function formatInZone(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * Alarms an operator still has to acknowledge: shelved and out-of-service alarms are set aside on purpose
 * and wait for nobody until they come back.
 */
export function waitingForAck(alarms: AlarmDto[]): AlarmDto[] {
  return alarms.filter((a) => !a.acknowledged && a.state !== 'normal' && a.state !== 'shelved' && a.state !== 'out_of_service');
}

/** "P06_PT01 (Feed pump outlet pressure)": the tag name with its description when it has one. */
export function tagLabel(sourceId: string, descriptions?: ReadonlyMap<string, string>): string {
  const d = descriptions?.get(sourceId);
  return d ? `${sourceId} (${d})` : sourceId;
}

function localTime(iso: string | null, timeZone: string): string {
  return iso ? formatInZone(Date.parse(iso), timeZone) : 'n/a';
}

function duration(s: number | null): string {
  if (s === null) return 'n/a';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/**
 * The digest a supervisor reads at shift change (pure): what happened since the last one (counts by
 * priority, KPIs against their targets), the worst alarms, and what still waits for an acknowledgement.
 */
export function composeDigest(d: DigestInput): ComposedMail {
  const r = d.report;
  const t = r.totals;
  const byP = Object.fromEntries(r.alarms_by_priority.map((c) => [c.key, c.count])) as Record<AlarmPriorityName, number>;
  const empty = t.alarms === 0 && t.anomalies === 0 && !(d.first && d.unacknowledged.length > 0);
  const period = `${formatInZone(d.since, d.timeZone)} to ${formatInZone(d.until, d.timeZone)} (${d.timeZone})`;
  const subject = t.alarms === 0
    ? `[IDM] ${d.name}: no alarms, ${d.unacknowledged.length} unacknowledged`
    : `[IDM] ${d.name}: ${t.alarms} alarm${t.alarms === 1 ? '' : 's'} (${byP.critical ?? 0} critical), ${d.unacknowledged.length} unacknowledged`;
  const worst = [...r.bad_actors].sort((a, b) => RANK[a.priority] - RANK[b.priority] || b.activations - a.activations).slice(0, 5);
  const unack = [...d.unacknowledged].sort((a, b) => RANK[a.priority] - RANK[b.priority] || (a.raised_at ?? '').localeCompare(b.raised_at ?? '')).slice(0, 20);
  const k = r.kpis;
  const unackLine = (a: AlarmDto) => `${a.message}${describe(a, d.descriptions)} (since ${localTime(a.raised_at, d.timeZone)})`;

  const summary: Array<[string, string]> = [
    ['Alarms raised', String(t.alarms)],
    ['Critical / high / medium / low', `${byP.critical ?? 0} / ${byP.high ?? 0} / ${byP.medium ?? 0} / ${byP.low ?? 0}`],
    ['Anomaly episodes', String(t.anomalies)],
    ['Unacknowledged now', String(d.unacknowledged.length)],
    ['Mean time to acknowledge', duration(t.mtta_s)],
    ['Mean time to return to normal', duration(t.mttr_s)],
    ['Alarms per 10 minutes (target about 1)', String(k.avg_alarms_per_10min)],
    ['Time in flood', `${k.flood_pct} % of 10-minute periods`],
    ['Chattering alarms', String(k.chattering.length)],
    ['Stale alarms (24 h+)', String(k.stale.length)],
  ];

  const text = [
    `IDM digest "${d.name}"`,
    period,
    '',
    ...summary.map(([a, b]) => `${a}: ${b}`),
    '',
    'Worst alarms:',
    ...(worst.length ? worst.map((w) => `  - [${w.priority}] ${tagLabel(w.source_id, d.descriptions)} ${w.condition}: ${w.activations} activation(s), ${duration(w.time_in_alarm_s)} in alarm`) : ['  none']),
    '',
    'Waiting for acknowledgement:',
    ...(unack.length ? unack.map((a) => `  - [${a.priority}] ${unackLine(a)}`) : ['  none']),
    ...(d.unacknowledged.length > unack.length ? [`  ... and ${d.unacknowledged.length - unack.length} more`] : []),
    '',
    `Open IDM: ${d.publicUrl}`,
  ].join('\n');

  const cell = 'style="padding:4px 8px;border-bottom:1px solid #ddd"';
  const html = [
    '<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;color:#222;background:#f4f4f4">',
    `<h2 style="margin:0 0 4px">IDM digest: ${escapeHtml(d.name)}</h2>`,
    `<p style="color:#555;margin:0 0 12px">${escapeHtml(period)}</p>`,
    `<table style="border-collapse:collapse;background:#fff">${summary.map(([a, b]) => `<tr><td ${cell}>${escapeHtml(a)}</td><td ${cell}><b>${escapeHtml(b)}</b></td></tr>`).join('')}</table>`,
    '<h3>Worst alarms</h3>',
    worst.length
      ? `<table style="border-collapse:collapse;background:#fff"><tr><th ${cell}>Priority</th><th ${cell}>Alarm</th><th ${cell}>Activations</th><th ${cell}>In alarm</th></tr>${worst
          .map((w) => `<tr><td ${cell}>${escapeHtml(w.priority)}</td><td ${cell}>${escapeHtml(`${tagLabel(w.source_id, d.descriptions)} ${w.condition}`)}</td><td ${cell}>${w.activations}</td><td ${cell}>${escapeHtml(duration(w.time_in_alarm_s))}</td></tr>`)
          .join('')}</table>`
      : '<p>None.</p>',
    '<h3>Waiting for acknowledgement</h3>',
    unack.length
      ? `<ul>${unack.map((a) => `<li><b>${escapeHtml(a.priority)}</b> ${escapeHtml(`${a.message}${describe(a, d.descriptions)}`)} <span style="color:#555">(since ${escapeHtml(localTime(a.raised_at, d.timeZone))})</span></li>`).join('')}</ul>`
      : '<p>None.</p>',
    `<p><a href="${escapeHtml(d.publicUrl)}">Open IDM</a></p>`,
    '</body></html>',
  ].join('\n');

  return { subject, text, html, empty };
}

/** " — Feed pump outlet pressure" after an alarm's message when its source has a name the message does not say. */
function describe(a: AlarmDto, descriptions?: ReadonlyMap<string, string>): string {
  const d = descriptions?.get(a.source_id);
  return d && !a.message.includes(d) ? ` — ${d}` : '';
}

/** The immediate e-mail for critical alarms raised since the last one (one alarm or a group). */
export function composeCriticalAlert(name: string, alarms: AlarmDto[], timeZone: string, publicUrl: string, descriptions?: ReadonlyMap<string, string>): ComposedMail {
  const n = alarms.length;
  const subject = n === 1 ? `[IDM] CRITICAL alarm: ${alarms[0].message}` : `[IDM] ${n} CRITICAL alarms raised (${name})`;
  const line = (a: AlarmDto) => `${a.raised_at ? formatInZone(Date.parse(a.raised_at), timeZone) : ''} ${a.message}${describe(a, descriptions)}`.trim();
  const text = [`${n} critical alarm${n === 1 ? '' : 's'} raised:`, ...alarms.map((a) => `  - ${line(a)}`), '', `Open IDM: ${publicUrl}`].join('\n');
  const html = `<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif"><h2 style="color:#b00020">${n} critical alarm${n === 1 ? '' : 's'} raised</h2><ul>${alarms
    .map((a) => `<li>${escapeHtml(line(a))}</li>`)
    .join('')}</ul><p><a href="${escapeHtml(publicUrl)}">Open IDM</a></p></body></html>`;
  return { subject, text, html, empty: n === 0 };
}
