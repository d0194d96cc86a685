import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Queue } from 'bullmq';
import type { Connection } from 'mongoose';
import { DomainEvents } from '@idm/core';
import { HistorianService } from '@idm/historian';
import { startTestApp, TestApp, scrapeMetrics } from './support/app';
import { authHeader, clearLoginThrottle, loginAllRoles } from './support/auth';
import { PYTHON } from './support/python';
import { ROOT, serviceEnv } from './support/services';

/** A response's JSON body (tests read it loosely). */
async function body(r: Response | Promise<Response>): Promise<any> {
  return (await r).json();
}


const DB = 'idm_test_notifications';
const DIGEST_QUEUE = 'notification-digests';
const MAIL_QUEUE = 'notification-mail';
const RUN = Date.now().toString(36);

interface MaildevMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  date: string;
  to: Array<{ address: string }>;
  attachments?: Array<{ fileName?: string; generatedFileName?: string; contentType: string; length?: number }>;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30000, stepMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn();
  while (!ok(last) && Date.now() < deadline) {
    await sleep(stepMs);
    last = await fn();
  }
  return last;
}

/** E-mails the SMTP sink received for one address (its REST API). */
async function mailsTo(webUrl: string, address: string): Promise<MaildevMail[]> {
  const res = await fetch(`${webUrl}/email`);
  const all = (await body(res)) as MaildevMail[];
  return all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Our own maildev (the shared one must stay up), started and stopped by this test. */
async function startMaildev(smtp: number, web: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'maildev', 'bin', 'maildev'), '--smtp', String(smtp), '--web', String(web), '--ip', '127.0.0.1', '--silent'], { stdio: 'ignore' });
  await eventually(
    () => fetch(`http://127.0.0.1:${web}/email`).then((r) => r.ok, () => false),
    (ok) => ok,
    15000,
  );
  return child;
}

