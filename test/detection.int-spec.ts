import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { AnomalyCheckResponse, AnomalyEpisode, AnomalyEpisodeEvent, AnomalyHistoryPage, ErrorResponse, IngestedSample, Role } from '@idm/contracts';
import { DomainEvents } from '@idm/core';
import { Anomaly, DetectionService } from '@idm/detection';
import { IngestionService } from '@idm/ingestion';
import { gaussian } from '../libs/detection/src/engine/testing/signals';
import { startTestApp, TestApp } from './support/app';
import { authHeader, clearLoginThrottle, loginAllRoles } from './support/auth';

const db = 'idm_test_detection';
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);
/** Open episodes' stored end catches up this often (DETECTION_EPISODE_REFRESH_SECONDS). */
const REFRESH_SECONDS = 1;

/** A clean N(50, 1) minute-by-minute stream: 24 h of warm-up, then `extra` samples. */
function stream(sensorId: string, n: number, seed: number): IngestedSample[] {
  return gaussian(n, seed).map((value, i) => ({ sensor_id: sensorId, timestamp: T0 + i * MINUTE, value, quality: 'good', source: 'rest' }));
}

async function publishInBatches(ingestion: IngestionService, samples: IngestedSample[], size = 200): Promise<void> {
  for (let i = 0; i < samples.length; i += size) await ingestion.publish(samples.slice(i, i + size));
}

