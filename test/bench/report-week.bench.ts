import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { AlarmsService, DAY_VIEW_DAYS } from '@idm/alarms';
import { DAY_VIEWS_COLLECTION, HistorianService, HistoryService, PACKS_COLLECTION, RollupDayViews, toStoredPack } from '@idm/historian';
import type { RollupPackDoc } from '@idm/historian';
import { mapLimited } from '@idm/core';
import { ReportsService } from '@idm/reports';
import { dropDatabase, startTestApp } from '../support/app';
import { authHeader, registerAndLogin } from '../support/auth';
import { mongoUriFor } from '../support/services';
import type { Benchmark, BenchRow } from './harness';
import { percentile } from './harness';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const DB = 'idm_bench_report_week';

/** Deterministic pseudo-random numbers (Park–Miller). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/**
 * The stored history of a plant over a week: `sensors` tags sampled at 1 Hz kept as the historian keeps them
 * (one day pack of 24 hourly rollups per sensor and day), 500 alarms over those tags and `auditEntries` alarm
 * events (raise / acknowledge / clear) in the legacy `alarm_audit` shape, written before IDM starts. Day packs
 * in the historian's layout (buckets as one JSON text), or with `legacyPacks` as written before it (buckets
 * as subdocuments; still read). The other layout goes to `<packs>_other`, to time both reads in one run.
 */
async function seed(uri: string, sensors: number, auditEntries: number, from: number, to: number, legacyPacks: boolean): Promise<void> {
  const client = await MongoClient.connect(uri);
  try {
    const db = client.db();
    const packs = [];
    const rand = lcg(7);
    for (let s = 0; s < sensors; s++) {
      for (let d = Math.floor(from / DAY) * DAY; d < to; d += DAY) {
        const items = [];
        for (let h = 0; h < 24; h++) {
          const mean = 50 + s + 5 * Math.sin((d + h * HOUR) / DAY);
          const sd = 1 + (s % 5);
          items.push({ t: d + h * HOUR, count: 3600, sum: 3600 * mean, sum_sq: 3600 * (mean * mean + sd * sd) + 3599 * 0, min: mean - 3 * sd - rand(), max: mean + 3 * sd + rand(), first: mean, last: mean, anomaly_count: h % 7 === 0 ? 3 : 0 });
        }
        const full = items.map((i) => ({ ...i, first_t: i.t, last_t: i.t + HOUR - 1000 }));
        packs.push({ _id: `wk${s}|1h|${d}`, sensor_id: `wk${s}`, resolution: '1h', start: new Date(d), count: 86_400, sum: items.reduce((a, i) => a + i.sum, 0), sum_sq: items.reduce((a, i) => a + i.sum_sq, 0), min: Math.min(...items.map((i) => i.min)), max: Math.max(...items.map((i) => i.max)), first: items[0].first, last: items[23].last, first_t: d, last_t: d + DAY - 1000, anomaly_count: 0, items: full } satisfies RollupPackDoc);
      }
    }
    const stored = packs.map((p) => toStoredPack(p));
    const [used, other] = legacyPacks ? [packs, stored] : [stored, packs];
    for (let i = 0; i < packs.length; i += 500) {
      await db.collection(PACKS_COLLECTION).insertMany(used.slice(i, i + 500) as never[], { ordered: false });
      await db.collection(`${PACKS_COLLECTION}_other`).insertMany(other.slice(i, i + 500) as never[], { ordered: false });
    }
    const alarms = [];
    const audit = [];
    const perAlarm = Math.ceil(auditEntries / 3 / 500);
    for (let a = 0; a < 500; a++) {
      const sensor = `wk${a % sensors}`;
      const id = `sensor:${sensor}|c${a}`;
      alarms.push({ _id: id, source_type: 'sensor', source_id: sensor, sensor_id: sensor, condition: `c${a}`, message: `${sensor} c${a}`, priority: (['critical', 'high', 'medium', 'low'] as const)[a % 4], state: 'normal', condition_active: false, condition_since: null, active: false, acked: true, raised_at: null, cleared_at: null, acked_at: null, acked_by: null, shelved_until: null, shelved_by: null, shelve_reason: null, last_value: null, activation_count: perAlarm, anomaly_ids: [], in_flood: false, updated_at: to });
      for (let k = 0; k < perAlarm && audit.length < auditEntries; k++) {
        const t = from + Math.floor(rand() * (to - from - 700_000));
        const common = { alarm_id: id, source_type: 'sensor', source_id: sensor, sensor_id: sensor, condition: `c${a}`, area: 'bench', priority: alarms[a].priority, message: `${sensor} c${a}`, comment: null };
        audit.push({ ...common, kind: 'raised', from: 'normal', to: 'unack_active', at: t, by: null });
        audit.push({ ...common, kind: 'acknowledged', from: 'unack_active', to: 'ack_active', at: t + 30_000, by: 'op' });
        audit.push({ ...common, kind: 'cleared', from: 'ack_active', to: 'normal', at: t + 600_000, by: null });
      }
    }
    await db.collection('alarms').insertMany(alarms as never[]);
    for (let i = 0; i < audit.length; i += 2000) await db.collection('alarm_audit').insertMany(audit.slice(i, i + 2000), { ordered: false });
  } finally {
    await client.close();
  }
}

