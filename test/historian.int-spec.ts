import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { fromStoredPack, HistorianService, PACKS_COLLECTION, RAW_COLLECTION, rawId, RetentionScheduler } from '@idm/historian';
import type { LegacyPackDoc, StoredPackDoc } from '@idm/historian';
import type { PendingWrites } from '../libs/historian/src/engine/bucket-writer';
import { combine, summarize, type Summary } from '../libs/historian/src/engine/summary';
import { HistorianRepository } from '../libs/historian/src/historian.repository';
import { startTestApp, TestApp, scrapeMetrics } from './support/app';
import { authHeader, loginAllRoles } from './support/auth';

const MIN = 60_000;
const HOUR = 60 * MIN;

function env(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return { DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `idm-${name}-`)), QUEUE_PREFIX: `idm-test-${name}-${process.pid}`, HISTORIAN_IDLE_CLOSE_MS: '300', HISTORIAN_FLUSH_MS: '50', MODBUS_POLLING: '0', ...extra };
}

async function post(t: TestApp, token: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}/sensors/data`, { method: 'POST', headers: authHeader(token), body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function get(t: TestApp, token: string, p: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}${p}`, { headers: authHeader(token) });
  return { status: res.status, body: await res.json() };
}

/** Deterministic values with spikes, so min/max buckets are meaningful. */
function series(sensor: string, start: number, count: number, stepMs: number): Array<{ sensor_id: string; timestamp: number; value: number }> {
  return Array.from({ length: count }, (_, i) => ({
    sensor_id: sensor,
    timestamp: start + i * stepMs,
    value: Math.round((50 + 10 * Math.sin(i / 37) + (i % 97 === 0 ? 40 : 0) - (i % 131 === 0 ? 35 : 0)) * 1000) / 1000,
  }));
}

function bruteForce(samples: Array<{ timestamp: number; value: number }>, start: number, width: number, to: number) {
  const groups = new Map<number, number[]>();
  for (const s of samples) {
    if (s.timestamp < start || s.timestamp >= to) continue;
    const b = start + Math.floor((s.timestamp - start) / width) * width;
    groups.set(b, [...(groups.get(b) ?? []), s.value]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, count: v.length, min: Math.min(...v), max: Math.max(...v), mean: v.reduce((a, b) => a + b, 0) / v.length }));
}

