import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Queue } from 'bullmq';
import type { Connection } from 'mongoose';
import { HistorianService } from '@idm/historian';
import { MongoClient } from 'mongodb';
import { dropDatabase, startTestApp, TestApp } from './support/app';
import { mongoUriFor } from './support/services';
import { authHeader, clearLoginThrottle, loginAllRoles } from './support/auth';
import { PYTHON } from './support/python';

/** A response's JSON body (tests read it loosely). */
async function body(r: Response | Promise<Response>): Promise<any> {
  return (await r).json();
}


const DB = 'idm_test_reports';
const MIN = 60_000;
const H = 3_600_000;
// A fixed past hour, aligned on the minute, so the figures do not depend on when the test runs.
const FROM = Date.UTC(2026, 5, 1, 8, 0, 0);
const TO = FROM + H;
const ACTIVE = new Set(['unack_active', 'ack_active']);

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Audit { alarm_id: string; kind: string; from: string; to: string; at: number; by: string | null; comment: string | null }
interface AlarmDoc { _id: string; priority: string; source_id: string; sensor_id: string; condition: string; state: string; active: boolean; raised_at: number | null; updated_at: number }

/** Random but consistent alarm histories (raise, maybe acknowledge, clear) at whole seconds, plus a flood burst. */
function generateAlarms(): { alarms: AlarmDoc[]; audit: Audit[] } {
  const rand = rng(42);
  const priorities = ['critical', 'high', 'medium', 'low'];
  const alarms: AlarmDoc[] = [];
  const audit: Audit[] = [];
  for (let i = 0; i < 24; i++) {
    const sensor = `s${i % 6}`;
    const id = `sensor:${sensor}|c${i}`;
    let state = 'normal';
    let raisedAt: number | null = null;
    // Some histories start two hours before the range, so alarms are already active at its start.
    let t = FROM - 2 * H + Math.floor(rand() * 600) * 1000;
    const move = (kind: string, to: string) => {
      audit.push({ alarm_id: id, kind, from: state, to, at: t, by: kind === 'acknowledged' ? 'op' : null, comment: null });
      state = to;
    };
    // A few alarms chatter: short gaps.
    const chatter = i % 8 === 0;
    while (t < TO + 10 * MIN) {
      move('raised', 'unack_active');
      raisedAt = t;
      const acks = rand() < 0.6;
      const ackAfter = Math.floor(rand() * 300 + 5) * 1000;
      const clearAfter = chatter ? Math.floor(rand() * 8 + 2) * 1000 : Math.floor(rand() * 1200 + 10) * 1000;
      if (acks && ackAfter < clearAfter) {
        t += ackAfter;
        move('acknowledged', 'ack_active');
        t += clearAfter - ackAfter;
        move('cleared', 'normal');
      } else {
        t += clearAfter;
        move('cleared', 'unack_rtn');
        if (acks) {
          t += ackAfter;
          move('acknowledged', 'normal');
        }
      }
      t += chatter ? Math.floor(rand() * 15 + 1) * 1000 : Math.floor(rand() * 1800 + 60) * 1000;
    }
    const last = audit.filter((a) => a.alarm_id === id).pop()!;
    alarms.push({ _id: id, priority: priorities[i % 4], source_id: sensor, sensor_id: sensor, condition: `c${i}`, state, active: ACTIVE.has(state), raised_at: raisedAt, updated_at: last.at });
  }
  // A flood: 12 different alarms raised within 4 minutes, never cleared.
  for (let j = 0; j < 12; j++) {
    const id = `sensor:f${j}|limit`;
    const at = FROM + 31 * MIN + j * 20_000;
    audit.push({ alarm_id: id, kind: 'raised', from: 'normal', to: 'unack_active', at, by: null, comment: null });
    alarms.push({ _id: id, priority: 'critical', source_id: `f${j}`, sensor_id: `f${j}`, condition: 'limit', state: 'unack_active', active: true, raised_at: at, updated_at: at });
  }
  return { alarms, audit };
}