async function timed(n: number, fn: () => Promise<number>): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    bytes = await fn();
    ms.push(performance.now() - s);
  }
  return { ms, bytes };
}

/**
 * A 7-day PDF report of a plant of BENCH_REPORT_SENSORS tags (default 144: the demo's 6 PLCs × 24 tags) at
 * 1 Hz with BENCH_REPORT_AUDIT alarm events (default 50 000), through `GET /reports/anomalies` end to end.
 */
export const reportWeekBench: Benchmark = {
  name: 'report-week',
  description: '7-day PDF report end to end (GET /reports/anomalies?format=pdf): 144 tags at 1 Hz (hourly rollups), 500 alarms, 50 000 alarm events',
  async run(ctx) {
    const sensors = Number(process.env.BENCH_REPORT_SENSORS ?? 144);
    const auditEntries = Number(process.env.BENCH_REPORT_AUDIT ?? 50_000);
    const runs = Number(process.env.BENCH_REPORT_RUNS ?? 5);
    const legacyPacks = process.env.BENCH_REPORT_PACKS === 'legacy';
    const to = Math.floor(Date.now() / HOUR) * HOUR - 2 * DAY;
    const from = to - 7 * DAY;
    const uri = mongoUriFor(DB);
    await dropDatabase(uri);
    const started = Date.now();
    await seed(uri, sensors, auditEntries, from, to, legacyPacks);
    ctx.log(`report-week: ${sensors} sensors × 8 day packs (${legacyPacks ? 'legacy layout: buckets as subdocuments' : 'buckets as one JSON text'}), ${auditEntries} alarm events stored in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const t = await startTestApp(DB, { KEEP_DB: '1', DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-report-')), QUEUE_PREFIX: `idm-bench-report-${Date.now()}`, MODBUS_POLLING: '0', LOG_LEVEL: 'error', HISTORIAN_MAX_PAST_DAYS: '30' });
    const rows: BenchRow[] = [];
    try {
      const token = (await registerAndLogin(t.url, { username: 'bench.admin' })).access_token;
      // The historian knows a sensor once it has a sample: one each, now.
      const now = Date.now();
      await t.app.get(HistorianService).accept(Array.from({ length: sensors }, (_, s) => ({ sensor_id: `wk${s}`, timestamp: now, value: 50, quality: 'good' as const, source: 'rest' as const })));
      await t.app.get(HistorianService).drain(false);
      // The views of the days' hourly rollups written at start-up knew no sensor yet: written again now (hourly otherwise).
      const viewStarted = Date.now();
      const rollupViews = await t.app.get(RollupDayViews).runOnce();
      ctx.log(`report-week: ${rollupViews} day views of hourly rollups written in ${((Date.now() - viewStarted) / 1000).toFixed(1)} s`);
      const range = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
      const get = async (format: string) => {
        const res = await fetch(`${t.url}/reports/anomalies?${range}&format=${format}`, { headers: authHeader(token) });
        const buf = Buffer.from(await res.arrayBuffer());
        if (res.status !== 200) throw new Error(`report answered ${res.status}: ${buf.toString()}`);
        return buf.length;
      };
      // IDM copies the stored alarm events into time-keyed segments at start-up (once): wait for it.
      const client = await MongoClient.connect(uri);
      try {
        const meta = client.db().collection<{ _id: string; migrated?: boolean }>('alarm_audit_segments');
        const deadline = Date.now() + 600_000;
        while (!(await meta.findOne({ _id: 'meta' }))?.migrated && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
        ctx.log(`report-week: alarm events in segments after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        // Then the writer writes the report views of the days that are over (the week's 8 days among them).
        const views = client.db().collection('alarm_audit_days');
        while ((await views.countDocuments({})) < DAY_VIEW_DAYS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
        ctx.log(`report-week: ${await views.countDocuments({})} day views of alarm events after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        // The journal's 8 h page: before, a filtered, sorted find on the per-event documents (a scan on FerretDB).
        const jFrom = to - 8 * HOUR;
        const legacy = await timed(runs, async () => (await client.db().collection('alarm_audit').find({ at: { $gte: jFrom, $lt: to } }).sort({ at: -1, _id: -1 }).limit(50_001).toArray()).length);
        const journal = await timed(runs, async () => {
          const res = await fetch(`${t.url}/alarms/journal?from=${new Date(jFrom).toISOString()}&to=${new Date(to).toISOString()}&limit=100`, { headers: authHeader(token) });
          if (res.status !== 200) throw new Error(`journal answered ${res.status}`);
          return ((await res.json()) as { total: number }).total;
        });
        const old = percentile(legacy.ms, 50);
        const now50 = percentile(journal.ms, 50);
        rows.push({ benchmark: 'report-week', case: `GET /alarms/journal 8 h page over ${auditEntries} alarm events: p50`, value: now50, unit: 'ms', baseline: old, ratio: old / now50, notes: `${journal.bytes} events in range; baseline: the range find on alarm_audit alone (the old read)` });
        const rFrom = from;
        const legacyWeek = await timed(Math.min(runs, 3), async () => (await client.db().collection('alarm_audit').find({ at: { $gte: rFrom, $lt: to } }, { projection: { alarm_id: 1, kind: 1, from: 1, to: 1, at: 1 } }).toArray()).length);
        rows.push({ benchmark: 'report-week', case: `report's 7-day alarm-event read, old path (range find on alarm_audit): p50`, value: percentile(legacyWeek.ms, 50), unit: 'ms', notes: `${legacyWeek.bytes} events` });
      } finally {
        await client.close();
      }
      await get('json'); // warm-up
      // Before / after in the same run, alternated: the days' views (of alarm events and of hourly rollups) taken
      // away (the report reads the hour segments and day packs, as before the views) and put back.
      const viewsClient = await MongoClient.connect(uri);
      const viewCollections = await Promise.all(['alarm_audit_days', DAY_VIEWS_COLLECTION].map(async (name) => {
        const col = viewsClient.db().collection(name);
        return { col, saved: await col.find({}).toArray() };
      }));
      const useViews = async (on: boolean) => {
        for (const { col, saved } of viewCollections) {
          await col.deleteMany({});
          if (on && saved.length) await col.insertMany(saved);
        }
      };
      const alternated = async (fn: () => Promise<number>) => {
        const on = { ms: [] as number[], bytes: 0 };
        const off = { ms: [] as number[], bytes: 0 };
        for (let i = 0; i < runs; i++) {
          for (const [flag, into] of (i % 2 ? [[false, off], [true, on]] : [[true, on], [false, off]]) as Array<[boolean, typeof on]>) {
            await useViews(flag);
            const r = await timed(1, fn);
            into.ms.push(r.ms[0]);
            into.bytes = r.bytes;
          }
        }
        await useViews(true);
        return { on, off };
      };
      const pdf = await alternated(() => get('pdf'));
      const pdfOn = percentile(pdf.on.ms, 50);
      const pdfOff = percentile(pdf.off.ms, 50);
      rows.push({ benchmark: 'report-week', case: `7-day PDF, ${sensors} tags, ${auditEntries} alarm events: p50`, value: pdfOn, unit: 'ms', baseline: pdfOff, ratio: pdfOff / pdfOn, notes: `max ${Math.round(Math.max(...pdf.on.ms))} ms over ${runs}; ${Math.round(pdf.on.bytes / 1024)} KiB; goal < 2 000 ms; baseline: without the day views (max ${Math.round(Math.max(...pdf.off.ms))} ms), alternated; load ${os.loadavg()[0].toFixed(1)}` });
      const json = await timed(runs, () => get('json'));
      rows.push({ benchmark: 'report-week', case: `7-day JSON (no rendering): p50`, value: percentile(json.ms, 50), unit: 'ms' });
      // Where the time goes: the report's reads one by one (in-process, as ReportsService makes them).
      const alarmsService = t.app.get(AlarmsService);
      const history = t.app.get(HistoryService);
      const events = await alternated(async () => (await alarmsService.auditBetween(from, to)).length);
      const sensorIds = Array.from({ length: sensors }, (_, s) => `wk${s}`);
      const rollupRead = await alternated(async () => (await history.rollupsOf(sensorIds, '1h', from, to)).flat().length);
      await viewsClient.close();
      rows.push({ benchmark: 'report-week', case: `  of which hourly rollups of ${sensors} sensors from day views: p50`, value: percentile(rollupRead.on.ms, 50), unit: 'ms', baseline: percentile(rollupRead.off.ms, 50), ratio: percentile(rollupRead.off.ms, 50) / percentile(rollupRead.on.ms, 50), notes: `${rollupRead.on.bytes} items; baseline: from the day packs by _id (no views), alternated` });
      rows.push({ benchmark: 'report-week', case: '  of which the week\'s alarm events from day views: p50', value: percentile(events.on.ms, 50), unit: 'ms', baseline: percentile(events.off.ms, 50), ratio: percentile(events.off.ms, 50) / percentile(events.on.ms, 50), notes: `${events.on.bytes} items; baseline: from the hour segments (no views), alternated` });
      const part = async (name: string, fn: () => Promise<number>) => {
        const r = await timed(runs, fn);
        rows.push({ benchmark: 'report-week', case: `  of which ${name}: p50`, value: percentile(r.ms, 50), unit: 'ms', notes: `${r.bytes} items` });
      };
      await part('stored alarms (500 documents)', async () => (await alarmsService.listStored()).length);
      const reports = t.app.get(ReportsService);
      const req = { from, to, scope: {} };
      await part('building the report (reads and statistics)', async () => (await reports.build(req)).sensor_stats.length);
      const built = await reports.build(req);
      await part('rendering the built report as PDF', async () => (await reports.render(built, 'pdf')).content.length);
      // The day packs' decoding by the database, both layouts in this run: the same 1 152 documents by `_id`.
      const ids: string[] = [];
      for (let s = 0; s < sensors; s++) for (let d = Math.floor(from / DAY) * DAY; d < to; d += DAY) ids.push(`wk${s}|1h|${d}`);
      const raw = await MongoClient.connect(uri);
      try {
        const read = (name: string) => async () => (await mapLimited(ids, 16, (id) => raw.db().collection(name).findOne({ _id: id as never }))).filter(Boolean).length;
        const [newName, oldName] = legacyPacks ? [`${PACKS_COLLECTION}_other`, PACKS_COLLECTION] : [PACKS_COLLECTION, `${PACKS_COLLECTION}_other`];
        await part(`${ids.length} day packs by _id, buckets as one JSON text (driver only)`, read(newName));
        await part(`${ids.length} day packs by _id, buckets as subdocuments, the old layout (driver only)`, read(oldName));
      } finally {
        await raw.close();
      }
    } finally {
      await t.close();
    }
    return rows;
  },
};