describe('historian: POST /sensors/data, storage, rollups and history on FerretDB', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let historian: HistorianService;
  let conn: Connection;

  beforeAll(async () => {
    t = await startTestApp('idm_test_historian', env('historian'));
    tokens = await loginAllRoles(t.url);
    historian = t.app.get(HistorianService);
    conn = t.app.get(getConnectionToken());
  });
  afterAll(async () => t?.close());

  it('rejects a whole batch when one sample is bad, naming its index and field, and stores nothing', async () => {
    const now = Date.now();
    const samples = series('val-1', now - 10_000, 6, 1000);
    (samples[3] as any).value = 'NaN';
    const r = await post(t, tokens.operator, { samples });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('samples[3].value must be a finite number');
    expect(r.body.details).toEqual([{ field: 'samples[3].value', rule: 'isFinite', message: 'samples[3].value must be a finite number' }]);

    const bad = [
      { body: [{ sensor_id: 'val-1', timestamp: '2026-13-45', value: 1 }], field: '[0].timestamp' },
      { body: [{ sensor_id: 'val-1', timestamp: now, value: 1 }, { sensor_id: 'val|1', timestamp: now, value: 1 }], field: '[1].sensor_id' },
      { body: { sensor_id: 'val-1', timestamp: now + 3_600_000, value: 1 }, field: 'timestamp' },
      { body: { sensor_id: 'val-1', timestamp: now, value: 1, extra: true }, field: 'extra' },
      { body: { samples: [{ sensor_id: { $gt: '' }, timestamp: now, value: 1 }] }, field: 'samples[0].sensor_id' },
      { body: { samples: [] }, field: 'samples' },
    ];
    for (const b of bad) {
      const res = await post(t, tokens.operator, b.body);
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe(b.field);
    }
    const tooMany = await post(t, tokens.operator, Array.from({ length: 10_001 }, (_, i) => ({ sensor_id: 'val-1', timestamp: now - i, value: 1 })));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/at most 10000 samples/);

    await historian.drain(true);
    expect((await get(t, tokens.viewer, '/sensors')).body.map((s: any) => s.sensor_id)).not.toContain('val-1');
    expect((await get(t, tokens.viewer, '/sensors/val-1')).status).toBe(404);
    expect(await conn.collection('samples_raw').countDocuments({ sensor_id: 'val-1' })).toBe(0);
  });

  it('needs the operator role to post; accepts one object, an array or {samples}; lists unknown sensors as unregistered', async () => {
    const now = Date.now();
    expect((await post(t, tokens.viewer, { sensor_id: 'rest-1', timestamp: now, value: 1 })).status).toBe(403);
    const one = await post(t, tokens.operator, { sensor_id: 'rest-1', timestamp: new Date(now - 2000).toISOString(), value: 1.5 });
    expect(one).toEqual({ status: 202, body: { accepted: 1, unregistered: ['rest-1'] } });
    // A posted status is a hint only: detection (stage 10) decides it, as for polled samples.
    expect((await post(t, tokens.operator, [{ sensor_id: 'rest-1', timestamp: now - 1000, value: 2.5, status: 'anomaly' }])).status).toBe(202);
    const list = await get(t, tokens.viewer, '/sensors');
    const s = list.body.find((x: any) => x.sensor_id === 'rest-1');
    expect(s).toMatchObject({ registered: false, unit: null, latest: { value: 2.5, status: expect.stringMatching(/^(normal|anomaly)$/), quality: 'good', timestamp: new Date(now - 1000).toISOString() } });
    const detail = await get(t, tokens.viewer, '/sensors/rest-1');
    expect(detail.status).toBe(200);
    expect(detail.body.recent.map((x: any) => x.value)).toEqual([1.5, 2.5]);
  });

  it('stores a re-sent batch once: samples and rollups are not doubled', async () => {
    const start = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
    const samples = series('dup-1', start, 600, 1000); // 10 minutes at 1 Hz
    expect((await post(t, tokens.operator, { samples })).status).toBe(202);
    await historian.drain(true);
    expect((await post(t, tokens.operator, { samples })).status).toBe(202);
    expect((await post(t, tokens.operator, { samples: samples.slice(100, 200) })).status).toBe(202);
    await historian.drain(true);

    const csv = await (await fetch(`${t.url}/sensors/dup-1/export.csv?from=${start}&to=${start + HOUR}`, { headers: authHeader(tokens.viewer) })).text();
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('sensor_id,timestamp,value,status,quality');
    expect(lines).toHaveLength(601);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[1])).size).toBe(600);
    const minutes = await conn.collection('rollups').find({ sensor_id: 'dup-1', resolution: '1m' }).toArray();
    expect(minutes).toHaveLength(10);
    expect(minutes.reduce((n, d) => n + d.count, 0)).toBe(600);
    const hour = await conn.collection('rollups').findOne({ _id: `dup-1|1h|${start}` as any });
    expect(hour?.count).toBe(600);
  });

  it('answers history over raw samples and rollups like a brute force over the raw samples', async () => {
    const start = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
    const samples = series('hist-1', start, 3 * 3600 + 1234, 1000); // 3 h 20 min at 1 Hz
    for (let i = 0; i < samples.length; i += 5000) expect((await post(t, tokens.operator, { samples: samples.slice(i, i + 5000) })).status).toBe(202);
    const end = start + samples.length * 1000;

    const check = async (from: number, to: number, maxPoints: number, source: string) => {
      const r = await get(t, tokens.viewer, `/sensors/hist-1/history?from=${new Date(from).toISOString()}&to=${to}&max_points=${maxPoints}`);
      expect(r.status).toBe(200);
      expect(r.body.source).toBe(source);
      expect(r.body.buckets.length).toBeLessThanOrEqual(maxPoints);
      const expected = bruteForce(samples, from, r.body.bucket_ms, to);
      expect(r.body.buckets.map((b: any) => b.t)).toEqual(expected.map((e) => e.t));
      r.body.buckets.forEach((b: any, i: number) => {
        expect(b.count).toBe(expected[i].count);
        expect(b.min).toBe(expected[i].min);
        expect(b.max).toBe(expected[i].max);
        expect(b.mean).toBeCloseTo(expected[i].mean, 9);
      });
      return r.body;
    };
    // While the last minute/hour are still open in memory, and again once everything is written.
    for (const phase of ['open', 'written']) {
      if (phase === 'written') await historian.drain(true);
      await check(start, end, 100, '1m'); // 3 h 20 min: closed hours from packs, the last hour from memory or its pack
      await check(start, start + 4 * HOUR, 4, '1h');
      await check(start + 3 * HOUR, end, 1000, 'raw');
      expect((await check(start + 90 * MIN, start + 150 * MIN, 50, '1m')).buckets).toHaveLength(30);
      expect((await check(start + 90 * MIN + 7000, start + 100 * MIN, 50, 'raw')).buckets).toHaveLength(50);
    }
  });

  it('counts every sample once when a later batch is applied before the earlier one (two senders)', async () => {
    const day = Math.floor((Date.now() - 3 * 86_400_000) / 86_400_000) * 86_400_000;
    const samples = series('ooo-1', day + 20 * HOUR, 5 * 3600, 1000); // 20:00 to 01:00 next day
    const split = 2 * 3600 + 13 * 60 + 40; // 22:13:40: the batches split a minute and an hour
    expect((await post(t, tokens.operator, { samples: samples.slice(split) })).status).toBe(202);
    expect((await post(t, tokens.operator, { samples: samples.slice(0, split) })).status).toBe(202);
    await historian.drain(true);
    const r = await get(t, tokens.viewer, `/sensors/ooo-1/history?from=${day}&to=${day + 2 * 86_400_000}&max_points=10`);
    expect(r.body.source).toBe('1h');
    expect(r.body.buckets.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBe(samples.length);
    const stored = await conn.collection<StoredPackDoc>(PACKS_COLLECTION).findOne({ _id: `ooo-1|1h|${day}` });
    expect(typeof stored?.buckets).toBe('string'); // one JSON text, not subdocuments
    const dayPack = fromStoredPack(stored!);
    expect(dayPack.items.map((i) => (i.t - day) / HOUR)).toEqual([20, 21, 22, 23]);
    expect(dayPack.items.map((i) => i.count)).toEqual([3600, 3600, 3600, 3600]);
  });

  it('reads packs written before the JSON-text layout (buckets as subdocuments) in history and reports, and a late sample rewrites them without losing a bucket', async () => {
    const sensor = 'legacy-1';
    const day = Math.floor((Date.now() - 3 * 86_400_000) / 86_400_000) * 86_400_000;
    const H5 = day + 5 * HOUR;
    const M30 = H5 + 30 * MIN;
    const mean = (t: number) => 40 + ((t / MIN) % 17); // a different mean per minute / hour
    const summary = (t: number, count: number, width: number) => ({ count, sum: count * mean(t), sum_sq: count * (mean(t) ** 2 + 1), min: mean(t) - 2, max: mean(t) + 2, first: mean(t), last: mean(t), first_t: t, last_t: t + width - 1000, anomaly_count: t === M30 ? 1 : 0 });
    const combineItems = (items: Array<Summary & { t: number }>) => combine(items) as Summary;
    // As the historian stored them before: an hour pack of 60 minute subdocuments, a day pack of 24 hour ones,
    // the raw minute the late sample lands in.
    const minutes = Array.from({ length: 60 }, (_, k) => ({ t: H5 + k * MIN, ...summary(H5 + k * MIN, 60, MIN) }));
    const hours = Array.from({ length: 24 }, (_, h) => ({ t: day + h * HOUR, ...(h === 5 ? combineItems(minutes) : summary(day + h * HOUR, 3600, HOUR)) }));
    const legacy = (res: '1m' | '1h', start: number, items: typeof minutes): LegacyPackDoc => ({ _id: `${sensor}|${res}|${start}`, sensor_id: sensor, resolution: res, start: new Date(start), ...combineItems(items), items });
    await conn.collection<LegacyPackDoc>(PACKS_COLLECTION).insertMany([legacy('1m', H5, minutes), legacy('1h', day, hours)]);
    const raw = Array.from({ length: 60 }, (_, k) => ({ sensor_id: sensor, t: M30 + k * 1000, v: mean(M30), s: (k === 0 ? 'anomaly' : 'normal') as 'normal', q: 'good' as const }));
    await conn.collection(RAW_COLLECTION).insertOne({ _id: rawId(sensor, M30), sensor_id: sensor, start: new Date(M30), samples: raw.map(({ t, v, s, q }) => ({ t, v, s, q })), ...summarize(raw)! } as never);
    // The historian knows a sensor (and how far its stored history goes) from its samples: one now.
    expect((await post(t, tokens.operator, { sensor_id: sensor, timestamp: Date.now(), value: 1 })).status).toBe(202);

    const history = async (from: number, to: number, maxPoints: number) => (await get(t, tokens.viewer, `/sensors/${sensor}/history?from=${from}&to=${to}&max_points=${maxPoints}`)).body;
    const report = async () => (await get(t, tokens.supervisor, `/reports/anomalies?from=${new Date(day - 86_400_000).toISOString()}&to=${new Date(day + 2 * 86_400_000).toISOString()}&sensor_ids=${sensor}`)).body;
    const byDay = await history(day, day + 86_400_000, 24);
    expect(byDay.source).toBe('1h');
    expect(byDay.buckets.map((b: { t: number; count: number; mean: number }) => [b.t, b.count, b.mean])).toEqual(hours.map((h) => [h.t, h.count, h.sum / h.count]));
    const byMinute = await history(H5, H5 + HOUR, 60);
    expect(byMinute.source).toBe('1m');
    expect(byMinute.buckets.map((b: { t: number; count: number; anomaly_count: number }) => [b.t, b.count, b.anomaly_count])).toEqual(minutes.map((m) => [m.t, 60, m.anomaly_count]));
    const stats = (await report()).sensor_stats.find((r: { sensor_id: string }) => r.sensor_id === sensor);
    expect(stats).toMatchObject({ samples: 24 * 3600, anomalous_samples: 1, min: Math.min(...hours.map((h) => h.min)), max: Math.max(...hours.map((h) => h.max)) });
    expect(stats.mean).toBeCloseTo(hours.reduce((n, h) => n + h.sum, 0) / (24 * 3600), 9);

    // A late sample in that minute: minute, hour and day are merged with what is stored and rewritten.
    expect((await post(t, tokens.operator, { sensor_id: sensor, timestamp: M30 + 500, value: 99 })).status).toBe(202);
    await historian.drain(true);
    for (const [id, n] of [[`${sensor}|1m|${H5}`, 60], [`${sensor}|1h|${day}`, 24]] as const) {
      const doc = await conn.collection<StoredPackDoc & { items?: unknown }>(PACKS_COLLECTION).findOne({ _id: id });
      expect(doc).toMatchObject({ n, buckets: expect.any(String) });
      expect(doc?.items).toBeUndefined();
    }
    const after = await history(day, day + 86_400_000, 24);
    expect(after.buckets.map((b: { count: number }) => b.count)).toEqual(hours.map((h, i) => h.count + (i === 5 ? 1 : 0)));
    expect(after.buckets[5].max).toBe(99);
    expect(after.buckets.filter((_: unknown, i: number) => i !== 5)).toEqual(byDay.buckets.filter((_: unknown, i: number) => i !== 5));
    expect((await history(H5, H5 + HOUR, 60)).buckets.map((b: { count: number }) => b.count)).toEqual(minutes.map((m) => (m.t === M30 ? 61 : 60)));
    expect((await report()).sensor_stats.find((r: { sensor_id: string }) => r.sensor_id === sensor)).toMatchObject({ samples: 24 * 3600 + 1, max: 99 });
  });

  it('reports itself in /health and /metrics', async () => {
    const h = await get(t, tokens.viewer, '/health');
    expect(h.body.components.historian).toMatchObject({ status: 'up', journal_max_bytes: 1024 * 1024 * 1024 });
    const metrics = await scrapeMetrics(t.url);
    expect(metrics).toMatch(/^historian_journal_bytes\{[^}]*\} \d+/m);
    expect(metrics).toMatch(/^historian_samples_accepted_total\{[^}]*\} [1-9]\d*/m);
    expect(metrics).toMatch(/^historian_replay_records\{[^}]*\} 0/m);
  });

  it('replaces hundreds of stored documents in one write (one update command of 100+ statements hung FerretDB for good)', async () => {
    const repo = t.app.get(HistorianRepository);
    const t0 = Date.UTC(2026, 0, 1);
    const docs = (offset: number): PendingWrites['raw'] => {
      const raw: PendingWrites['raw'] = new Map();
      for (let i = 0; i < 250; i++) {
        const sample = { sensor_id: 'bulk-replace', t: t0 + i * MIN, v: i + offset, s: 'normal' as const, q: 'good' as const };
        const id = rawId(sample.sensor_id, sample.t);
        raw.set(id, { doc: { _id: id, sensor_id: sample.sensor_id, start: new Date(sample.t), samples: [{ t: sample.t, v: sample.v, s: sample.s, q: sample.q }], ...summarize([sample])! }, mayExist: true, seq: 0 });
      }
      return raw;
    };
    // The first write creates them (upserts); the second replaces 250 documents that exist: the case that hung.
    expect(await repo.write({ raw: docs(0), rollups: new Map(), packs: new Map() })).toBe(250);
    expect(await repo.write({ raw: docs(1000), rollups: new Map(), packs: new Map() })).toBe(250);
    const last = await conn.collection<{ _id: string; samples: Array<{ v: number }> }>('samples_raw').findOne({ _id: rawId('bulk-replace', t0 + 249 * MIN) });
    expect(last?.samples[0].v).toBe(1249);
  });
});