/** Independent brute force over the stored documents: second-by-second activity, direct counting. */
function bruteForce(alarms: AlarmDoc[], audit: Audit[]) {
  const inRange = audit.filter((a) => a.kind === 'raised' && a.at >= FROM && a.at < TO);
  const prio = new Map(alarms.map((a) => [a._id, a.priority]));
  const byPriority: Record<string, number> = {};
  for (const r of inRange) byPriority[prio.get(r.alarm_id)!] = (byPriority[prio.get(r.alarm_id)!] ?? 0) + 1;
  let activeSeconds = 0;
  for (const a of alarms) {
    const evs = audit.filter((e) => e.alarm_id === a._id && e.at < TO).sort((x, y) => x.at - y.at);
    for (let t = FROM; t < TO; t += 1000) {
      const last = evs.filter((e) => e.at <= t).pop();
      if (last && ACTIVE.has(last.to)) activeSeconds += 1;
    }
  }
  const tta: number[] = [];
  const ttr: number[] = [];
  for (const r of inRange) {
    const later = audit.filter((e) => e.alarm_id === r.alarm_id && e.at >= r.at && e.at < TO).sort((x, y) => x.at - y.at);
    const nextRaise = later.find((e) => e.kind === 'raised' && e.at > r.at)?.at ?? Infinity;
    const ack = later.find((e) => e.kind === 'acknowledged' && e.at < nextRaise);
    const clear = later.find((e) => e.kind === 'cleared' && e.at < nextRaise);
    if (ack) tta.push((ack.at - r.at) / 1000);
    if (clear) ttr.push((clear.at - r.at) / 1000);
  }
  const periods = new Array(6).fill(0);
  for (const r of inRange) periods[Math.floor((r.at - FROM) / (10 * MIN))] += 1;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return { total: inRange.length, byPriority, activeSeconds, mtta: mean(tta), mttr: mean(ttr), periods };
}

interface Sample { sensor_id: string; timestamp: number; value: number }

/** Samples of a sensor every 5 s in [from, to). */
function samplesOf(sensor: string, base: number, spread: number, from: number, to: number, seed: number): Sample[] {
  const rand = rng(seed);
  const out: Sample[] = [];
  for (let t = from; t < to; t += 5000) out.push({ sensor_id: sensor, timestamp: t, value: Math.round((base + (rand() - 0.5) * 2 * spread + Math.sin(t / 600_000) * spread) * 1000) / 1000 });
  return out;
}

/** Stores samples through the real historian (not detection: the anomalies below are the test's own). */
async function storeSamples(t: TestApp, samples: Sample[], writeAll: boolean): Promise<void> {
  const historian = t.app.get(HistorianService);
  await historian.accept(samples.map((x) => ({ ...x, quality: 'good' as const, source: 'rest' as const })));
  // `accept` answers once the samples are durable in the journal; applying them to the open periods in
  // memory can come later on a busy machine (it waits at most APPLY_WAIT_MS). Reports read what is applied.
  await historian.drain(writeAll);
}

function stats(values: number[]) {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  return { n: values.length, mean, std, min: Math.min(...values), max: Math.max(...values) };
}