function call(t: TestApp, method: string, url: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${t.url}${url}`, { method, headers: authHeader(token), body: body === undefined ? undefined : JSON.stringify(body) });
}

function raiseCritical(t: TestApp, sensors: string[], severity: 'critical' | 'high' = 'critical'): void {
  const events = t.app.get(DomainEvents);
  for (const s of sensors) {
    events.emit('anomaly.opened', { anomaly_id: `${s}-${RUN}`, sensor_id: s, anomaly_type: 'limit', severity, score: 0.99, timestamp: Date.now(), end_timestamp: null, value: 120 });
  }
}

/** The wall-clock fields of `ms` in a time zone. */
function localParts(ms: number, timeZone: string): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(ms));
  return Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
}

describe('notifications: digests, schedules and critical alerts through real Redis and a real SMTP server', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  const prefix = `${DB}_${RUN}`;
  const webUrl = serviceEnv().SMTP_WEB_URL ?? 'http://127.0.0.1:1080';

  beforeAll(async () => {
    await clearLoginThrottle(DB);
    t = await startTestApp(DB, { QUEUE_PREFIX: prefix, NOTIFY_CRITICAL_GROUP_SECONDS: '20', ALARM_ON_DELAY_MS: '0' });
    tokens = await loginAllRoles(t.url);
  });
  afterAll(async () => {
    for (const name of [DIGEST_QUEUE, MAIL_QUEUE, 'reports']) await t?.app.get<Queue>(getQueueToken(name)).obliterate({ force: true }).catch(() => undefined);
    await t?.close();
  });

  it('sends a digest with the expected subject, counts and PDF attachment, and nothing when nothing happened', async () => {
    const to = `digest-${RUN}@plant.example`;
    const created = await call(t, 'POST', '/notifications/subscriptions', tokens.supervisor, {
      name: 'Digest test', recipients: [to], cron: '0 6 * * *', time_zone: 'Europe/Paris', format: 'pdf', scope: { sensor_ids: ['dg1', 'dg2', 'dg3', 'dg4', 'dg5'] },
    });
    expect(created.status).toBe(201);
    const sub = await body(created);
    expect(sub).toMatchObject({ owner: 'supervisor.test', enabled: true, send_empty: false, last_sent_at: null });

    // Nothing happened yet: no e-mail.
    const skipped = await body(call(t, 'POST', '/notifications/send', tokens.supervisor, { kind: 'digest', subscription_id: sub.id }));
    expect(skipped).toEqual({ delivery_ids: [], skipped_reason: expect.stringContaining('nothing happened') });

    raiseCritical(t, ['dg1', 'dg2', 'dg3']);
    raiseCritical(t, ['dg4', 'dg5'], 'high');
    await eventually(async (): Promise<any[]> => body(call(t, 'GET', '/alarms', tokens.supervisor)), (l) => l.filter((a) => a.sensor_id?.startsWith('dg')).length === 5);
    // The list is served from memory as soon as an alarm changes; the digest's report reads the stored
    // alarms and audit trail, which are written just behind (audit first, then the alarm): wait for them.
    const stored = t.app.get<Connection>(getConnectionToken()).collection('alarms');
    const dg = { sensor_id: { $in: ['dg1', 'dg2', 'dg3', 'dg4', 'dg5'] }, state: 'unack_active' };
    expect(await eventually(() => stored.countDocuments(dg), (n) => n === 5)).toBe(5);

    const sent = await call(t, 'POST', '/notifications/send', tokens.supervisor, { kind: 'digest', subscription_id: sub.id });
    expect(sent.status).toBe(202);
    const { delivery_ids } = await body(sent);
    expect(delivery_ids).toHaveLength(1);
    const mails = await eventually(() => mailsTo(webUrl, to), (m) => m.length > 0);
    expect(mails).toHaveLength(1);
    const m = mails[0];
    expect(m.subject).toBe('[IDM] Digest test: 5 alarms (3 critical), 5 unacknowledged');
    expect(m.text).toContain('Alarms raised: 5');
    expect(m.text).toContain('Critical / high / medium / low: 3 / 2 / 0 / 0');
    expect(m.html).toContain('IDM digest: Digest test');
    // Worst alarms (critical first) and the alarms still waiting for an acknowledgement.
    const worst = m.text.slice(m.text.indexOf('Worst alarms:'), m.text.indexOf('Waiting for acknowledgement:'));
    expect(worst).toMatch(/\[critical\] dg[123] limit/);
    expect(m.text).not.toContain('sensor:');
    expect(worst.indexOf('[critical]')).toBeLessThan(worst.indexOf('[high]'));
    const waiting = m.text.slice(m.text.indexOf('Waiting for acknowledgement:'));
    for (const s of ['dg1', 'dg2', 'dg3', 'dg4', 'dg5']) expect(waiting).toContain(`${s}: limit`);
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments![0].contentType).toBe('application/pdf');
    const delivery = await eventually(async () => body(call(t, 'GET', `/notifications/deliveries/${delivery_ids[0]}`, tokens.supervisor)), (d: any) => d.status === 'sent');
    expect(delivery).toMatchObject({ status: 'sent', attempts: 1, kind: 'digest', subscription_id: sub.id, last_error: null });
    const after = await body(call(t, 'GET', `/notifications/subscriptions/${sub.id}`, tokens.supervisor));
    expect(after.last_sent_at).not.toBeNull();
  });

  it("a new subscription's first digest lists what still waits for an acknowledgement, in local time, without shelved alarms", async () => {
    // Raised before the subscription exists: its period has no alarm, but two still wait, one is shelved.
    raiseCritical(t, ['fd1', 'fd2', 'fd3']);
    const stored = t.app.get<Connection>(getConnectionToken()).collection('alarms');
    await eventually(() => stored.countDocuments({ sensor_id: { $in: ['fd1', 'fd2', 'fd3'] }, state: 'unack_active' }), (n) => n === 3);
    const list: any[] = await body(call(t, 'GET', '/alarms', tokens.supervisor));
    const shelvedId = list.find((a) => a.sensor_id === 'fd3').id;
    expect((await call(t, 'POST', `/alarms/${encodeURIComponent(shelvedId)}/shelve`, tokens.operator, { duration_minutes: 60, reason: 'maintenance' })).status).toBe(200);
    await eventually(() => stored.countDocuments({ sensor_id: 'fd3', state: 'shelved' }), (n) => n === 1);
    const raisedAt = Date.parse(list.find((a) => a.sensor_id === 'fd1').raised_at);

    const to = `first-${RUN}@plant.example`;
    const sub = await body(call(t, 'POST', '/notifications/subscriptions', tokens.supervisor, {
      name: 'First digest', recipients: [to], cron: '0 6 * * *', time_zone: 'Asia/Tokyo', format: 'none', scope: { sensor_ids: ['fd1', 'fd2', 'fd3'] },
    }));
    // A digest covers at least the last second: let the raises fall before the subscription's period.
    await sleep(1100);
    const sent = await body(call(t, 'POST', '/notifications/send', tokens.supervisor, { kind: 'digest', subscription_id: sub.id }));
    expect(sent.delivery_ids).toHaveLength(1);
    const [m] = await eventually(() => mailsTo(webUrl, to), (l) => l.length > 0);
    expect(m.subject).toBe('[IDM] First digest: no alarms, 2 unacknowledged');
    const waiting = m.text.slice(m.text.indexOf('Waiting for acknowledgement:'));
    expect(waiting).toContain('fd1: limit');
    expect(waiting).toContain('fd2: limit');
    expect(waiting).not.toContain('fd3');
    // Tokyo wall-clock time of the raise, not the UTC ISO stamp.
    const tokyo = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(raisedAt));
    expect(waiting).toContain(`(since ${new Date(raisedAt + 9 * 3_600_000).toISOString().slice(0, 10)} ${tokyo})`);
    expect(m.text + m.html).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}Z/);
    expect(m.text + m.html).not.toContain('sensor:');
  });

  it("attaches a report that fits the digest's period: a shift's active sensors at minute detail, a week's every sensor at hourly detail", async () => {
    const sensors = Array.from({ length: 60 }, (_, i) => `ad${i}`);
    const historian = t.app.get(HistorianService);
    const now = Date.now();
    await historian.accept(sensors.flatMap((s, i) => Array.from({ length: 20 }, (_, k) => ({ sensor_id: s, timestamp: now - 20 * 60_000 + k * 60_000, value: 10 + i + (k % 3), quality: 'good' as const, source: 'rest' as const }))));
    await historian.drain(false);
    const subs: Record<string, any> = {};
    for (const [key, format] of [['shiftCsv', 'csv'], ['weekCsv', 'csv'], ['shiftPdf', 'pdf'], ['weekPdf', 'pdf']] as const) {
      subs[key] = await body(call(t, 'POST', '/notifications/subscriptions', tokens.supervisor, { name: `Fit ${key}`, recipients: [`${key}-${RUN}@plant.example`], cron: '0 6 * * *', time_zone: 'UTC', format, scope: { sensor_ids: sensors } }));
    }
    // The weekly ones last sent (almost) a week ago; the shift ones were just made.
    const subsCol = t.app.get<Connection>(getConnectionToken()).collection('notification_subscriptions');
    for (const key of ['weekCsv', 'weekPdf']) await subsCol.updateOne({ _id: subs[key].id }, { $set: { last_sent_at: Date.now() - 7 * 86_400_000 + 10 * 60_000 } });
    // Alarms in both periods on three of the sixty sensors.
    raiseCritical(t, ['ad0', 'ad1', 'ad2']);
    const stored = t.app.get<Connection>(getConnectionToken()).collection('alarms');
    await eventually(() => stored.countDocuments({ sensor_id: { $in: ['ad0', 'ad1', 'ad2'] }, state: 'unack_active' }), (n) => n === 3);
    await sleep(1100);

    const attachment = async (key: string): Promise<Buffer> => {
      expect((await body(call(t, 'POST', '/notifications/send', tokens.supervisor, { kind: 'digest', subscription_id: subs[key].id }))).delivery_ids).toHaveLength(1);
      const [m] = await eventually(() => mailsTo(webUrl, `${key}-${RUN}@plant.example`), (l) => l.length > 0 && (l[0].attachments?.length ?? 0) > 0);
      const a = m.attachments![0];
      const res = await fetch(`${webUrl}/email/${m.id}/attachment/${encodeURIComponent(a.generatedFileName ?? a.fileName ?? '')}`);
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    /** Data rows of a titled CSV section (the report's CSV: title, header, rows, blank line). */
    const section = (csv: string, title: string): string[][] => {
      const lines = csv.split('\r\n');
      const at = lines.indexOf(title);
      expect(at).toBeGreaterThanOrEqual(0);
      const rows: string[][] = [];
      for (let i = at + 2; i < lines.length && lines[i] !== ''; i++) rows.push(lines[i].split(','));
      return rows;
    };
    const shift = (await attachment('shiftCsv')).toString('utf8');
    const week = (await attachment('weekCsv')).toString('utf8');
    // A shift: the three sensors with alarms, from minute rollups; the other 57 are counted, not listed.
    expect(section(shift, 'Sensor statistics').map((r) => r[0]).sort()).toEqual(['ad0', 'ad1', 'ad2']);
    expect(section(shift, 'Detail (cut to fit the period)')).toEqual([['active', '1m', '57', '0']]);
    expect(section(shift, 'Alarm trend').length).toBeLessThanOrEqual(48);
    // A week: every sensor in scope, from hourly rollups (never minute data), a trend of 3-hour buckets.
    const weekStats = section(week, 'Sensor statistics');
    expect(weekStats).toHaveLength(60);
    expect(weekStats.find((r) => r[0] === 'ad7')?.[2]).toBe('20');
    expect(section(week, 'Detail (cut to fit the period)')).toEqual([['all', '1h', '0', '0']]);
    const trend = section(week, 'Alarm trend');
    expect(trend).toHaveLength(56);
    expect(Date.parse(trend[1][0]) - Date.parse(trend[0][0])).toBe(3 * 3_600_000);

    const pages = (pdf: Buffer): number => {
      const r = spawnSync(PYTHON, [path.join(__dirname, 'support', 'py', 'pdf_text.py')], { input: pdf, timeout: 30000 });
      if (r.status !== 0) throw new Error(`pdf_text.py failed: ${r.stderr?.toString()}`);
      return JSON.parse(r.stdout.toString()).pages;
    };
    const shiftPdf = await attachment('shiftPdf');
    const weekPdf = await attachment('weekPdf');
    // A shift's PDF stays at two pages; a week's grows with its sixty statistics rows.
    expect(pages(shiftPdf)).toBeLessThanOrEqual(2);
    expect(pages(weekPdf)).toBeGreaterThanOrEqual(3);
    expect(weekPdf.length).toBeGreaterThan(shiftPdf.length);
  });

  it('fires the schedule at the right time in the subscription time zone', async () => {
    const to = `schedule-${RUN}@plant.example`;
    const zone = 'Asia/Kolkata'; // UTC+05:30: a schedule read in UTC would fire hours away
    const target = Math.ceil((Date.now() + 6000) / 1000) * 1000;
    const p = localParts(target, zone);
    const cron = `${p.second} ${p.minute} ${p.hour} * * *`;
    const res = await call(t, 'POST', '/notifications/subscriptions', tokens.supervisor, {
      name: 'Schedule test', recipients: [to], cron, time_zone: zone, format: 'csv', send_empty: true, scope: { sensor_ids: ['nothing-here'] },
    });
    const sub = await body(res);
    expect(res.status).toBe(201);
    expect(sub.next_run_at).toBe(new Date(target).toISOString());
    const mails = await eventually(() => mailsTo(webUrl, to), (m) => m.length > 0, 20000);
    expect(mails[0].subject).toBe('[IDM] Schedule test: no alarms, 0 unacknowledged');
    expect(mails[0].attachments?.[0].contentType).toContain('text/csv');
    const log: any[] = await body(call(t, 'GET', '/notifications/deliveries', tokens.supervisor));
    const entry = log.find((d) => d.subscription_id === sub.id);
    const at = Date.parse(entry.created_at);
    expect(at).toBeGreaterThanOrEqual(target);
    expect(at).toBeLessThan(target + 3000);
    await call(t, 'DELETE', `/notifications/subscriptions/${sub.id}`, tokens.supervisor);
  });

  it('reschedules on edit, removes on delete, and keeps and reconciles schedules across a restart', async () => {
    const queue = () => t.app.get<Queue>(getQueueToken(DIGEST_QUEUE));
    const scheduled = async () => (await queue().getJobSchedulers(0, -1)).map((j) => j.key);
    const res = await call(t, 'POST', '/notifications/subscriptions', tokens.supervisor, { name: 'Weekly', recipients: ['w@plant.example'], cron: '0 7 * * 1', time_zone: 'Europe/Paris' });
    const sub = await body(res);
    expect((await queue().getJobScheduler(`digest:${sub.id}`))?.pattern).toBe('0 7 * * 1');

    const edited = await body(call(t, 'PATCH', `/notifications/subscriptions/${sub.id}`, tokens.supervisor, { cron: '0 22 * * *', time_zone: 'America/New_York' }));
    expect((await queue().getJobScheduler(`digest:${sub.id}`))?.pattern).toBe('0 22 * * *');
    expect(localParts(Date.parse(edited.next_run_at), 'America/New_York')).toMatchObject({ hour: 22, minute: 0, second: 0 });

    const bad = await call(t, 'PATCH', `/notifications/subscriptions/${sub.id}`, tokens.supervisor, { time_zone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect((await body(bad)).details[0]).toMatchObject({ field: 'time_zone' });

    // Another supervisor's subscription is invisible to an operator-level user and to other supervisors.
    expect((await call(t, 'GET', '/notifications/subscriptions', tokens.operator)).status).toBe(403);
    const forOther = await call(t, 'POST', '/notifications/subscriptions', tokens.supervisor, { name: 'x', recipients: ['x@plant.example'], cron: '0 6 * * *', owner: 'admin.test' });
    expect(forOther.status).toBe(403);
    const byAdmin = await call(t, 'POST', '/notifications/subscriptions', tokens.admin, { name: 'for sup', recipients: ['x@plant.example'], cron: '0 6 * * *', owner: 'supervisor.test' });
    expect((await body(byAdmin)).owner).toBe('supervisor.test');

    const gone = await body(call(t, 'POST', '/notifications/subscriptions', tokens.supervisor, { name: 'Gone', recipients: ['g@plant.example'], cron: '0 5 * * *' }));
    expect(await scheduled()).toContain(`digest:${gone.id}`);
    expect((await call(t, 'DELETE', `/notifications/subscriptions/${gone.id}`, tokens.supervisor)).status).toBe(204);
    expect(await scheduled()).not.toContain(`digest:${gone.id}`);

    // An orphan scheduler (its subscription deleted while IDM was down) is removed at start.
    await queue().upsertJobScheduler('digest:orphan', { pattern: '0 0 1 1 *' }, { name: 'digest', data: { subscription_id: 'orphan' } });
    expect(await scheduled()).toContain('digest:orphan');
    await t.close();
    t = await startTestApp(DB, { QUEUE_PREFIX: prefix, NOTIFY_CRITICAL_GROUP_SECONDS: '20', KEEP_DB: '1' });
    const again = await body(call(t, 'GET', `/notifications/subscriptions/${sub.id}`, tokens.supervisor));
    expect(again.cron).toBe('0 22 * * *');
    expect(again.next_run_at).toBe(edited.next_run_at);
    expect((await queue().getJobScheduler(`digest:${sub.id}`))?.pattern).toBe('0 22 * * *');
    // Start-up waits for the reconciliation only a few seconds (Redis may be away), then lets it finish
    // in the background: poll for its outcome.
    const reconciled = await eventually(scheduled, (keys) => keys.includes(`digest:${sub.id}`) && !keys.includes('digest:orphan'));
    expect(reconciled).toContain(`digest:${sub.id}`);
    expect(reconciled).not.toContain('digest:orphan');
    // An unscoped subscription covers the whole plant; nothing was raised since it was made, but alarms of
    // the tests before still wait for an acknowledgement: its first digest lists them, the next is skipped.
    const first = await body(call(t, 'POST', '/notifications/send', tokens.supervisor, { kind: 'digest', subscription_id: sub.id }));
    expect(first.delivery_ids).toHaveLength(1);
    const now = await body(call(t, 'POST', '/notifications/send', tokens.supervisor, { kind: 'digest', subscription_id: sub.id }));
    expect(now).toEqual({ delivery_ids: [], skipped_reason: expect.stringContaining('nothing happened') });
    await call(t, 'DELETE', `/notifications/subscriptions/${sub.id}`, tokens.supervisor);
  });

  it('turns a flood of critical alarms into one grouped message', async () => {
    const to = `flood-${RUN}@plant.example`;
    const sensors = Array.from({ length: 40 }, (_, i) => `fl${i}`);
    const res = await call(t, 'POST', '/notifications/subscriptions', tokens.supervisor, {
      name: 'Critical', recipients: [to], cron: '0 6 * * *', critical_immediate: true, scope: { sensor_ids: sensors },
    });
    expect(res.status).toBe(201);
    raiseCritical(t, sensors.slice(0, 25));
    await sleep(200);
    raiseCritical(t, sensors.slice(25));
    const mails = await eventually(() => mailsTo(webUrl, to), (m) => m.length > 0, 20000);
    // Give a second message the chance to show up if grouping were broken.
    await sleep(3000);
    const all = await mailsTo(webUrl, to);
    expect(all).toHaveLength(1);
    expect(mails[0].subject).toBe('[IDM] 40 CRITICAL alarms raised (Critical)');
    // Each alarm by its tag's message, never by its internal id.
    for (const s of sensors) expect(all[0].text).toContain(`${s}: limit`);
    expect(all[0].text).not.toContain('sensor:');
  });
});

describe('notifications: an SMTP outage is retried until the server returns', () => {
  let t: TestApp;
  let smtp: ChildProcess | null = null;
  const smtpPort = { value: 0 };
  const webPort = { value: 0 };

  beforeAll(async () => {
    await clearLoginThrottle(`${DB}_outage`);
    smtpPort.value = await freePort();
    webPort.value = await freePort();
    t = await startTestApp(`${DB}_outage`, { QUEUE_PREFIX: `${DB}_outage_${RUN}`, SMTP_PORT: String(smtpPort.value), MAIL_BACKOFF_MS: '300', MAIL_ATTEMPTS: '12' });
  });
  afterAll(async () => {
    for (const name of [DIGEST_QUEUE, MAIL_QUEUE, 'reports']) await t?.app.get<Queue>(getQueueToken(name)).obliterate({ force: true }).catch(() => undefined);
    await t?.close();
    smtp?.kill();
  });

  it('logs failed attempts, counts them in /metrics, and delivers once the SMTP server is back', async () => {
    const tokens = await loginAllRoles(t.url);
    const to = `outage-${RUN}@plant.example`;
    const res = await call(t, 'POST', '/notifications/send', tokens.supervisor, { kind: 'message', recipients: [to], subject: 'Boiler 2 inspection', text: 'Please check boiler 2 before the night shift.' });
    expect(res.status).toBe(202);
    const [id] = (await body(res)).delivery_ids;

    const retrying = await eventually(async () => body(call(t, 'GET', `/notifications/deliveries/${id}`, tokens.supervisor)), (d: any) => d.attempts >= 2, 20000);
    expect(retrying.status).toBe('retrying');
    expect(retrying.last_error).toMatch(/ECONNREFUSED/);
    const metrics = await scrapeMetrics(t.url);
    const failed = /idm_mail_failures_total\{[^}]*kind="message"[^}]*final="false"[^}]*\} (\d+)/.exec(metrics);
    expect(Number(failed?.[1])).toBeGreaterThanOrEqual(2);

    smtp = await startMaildev(smtpPort.value, webPort.value);
    const delivered = await eventually(async () => body(call(t, 'GET', `/notifications/deliveries/${id}`, tokens.supervisor)), (d: any) => d.status === 'sent', 30000);
    expect(delivered.attempts).toBeGreaterThanOrEqual(3);
    expect(delivered.sent_at).not.toBeNull();
    const log: any[] = await body(call(t, 'GET', '/notifications/deliveries', tokens.supervisor));
    expect(log.find((d) => d.id === id)).toMatchObject({ kind: 'message', requested_by: 'supervisor.test', status: 'sent' });
    const mails = await mailsTo(`http://127.0.0.1:${webPort.value}`, to);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Boiler 2 inspection');
    expect(mails[0].text).toContain('Please check boiler 2');
  });
});