describe('detection: the ingestion stage, anomaly episodes, /anomalies/check and /anomalies/history', () => {
  let t: TestApp;
  let tokens: Record<Role, string>;
  let ingestion: IngestionService;
  const events: { name: string; e: AnomalyEpisodeEvent }[] = [];

  const get = async (path: string, token = tokens.viewer) => fetch(`${t.url}${path}`, { headers: authHeader(token) });
  const post = async (path: string, body: unknown, token = tokens.viewer) => fetch(`${t.url}${path}`, { method: 'POST', headers: authHeader(token), body: JSON.stringify(body) });

  beforeAll(async () => {
    await clearLoginThrottle(db);
    t = await startTestApp(db, { DETECTION_EPISODE_REFRESH_SECONDS: String(REFRESH_SECONDS) });
    tokens = await loginAllRoles(t.url);
    ingestion = t.app.get(IngestionService);
    const bus = t.app.get(DomainEvents);
    for (const name of ['anomaly.opened', 'anomaly.updated', 'anomaly.closed'] as const) bus.on(name, (e) => void events.push({ name, e }));
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('a fault in a published sample stream', () => {
    const sensor = 'TT-STUCK-1';
    const FAULT = 1600;
    let samples: IngestedSample[];

    beforeAll(async () => {
      // 1600 clean samples, then the transmitter freezes at its mean for 60 samples, then recovers.
      samples = stream(sensor, 1760, 11);
      for (let i = FAULT; i < FAULT + 60; i++) samples[i].value = 50;
      await publishInBatches(ingestion, samples);
    });

    it('becomes one stuck episode, opened and closed once, stored once', async () => {
      const mine = events.filter((x) => x.e.sensor_id === sensor);
      const names = mine.map((x) => x.name);
      expect(names[0]).toBe('anomaly.opened');
      expect(names[names.length - 1]).toBe('anomaly.closed');
      // In between, only severity rises of the same episode (a lengthening flat line gets worse).
      expect(names.slice(1, -1).every((n) => n === 'anomaly.updated')).toBe(true);
      expect(names.length).toBeLessThanOrEqual(5);
      const opened = mine[0].e;
      expect(new Set(mine.map((x) => x.e.anomaly_id))).toEqual(new Set([opened.anomaly_id]));
      expect(new Set(mine.map((x) => x.e.anomaly_type))).toEqual(new Set(['stuck']));
      // The flat line is judged after 10 unchanged samples.
      expect(opened.timestamp).toBe(T0 + (FAULT + 10) * MINUTE);
      expect(mine[mine.length - 1].e.end_timestamp).toBe(T0 + (FAULT + 59) * MINUTE);

      // Episode writes are queued behind ingestion (never holding it up): wait for the closing write.
      let page: AnomalyHistoryPage = { items: [] } as unknown as AnomalyHistoryPage;
      for (let tries = 0; tries < 50; tries++) {
        const res = await get(`/anomalies/history?sensor_id=${sensor}`);
        expect(res.status).toBe(200);
        page = (await res.json()) as AnomalyHistoryPage;
        if (page.items[0]?.end_timestamp === new Date(T0 + (FAULT + 59) * MINUTE).toISOString()) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({
        id: opened.anomaly_id,
        sensor_id: sensor,
        anomaly_type: 'stuck',
        // Closed, but not resolved: that waits for its alarm to be acknowledged (ISA-18.2).
        resolved: false,
        active: false,
        timestamp: new Date(T0 + (FAULT + 10) * MINUTE).toISOString(),
        end_timestamp: new Date(T0 + (FAULT + 59) * MINUTE).toISOString(),
        samples: 50,
      });
      expect(page.items[0].evidence.detail).toMatch(/unchanged for \d+ samples/);
    });

    it("marks each sample's status: anomaly only on the judged part of the fault", () => {
      const anomalous = samples.map((s, i) => (s.status === 'anomaly' ? i : -1)).filter((i) => i >= 0);
      expect(anomalous[0]).toBe(FAULT + 10);
      expect(anomalous[anomalous.length - 1]).toBe(FAULT + 59);
      expect(anomalous).toHaveLength(50);
      expect(samples.every((s) => s.status === 'normal' || s.status === 'anomaly')).toBe(true);
    });

    it('what-if with the live state flags a spike at once; a fresh detector is still learning', async () => {
      const at = T0 + 1760 * MINUTE;
      const body = { sensor_id: sensor, samples: [{ timestamp: at, value: 50.2 }, { timestamp: new Date(at + MINUTE).toISOString(), value: 80 }] };
      const live = (await (await post('/anomalies/check', { ...body, use_live_state: true })).json()) as AnomalyCheckResponse;
      expect(live.verdicts.map((v) => v.status)).toEqual(['normal', 'anomaly']);
      expect(live.verdicts[1]).toMatchObject({ anomaly_type: 'spike', timestamp: at + MINUTE, value: 80 });
      expect(live.verdicts[1].evidence!.expected_hi).toBeLessThan(60);
      expect(live.episodes).toHaveLength(1);
      expect(live.stored).toBe(false);
      const fresh = (await (await post('/anomalies/check', body)).json()) as AnomalyCheckResponse;
      expect(fresh.verdicts.map((v) => v.status)).toEqual(['learning', 'learning']);
      expect(fresh.samples_to_learn).toBeGreaterThan(0);
      // Nothing was stored, and the live detector did not move.
      const page = (await (await get(`/anomalies/history?sensor_id=${sensor}`)).json()) as AnomalyHistoryPage;
      expect(page.items).toHaveLength(1);
      expect(t.app.get(DetectionService).openEpisode(sensor)).toBeNull();
    });
  });

  describe('an episode that is still going on', () => {
    const sensor = 'TT-STUCK-LIVE';
    const FAULT = 1600;
    const all = stream(sensor, 1700, 23);
    for (let i = FAULT; i < FAULT + 60; i++) all[i].value = 50;
    const at = (i: number) => new Date(T0 + i * MINUTE).toISOString();
    const stored = async () => ((await (await get(`/anomalies/history?sensor_id=${sensor}`)).json()) as AnomalyHistoryPage).items;
    /** Polls the history until `ok` holds; returns the episodes and how long it took. */
    const until = async (ok: (items: AnomalyEpisode[]) => boolean, ms: number) => {
      const t0 = Date.now();
      let items = await stored();
      while (!ok(items) && Date.now() - t0 < ms) {
        await new Promise((r) => setTimeout(r, 50));
        items = await stored();
      }
      return { items, ms: Date.now() - t0 };
    };

    it('is active, its end and sample count catching up within the refresh period, then not active once closed', async () => {
      // Warm-up, then 41 samples of the frozen transmitter: judged after 10, so an episode of 31 samples so far
      // (its severity last rose on the 41st: a stuck score creeps slowly from there).
      await publishInBatches(ingestion, all.slice(0, FAULT + 41));
      const first = await until((items) => items[0]?.end_timestamp === at(FAULT + 40), 3000 + REFRESH_SECONDS * 1000);
      expect(first.items).toHaveLength(1);
      expect(first.items[0]).toMatchObject({ timestamp: at(FAULT + 10), end_timestamp: at(FAULT + 40), samples: 31, active: true, resolved: false });
      // Active episodes overlap any range after their start, so the trend of the last minutes finds it.
      const later = encodeURIComponent(at(FAULT + 45));
      expect(((await (await get(`/anomalies/history?sensor_id=${sensor}&from=${later}`)).json()) as AnomalyHistoryPage).items.map((e) => e.id)).toEqual([first.items[0].id]);
      const csv = (await (await get(`/anomalies/history?sensor_id=${sensor}&format=csv`)).text()).trim().split('\r\n');
      const cols = csv[0].split(',');
      expect(csv[1].split(',')[cols.indexOf('active')]).toBe('true');

      // Ten more anomalous samples: no open/worse/close event writes the episode, the periodic refresh does.
      const before = events.length;
      await publishInBatches(ingestion, all.slice(FAULT + 41, FAULT + 51));
      expect(events.slice(before).filter((x) => x.e.sensor_id === sensor)).toEqual([]);
      const caught = await until((items) => items[0]?.end_timestamp === at(FAULT + 50), REFRESH_SECONDS * 1000 + 2000);
      expect(caught.items[0]).toMatchObject({ end_timestamp: at(FAULT + 50), samples: 41, active: true });
      expect(caught.ms).toBeLessThanOrEqual(REFRESH_SECONDS * 1000 + 1000);

      // The transmitter recovers: 12 normal samples close the episode, and it stops being active.
      await publishInBatches(ingestion, all.slice(FAULT + 51));
      const closed = await until((items) => items[0]?.active === false, 3000);
      expect(closed.items).toHaveLength(1);
      expect(closed.items[0]).toMatchObject({ id: first.items[0].id, end_timestamp: at(FAULT + 59), samples: 50, active: false, resolved: false });
      expect(t.app.get(DetectionService).openEpisode(sensor)).toBeNull();
    });
  });

  describe('POST /anomalies/check before anything is learned', () => {
    /** N(50, 1) a minute apart, with a spike of 80 at each index in `spikes`. */
    const batch = (n: number, seed: number, spikes: number[] = []) =>
      gaussian(n, seed).map((value, i) => ({ timestamp: new Date(T0 + i * MINUTE).toISOString(), value: spikes.includes(i) ? 80 : value }));
    const check = async (body: object) => {
      const res = await post('/anomalies/check', body);
      expect(res.status).toBe(200);
      return (await res.json()) as AnomalyCheckResponse;
    };
    /** The default warm-up at one sample a minute: 24 h. */
    const WARMUP = 1440;

    it('answers learning, with the samples still to learn, until the detector has learned; never normal', async () => {
      const r = await check({ sensor_id: 'TT-NEW-1', samples: batch(100, 31, [60]) });
      expect(new Set(r.verdicts.map((v) => v.status))).toEqual(new Set(['learning']));
      expect(r.verdicts[99].samples_to_learn).toBe(WARMUP - 100);
      expect(r.verdicts[98].samples_to_learn).toBe(WARMUP - 99);
      expect(r.samples_to_learn).toBe(WARMUP - 100);
      expect(r.trained).toBe(0);
      expect(r.episodes).toEqual([]);
    });

    it('learns the samples up to train_until first, reports nothing inside them, and finds the anomaly after them', async () => {
      const samples = batch(2000, 32, [500, 1700]);
      const trainUntil = samples[1599].timestamp;
      const r = await check({ sensor_id: 'TT-NEW-2', samples, train_until: trainUntil });
      expect(r.trained).toBe(1600);
      expect(r.verdicts).toHaveLength(2000);
      expect(r.verdicts.slice(0, 1600).every((v) => v.status === 'training' && v.score === 0 && v.anomaly_type === null)).toBe(true);
      // 1600 known-normal samples cover the 24 h warm-up: everything after them is judged.
      expect(r.samples_to_learn).toBe(0);
      expect(r.verdicts.slice(1600).every((v) => v.status === 'normal' || v.status === 'anomaly')).toBe(true);
      expect(r.verdicts[1700]).toMatchObject({ status: 'anomaly', anomaly_type: 'spike', value: 80 });
      expect(r.episodes.length).toBeGreaterThanOrEqual(1);
      expect(r.episodes.every((e) => Date.parse(e.timestamp) > Date.parse(trainUntil))).toBe(true);
      expect(r.episodes.map((e) => e.timestamp)).toContain(samples[1700].timestamp);

      // The same as a count, and as epoch ms.
      const byCount = await check({ sensor_id: 'TT-NEW-2', samples, train_samples: 1600 });
      expect(byCount.verdicts).toEqual(r.verdicts);
      const byMs = await check({ sensor_id: 'TT-NEW-2', samples, train_until: Date.parse(trainUntil) });
      expect(byMs.verdicts).toEqual(r.verdicts);
    });

    it('keeps answering learning after a training part shorter than the warm-up', async () => {
      const r = await check({ sensor_id: 'TT-NEW-3', samples: batch(300, 33), train_samples: 100 });
      expect(r.verdicts.slice(0, 100).every((v) => v.status === 'training')).toBe(true);
      expect(r.verdicts[100]).toMatchObject({ status: 'learning', samples_to_learn: WARMUP - 101 });
      expect(r.samples_to_learn).toBe(WARMUP - 300);
    });

    it('is documented in OpenAPI: the training fields and the learning / training statuses', async () => {
      const docs = (await (await get('/docs-json')).json()) as { paths: Record<string, any>; components: { schemas: Record<string, any> } };
      const request = docs.components.schemas.CheckRequestDto.properties;
      expect(Object.keys(request)).toEqual(expect.arrayContaining(['sensor_id', 'samples', 'train_until', 'train_samples']));
      expect(docs.paths['/anomalies/check'].post.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/AnomalyCheckResponseDto');
      const verdict = docs.components.schemas.AnomalyVerdictResponse.properties;
      expect(verdict.status.enum).toEqual(['normal', 'anomaly', 'learning', 'training']);
      expect(Object.keys(verdict)).toEqual(expect.arrayContaining(['sensor_id', 'timestamp', 'value', 'status', 'anomaly_type', 'samples_to_learn']));
    });

    it('answers 400 naming the training field', async () => {
      const samples = batch(10, 34);
      const bad = async (extra: object, field: string, text: RegExp) => {
        const res = await post('/anomalies/check', { sensor_id: 'TT-NEW-4', samples, ...extra });
        expect(res.status).toBe(400);
        const err = (await res.json()) as ErrorResponse;
        expect(err.details!.map((d) => d.field)).toContain(field);
        expect(err.message).toMatch(text);
      };
      await bad({ train_until: samples[5].timestamp, train_samples: 5 }, 'train_samples', /train_samples and train_until/);
      await bad({ train_samples: -1 }, 'train_samples', /train_samples/);
      await bad({ train_samples: 2.5 }, 'train_samples', /train_samples/);
      await bad({ train_samples: 11 }, 'train_samples', /at most the number of samples \(10\)/);
      await bad({ train_until: 'after lunch' }, 'train_until', /train_until/);
      await bad({ train_until: '2026-13-45T99:00:00Z' }, 'train_until', /train_until/);
    });
  });

  describe('POST /anomalies/check input', () => {
    const bad = async (body: unknown, field: string) => {
      const res = await post('/anomalies/check', body);
      expect(res.status).toBe(400);
      const err = (await res.json()) as ErrorResponse;
      expect(err.details!.map((d) => d.field)).toContain(field);
      expect(err.message).toContain(field);
    };

    it('answers 400 naming the bad field', async () => {
      const ok = { timestamp: T0, value: 1 };
      await bad({ samples: [ok] }, 'sensor_id');
      await bad({ sensor_id: { $gt: '' }, samples: [ok] }, 'sensor_id');
      await bad({ sensor_id: 'TT-1', samples: [] }, 'samples');
      await bad({ sensor_id: 'TT-1', samples: [ok, { timestamp: T0 + 1, value: 'hot' }] }, 'samples[1].value');
      await bad({ sensor_id: 'TT-1', samples: [ok, { timestamp: 'yesterday', value: 2 }] }, 'samples[1].timestamp');
      await bad({ sensor_id: 'TT-1', samples: [ok, { timestamp: T0 + 2, value: 2 }, { timestamp: T0 + 1, value: 3 }] }, 'samples[2].timestamp');
      await bad({ sensor_id: 'TT-1', samples: [ok], store: 'yes' }, 'store');
      await bad({ sensor_id: 'TT-1', samples: [ok], extra: 1 }, 'extra');
    });

    it('stores episodes only when asked, and only for operators or above', async () => {
      const sensor = 'TT-STUCK-1'; // warmed up by the stream above
      const at = T0 + 1800 * MINUTE;
      const body = { sensor_id: sensor, samples: [{ timestamp: at, value: 90 }], use_live_state: true, store: true };
      const denied = await post('/anomalies/check', body, tokens.viewer);
      expect(denied.status).toBe(403);
      expect(((await denied.json()) as ErrorResponse).message).toContain('store');
      const unauth = await fetch(`${t.url}/anomalies/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(unauth.status).toBe(401);
      const ok = await post('/anomalies/check', body, tokens.operator);
      expect(ok.status).toBe(200);
      const result = (await ok.json()) as AnomalyCheckResponse;
      expect(result.stored).toBe(true);
      expect(result.episodes).toHaveLength(1);
      const page = (await (await get(`/anomalies/history?sensor_id=${sensor}`)).json()) as AnomalyHistoryPage;
      expect(page.items.map((e) => e.id)).toEqual([`${sensor}|${at}`, expect.stringMatching(new RegExp(`^${sensor}\\|`))]);
      expect(page.items[0]).toMatchObject({ anomaly_type: 'spike', resolved: false, samples: 1 });
    });
  });

  describe('detector overrides', () => {
    it('lets an admin override a sensor\'s configuration, applied to its next samples', async () => {
      const sensor = 'TT-OVR-1';
      const body = { warmup_ms: 1_800_000, z_threshold: 6, enabled: { rate: false, runRules: false } };
      expect((await fetch(`${t.url}/anomalies/settings/sensor/${sensor}`, { method: 'PUT', headers: authHeader(tokens.operator), body: JSON.stringify(body) })).status).toBe(403);
      const put = await fetch(`${t.url}/anomalies/settings/sensor/${sensor}`, { method: 'PUT', headers: authHeader(tokens.admin), body: JSON.stringify(body) });
      expect(put.status).toBe(200);
      expect(await put.json()).toMatchObject({ scope: 'sensor', key: sensor, overrides: body, updated_by: 'admin.test' });
      expect(((await (await get('/anomalies/settings')).json()) as { key: string }[]).map((o) => o.key)).toEqual([sensor]);

      // A 30-minute warm-up instead of 24 h: a spike after 100 samples is caught, and typed by the z-score.
      const s = stream(sensor, 101, 3);
      s[100].value = 80;
      await ingestion.publish(s);
      expect(s[100].status).toBe('anomaly');
      expect(events.filter((x) => x.e.sensor_id === sensor && x.name === 'anomaly.opened').map((x) => x.e.anomaly_type)).toEqual(['spike']);
      const other = stream('TT-NO-OVR', 101, 3);
      other[100].value = 80;
      await ingestion.publish(other);
      expect(other[100].status).toBe('normal'); // still warming up

      const del = () => fetch(`${t.url}/anomalies/settings/sensor/${sensor}`, { method: 'DELETE', headers: authHeader(tokens.admin) });
      expect((await del()).status).toBe(204);
      expect((await del()).status).toBe(404);
    });

    it('answers 400 naming the bad field, scope or key', async () => {
      const put = (path: string, body: unknown) => fetch(`${t.url}/anomalies/settings/${path}`, { method: 'PUT', headers: authHeader(tokens.admin), body: JSON.stringify(body) });
      for (const [path, body, field] of [
        ['sensor/TT-1', { z_threshold: 0 }, 'z_threshold'],
        ['sensor/TT-1', { enabled: { zscore: 'no' } }, 'enabled.zscore'],
        ['sensor/TT-1', { warmup_ms: -1 }, 'warmup_ms'],
        ['sensor/TT-1', { colour: 'red' }, 'colour'],
        ['device/TT-1', {}, 'scope'],
        ['sensor/-bad', {}, 'key'],
      ] as const) {
        const res = await put(path, body);
        expect({ path, field, status: res.status }).toEqual({ path, field, status: 400 });
        const err = (await res.json()) as ErrorResponse;
        expect(err.details!.map((d) => d.field)).toContain(field);
      }
    });
  });

  describe('GET /anomalies/history', () => {
    const H = Date.UTC(2025, 5, 1);
    // id, sensor, area, type, severity(score), resolved, start (minutes after H), end
    const fixtures: [string, string, string, string, number, boolean, number, number][] = [
      ['H-A', 'area-1', 'spike', 0.55, true, 0, 5],
      ['H-A', 'area-1', 'stuck', 0.7, false, 10, 30],
      ['H-B', 'area-1', 'spike', 0.9, true, 20, 21],
      ['H-B', 'area-2', 'drift', 0.97, true, 20, 60],
      ['H-C', 'area-2', 'limit', 0.75, false, 40, 45],
      ['H-C', 'area-2', 'spike', 0.6, true, 50, 52],
      ['H-A', 'area-1', 'noise', 0.85, true, 70, 80],
    ].map(([s, a, ty, sc, r, st, en], i) => [`${s}|${H + (st as number) * MINUTE}${i === 3 ? 'b' : ''}`, s, a, ty, sc, r, st, en] as never);

    beforeAll(async () => {
      const model = t.app.get<Model<Anomaly>>(getModelToken(Anomaly.name));
      const severity = (s: number) => (s >= 0.95 ? 'critical' : s >= 0.8 ? 'high' : s >= 0.65 ? 'medium' : 'low');
      await model.insertMany(
        fixtures.map(([id, sensor, area, type, score, resolved, start, end]) => ({
          _id: id,
          sensor_id: sensor,
          area,
          anomaly_type: type,
          score,
          severity: severity(score),
          resolved,
          timestamp: new Date(H + start * MINUTE),
          end_timestamp: new Date(H + end * MINUTE),
          samples: 3,
          evidence: { expected_lo: 0, expected_hi: 1, statistic: 2, threshold: 1 },
        })),
      );
    });

    /** Fixture ids matching a predicate, newest first (ties: larger id first). */
    const expected = (pred: (f: (typeof fixtures)[number]) => boolean) =>
      fixtures
        .filter(pred)
        .sort((a, b) => b[6] - a[6] || (a[0] < b[0] ? 1 : -1))
        .map((f) => f[0]);
    const ids = async (query: string) => {
      const res = await get(`/anomalies/history?${query}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as AnomalyHistoryPage).items.map((e: AnomalyEpisode) => e.id);
    };
    const inH = (f: (typeof fixtures)[number]) => f[1].startsWith('H-');
    const to = new Date(H + 200 * MINUTE).toISOString();

    it('counts episodes stored before `active` existed as not active', async () => {
      const page = (await (await get(`/anomalies/history?sensor_id=H-A`)).json()) as AnomalyHistoryPage;
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((e) => e.active === false)).toBe(true);
    });

    it('filters exactly by sensor, area, type, severity, resolved and time range', async () => {
      expect(await ids(`sensor_id=H-A`)).toEqual(expected((f) => f[1] === 'H-A'));
      expect(await ids(`area=area-2&to=${to}`)).toEqual(expected((f) => f[2] === 'area-2'));
      expect(await ids(`anomaly_type=spike,drift&to=${to}`)).toEqual(expected((f) => inH(f) && ['spike', 'drift'].includes(f[3])));
      expect(await ids(`severity=high,critical&to=${to}`)).toEqual(expected((f) => f[4] >= 0.8));
      expect(await ids(`resolved=false&sensor_id=H-C`)).toEqual(expected((f) => f[1] === 'H-C' && !f[5]));
      // Episodes overlapping [H+25min, H+45min]: started at or before the end, still going at or after the start.
      const from = new Date(H + 25 * MINUTE).toISOString();
      const until = H + 45 * MINUTE;
      expect(await ids(`from=${from}&to=${until}`)).toEqual(expected((f) => f[6] <= 45 && f[7] >= 25));
      expect(await ids(`sensor_id=H-B&anomaly_type=spike&severity=high&resolved=true`)).toEqual(expected((f) => f[1] === 'H-B' && f[3] === 'spike'));
    });

    it('matches sensor and area by case-insensitive prefix with match=prefix, every character literal', async () => {
      expect(await ids(`match=prefix&sensor_id=h-&to=${to}`)).toEqual(expected(inH));
      expect(await ids(`match=prefix&sensor_id=h-c`)).toEqual(expected((f) => f[1] === 'H-C'));
      expect(await ids(`match=prefix&area=AREA-2&to=${to}`)).toEqual(expected((f) => f[2] === 'area-2'));
      expect(await ids(`match=prefix&area=Area&sensor_id=H&to=${to}`)).toEqual(expected(inH));
      // "." is a character of the id, not "any character": H.A finds nothing.
      expect(await ids(`match=prefix&sensor_id=H.A`)).toEqual([]);
      expect(await ids(`match=prefix&area=${encodeURIComponent('area.*')}&to=${to}`)).toEqual([]);
      // Without it, sensor_id stays exact (a sensor's own page must not show its namesakes').
      expect(await ids(`sensor_id=h-a`)).toEqual([]);
      expect((await get('/anomalies/history?match=fuzzy')).status).toBe(400);
    });

    it('pages newest first with a cursor, without gaps or repeats', async () => {
      const all = expected(inH);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(`/anomalies/history?to=${to}&from=${new Date(H).toISOString()}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        const page = (await res.json()) as AnomalyHistoryPage;
        seen.push(...page.items.map((e) => e.id));
        cursor = page.next_cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(all);
      expect(pages).toBe(3);
    });

    it('exports CSV with the same filters', async () => {
      const res = await get(`/anomalies/history?area=area-1&to=${to}&format=csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      const lines = (await res.text()).trim().split('\r\n');
      expect(lines[0].split(',').slice(0, 3)).toEqual(['id', 'sensor_id', 'area']);
      expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(expected((f) => f[2] === 'area-1'));
    });

    it('answers 400 naming the bad filter', async () => {
      for (const [query, field] of [
        ['severity=urgent', 'severity'],
        ['anomaly_type=bad', 'anomaly_type'],
        ['resolved=maybe', 'resolved'],
        ['from=last-week', 'from'],
        ['limit=0', 'limit'],
        ['cursor=xyz', 'cursor'],
        ['sensor_id[$ne]=x', 'sensor_id'],
      ]) {
        const res = await get(`/anomalies/history?${query}`);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(((await res.json()) as ErrorResponse).message).toContain(field);
      }
    });
  });
});