describe('historian: retention', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let conn: Connection;

  beforeAll(async () => {
    t = await startTestApp('idm_test_historian_retention', env('retention', { HISTORIAN_RAW_RETENTION_DAYS: '2', HISTORIAN_ROLLUP_RETENTION_DAYS: '4' }));
    tokens = await loginAllRoles(t.url);
    conn = t.app.get(getConnectionToken());
  });
  afterAll(async () => t?.close());

  it('deletes raw samples older than the raw retention and rollups older than the rollup retention, nothing newer', async () => {
    const now = Date.now();
    const day = 24 * HOUR;
    const at = (ago: number) => Math.floor((now - ago) / HOUR) * HOUR;
    for (const [sensor, start] of [['ret-old', at(6 * day)], ['ret-mid', at(3 * day)], ['ret-new', at(2 * HOUR)]] as const) {
      expect((await post(t, tokens.operator, { samples: series(sensor, start, 180, 1000) })).status).toBe(202);
    }
    await t.app.get(HistorianService).drain(true);
    const count = (col: string, sensor: string) => conn.collection(col).countDocuments({ sensor_id: sensor });
    expect(await count('samples_raw', 'ret-old')).toBe(3);
    expect(await count('rollups', 'ret-old')).toBe(4);

    const r = await t.app.get(RetentionScheduler).runNow();
    expect(r.raw_deleted).toBe(6);
    expect(await count('samples_raw', 'ret-old')).toBe(0);
    expect(await count('samples_raw', 'ret-mid')).toBe(0);
    expect(await count('samples_raw', 'ret-new')).toBe(3);
    expect(await count('rollups', 'ret-old')).toBe(0);
    expect(await count('rollups', 'ret-mid')).toBe(4); // 3 minutes + 1 hour
    expect(await count('rollups', 'ret-new')).toBe(4);
    expect(await count('rollup_packs', 'ret-mid')).toBe(2); // hour pack + day pack
  });
});