describe('notifications: a message the SMTP server never takes is logged as failed with the reason', () => {
  let t: TestApp;

  beforeAll(async () => {
    await clearLoginThrottle(`${DB}_fail`);
    t = await startTestApp(`${DB}_fail`, { QUEUE_PREFIX: `${DB}_fail_${RUN}`, SMTP_PORT: String(await freePort()), MAIL_BACKOFF_MS: '50', MAIL_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    for (const name of [DIGEST_QUEUE, MAIL_QUEUE, 'reports']) await t?.app.get<Queue>(getQueueToken(name)).obliterate({ force: true }).catch(() => undefined);
    await t?.close();
  });

  it('gives up after the configured attempts and counts the final failure in /metrics', async () => {
    const tokens = await loginAllRoles(t.url);
    const res = await call(t, 'POST', '/notifications/send', tokens.admin, { kind: 'message', recipients: ['nobody@plant.example'], subject: 'Never delivered', text: 'x' });
    const [id] = (await body(res)).delivery_ids;
    const failed = await eventually(() => body(call(t, 'GET', `/notifications/deliveries/${id}`, tokens.admin)), (d: any) => d.status === 'failed', 20000);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, sent_at: null, requested_by: 'admin.test' });
    expect(failed.last_error).toMatch(/ECONNREFUSED/);
    const metrics = await scrapeMetrics(t.url);
    expect(Number(/idm_mail_failures_total\{[^}]*final="true"[^}]*kind="message"[^}]*\} (\d+)|idm_mail_failures_total\{[^}]*kind="message"[^}]*final="true"[^}]*\} (\d+)/.exec(metrics)?.slice(1).find(Boolean))).toBe(1);
    // Another supervisor's view of the log does not include the admin's message.
    expect((await body(call(t, 'GET', '/notifications/deliveries', tokens.supervisor))).some((d: any) => d.id === id)).toBe(false);
  });
});