function pdfText(pdf: Buffer): { pages: number; title: string; text: string } {
  const r = spawnSync(PYTHON, [path.join(__dirname, 'support', 'py', 'pdf_text.py')], { input: pdf, timeout: 30000 });
  if (r.status !== 0) throw new Error(`pdf_text.py failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString());
}

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    last = await fn();
  }
  return last;
}

describe('reports: figures, formats and background jobs on the real database and Redis', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  const { alarms, audit } = generateAlarms();
  const samples = [...samplesOf('s0', 50, 5, FROM, TO, 7), ...samplesOf('s1', -3.5, 0.8, FROM, TO, 8)];
  const range = `from=${new Date(FROM).toISOString()}&to=${new Date(TO).toISOString()}`;

  beforeAll(async () => {
    await clearLoginThrottle(DB);
    // The alarm history is stored before IDM starts, as per-event audit documents (the shape written before
    // time-keyed segments): IDM copies them into segments at start-up, and reports read them either way.
    const uri = mongoUriFor(DB);
    await dropDatabase(uri);
    const client = await MongoClient.connect(uri);
    try {
      await client.db().collection('alarm_audit').insertMany(audit.map((a) => ({ ...a })));
    } finally {
      await client.close();
    }
    t = await startTestApp(DB, { KEEP_DB: '1', QUEUE_PREFIX: `${DB}_${Date.now()}`, REPORT_RETENTION_SECONDS: '3', REPORT_CLEANUP_EVERY_SECONDS: '1' });
    tokens = await loginAllRoles(t.url);
    const conn = t.app.get<Connection>(getConnectionToken());
    await conn.collection('alarms').insertMany(alarms as any[]);
    // A past hour, written and packed by the historian.
    await storeSamples(t, samples, true);
    await conn.collection('anomalies').insertMany([
      { sensor_id: 's0', anomaly_type: 'spike', timestamp: new Date(FROM + 5 * MIN), resolved: true, score: 0.9, severity: 'high' },
      { sensor_id: 's0', anomaly_type: 'drift', timestamp: new Date(FROM + 50 * MIN), resolved: false, score: 0.7, severity: 'medium' },
      { sensor_id: 's1', anomaly_type: 'spike', timestamp: new Date(FROM - 5 * MIN), resolved: true, score: 0.9, severity: 'high' },
    ]);
  });
  afterAll(async () => {
    await t?.app.get<Queue>(getQueueToken('reports')).obliterate({ force: true }).catch(() => undefined);
    await t?.close();
  });

  it('agrees with a brute-force computation over the stored alarms, audit trail and samples', async () => {
    const res = await fetch(`${t.url}/reports/anomalies?${range}`, { headers: authHeader(tokens.supervisor) });
    expect(res.status).toBe(200);
    const r = await body(res);
    const b = bruteForce(alarms, audit);
    expect(b.total).toBeGreaterThan(30);
    expect(r.totals.alarms).toBe(b.total);
    for (const p of ['critical', 'high', 'medium', 'low']) expect(r.alarms_by_priority.find((c: any) => c.key === p).count).toBe(b.byPriority[p] ?? 0);
    expect(r.totals.time_in_alarm_s).toBeCloseTo(b.activeSeconds, 3);
    expect(r.totals.mtta_s).toBeCloseTo(b.mtta, 2);
    expect(r.totals.mttr_s).toBeCloseTo(b.mttr, 2);
    expect(r.kpis.periods_10min).toBe(6);
    expect(r.kpis.avg_alarms_per_10min).toBeCloseTo(b.total / 6, 2);
    expect(r.kpis.periods_in_flood).toBe(b.periods.filter((c: number) => c > 10).length);
    expect(r.kpis.periods_in_flood).toBeGreaterThanOrEqual(1);
    expect(r.kpis.peak_10min).toBe(Math.max(...b.periods));
    expect(r.kpis.chattering.length).toBeGreaterThan(0);
    expect(r.trend.points.reduce((s: number, p: any) => s + p.count, 0)).toBe(b.total);
    expect(r.totals.anomalies).toBe(2);
    expect(r.anomalies_by_type).toEqual([{ key: 'drift', count: 1 }, { key: 'spike', count: 1 }]);

    for (const sensor of ['s0', 's1']) {
      const b = stats(samples.filter((s) => s.sensor_id === sensor).map((s) => s.value));
      const row = r.sensor_stats.find((x: any) => x.sensor_id === sensor);
      expect(row.samples).toBe(b.n);
      expect(row.mean).toBeCloseTo(b.mean, 5);
      expect(row.std).toBeCloseTo(b.std, 4);
      expect(row.min).toBe(b.min);
      expect(row.max).toBe(b.max);
      // Percentiles are estimated from the 1-minute rollups (each bucket's mean, spread, min and max; documented on
      // SensorStatsRow): close to the raw samples' percentiles (NumPy's linear method), not those of the minute means.
      const sorted = samples.filter((x) => x.sensor_id === sensor).map((x) => x.value).sort((x, y) => x - y);
      const q = (p: number) => {
        const pos = (sorted.length - 1) * p;
        return sorted[Math.floor(pos)] + (sorted[Math.ceil(pos)] - sorted[Math.floor(pos)]) * (pos - Math.floor(pos));
      };
      for (const [p, got] of [[0.05, row.p05], [0.5, row.p50], [0.95, row.p95]] as const) {
        expect(Math.abs(got - q(p))).toBeLessThan(0.1 * b.std);
      }
      expect(row.p05).toBeLessThan(row.p95);
    }
  });

  it('includes the hour the historian has not written yet (still open in memory)', async () => {
    const now = Date.now();
    const hour = Math.floor(now / H) * H;
    const from = hour - H;
    const to = Math.floor(now / MIN) * MIN;
    const recent = samplesOf('r0', 20, 2, from, to, 9);
    await storeSamples(t, recent, false);
    const r = await body(fetch(`${t.url}/reports/anomalies?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&sensor_ids=r0`, { headers: authHeader(tokens.supervisor) }));
    const b = stats(recent.map((s) => s.value));
    expect(r.sensor_stats).toHaveLength(1);
    expect(r.sensor_stats[0].samples).toBe(b.n);
    expect(r.sensor_stats[0].mean).toBeCloseTo(b.mean, 5);
    expect(r.sensor_stats[0].std).toBeCloseTo(b.std, 4);
    expect(r.sensor_stats[0].max).toBe(b.max);
  });

  it('narrows to a scope: named sensors only', async () => {
    const res = await fetch(`${t.url}/reports/anomalies?${range}&sensor_ids=s0,s1`, { headers: authHeader(tokens.supervisor) });
    const r = await body(res);
    const ids = new Set(alarms.filter((a) => a.sensor_id === 's0' || a.sensor_id === 's1').map((a) => a._id));
    const expected = audit.filter((a) => a.kind === 'raised' && a.at >= FROM && a.at < TO && ids.has(a.alarm_id)).length;
    expect(r.totals.alarms).toBe(expected);
    expect(r.alarms_by_sensor.map((c: any) => c.key).sort()).toEqual(['s0', 's1']);
    expect(r.sensor_stats.map((s: any) => s.sensor_id)).toEqual(['s0', 's1']);
  });

  it('serves CSV with the totals and a PDF that parses and holds the title and totals', async () => {
    const csv = await fetch(`${t.url}/reports/anomalies?${range}&format=csv`, { headers: authHeader(tokens.supervisor) });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    const total = bruteForce(alarms, audit).total;
    expect(text).toContain(`alarms,${total}`);
    expect(text.split('\r\n')[0]).toBe('IDM anomaly and alarm report: all areas');

    const pdfRes = await fetch(`${t.url}/reports/anomalies?${range}&format=pdf`, { headers: authHeader(tokens.supervisor) });
    expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
    const pdf = pdfText(Buffer.from(await pdfRes.arrayBuffer()));
    expect(pdf.title).toBe('IDM anomaly and alarm report: all areas');
    expect(pdf.text).toContain('IDM anomaly and alarm report: all areas');
    expect(pdf.text).toMatch(new RegExp(`Alarms raised\\s*${total}\\b`));
    expect(pdf.text).toContain('Top 10 bad actors');
  });

  it('is for supervisors and above, and names bad fields', async () => {
    expect((await fetch(`${t.url}/reports/anomalies?${range}`, { headers: authHeader(tokens.operator) })).status).toBe(403);
    expect((await fetch(`${t.url}/reports/anomalies?${range}`, { headers: authHeader(tokens.admin) })).status).toBe(200);
    const bad = await fetch(`${t.url}/reports/anomalies?from=yesterday`, { headers: authHeader(tokens.supervisor) });
    expect(bad.status).toBe(400);
    expect((await body(bad)).details[0].field).toBe('from');
    const reversed = await fetch(`${t.url}/reports/anomalies?from=${new Date(TO).toISOString()}&to=${new Date(FROM).toISOString()}`, { headers: authHeader(tokens.supervisor) });
    expect(reversed.status).toBe(400);
  });

  it('runs a long report as a background job with progress and a download link, then deletes it when it expires', async () => {
    const created = await fetch(`${t.url}/reports/jobs`, {
      method: 'POST',
      headers: authHeader(tokens.supervisor),
      body: JSON.stringify({ from: new Date(FROM).toISOString(), to: new Date(TO).toISOString(), format: 'csv', scope: { sensor_ids: ['s0'] } }),
    });
    expect(created.status).toBe(202);
    const job = await body(created);
    expect(job).toMatchObject({ state: 'queued', format: 'csv', download_url: null });
    const done = await eventually(
      async () => body(fetch(`${t.url}/reports/jobs/${job.id}`, { headers: authHeader(tokens.supervisor) })),
      (j: any) => j.state === 'done',
    );
    expect(done).toMatchObject({ state: 'done', progress: 100, download_url: `/reports/jobs/${job.id}/download` });
    const file = await fetch(`${t.url}${done.download_url}`, { headers: authHeader(tokens.supervisor) });
    expect(file.status).toBe(200);
    expect(await file.text()).toContain('Sensor statistics');
    // Retention is 3 s and the clean-up runs every second in this suite.
    const gone = await eventually(
      async () => (await fetch(`${t.url}${done.download_url}`, { headers: authHeader(tokens.supervisor) })).status,
      (s) => s === 404,
      15000,
    );
    expect(gone).toBe(404);
  });
});
