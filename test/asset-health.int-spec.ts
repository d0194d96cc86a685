import type { AlarmDto, AnomalyEpisode, AnomalyEpisodeEvent, AssetHealthSummaryDto, IngestedSample, Role } from '@idm/contracts';
import { DomainEvents } from '@idm/core';
import { IngestionService } from '@idm/ingestion';
import { startTestApp, TestApp } from './support/app';
import { clearLoginThrottle, login, loginAllRoles, TEST_PASSWORD } from './support/auth';
import { call, eventually } from './support/modbus';
import { pump } from './support/pump-signal';

/**
 * Equipment health in the server (issue 13): an asset's multivariate detector fed through POST /sensors/data
 * turns a correlation break, with every value inside its normal range, into one multivariate episode on the
 * asset and one alarm on it at the asset's configured priority; healthy data raises nothing.
 */
const device = { id: 'plc-h', name: 'Pump PLC', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
const tag = (sensor_id: string, address: number) => ({ sensor_id, device_id: 'plc-h', area: 'Pump house', register_type: 'holding', address, data_type: 'float32', unit: 'x' });
const TRAIN = 300;
const SETTLE = 700;
const BROKEN = 300;
const BATCH_ROWS = 200;
/**
 * Wider limits than the default 3.5: with it, this healthy signal briefly crossed the limit (ratio 1.2) a few
 * hundred samples after training; the break here goes 20 to 600 times over it.
 */
const THRESHOLD_SIGMA = 5;

describe('equipment health: one multivariate detector per asset in the server', () => {
  const db = 'idm_test_asset_health';
  let t: TestApp;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    await clearLoginThrottle(db);
    t = await startTestApp(db, { MODBUS_POLLING: '0', ALARM_ON_DELAY_MS: '0', ALARM_FLOOD_THRESHOLD: '1000' });
    tokens = await loginAllRoles(t.url);
    expect((await call(t.url, 'POST', '/devices', tokens.admin, device)).status).toBe(201);
    const ids = ['FT-1', 'PT-1', 'IT-1', 'FT-2', 'PT-2', 'IT-2'];
    for (const [i, id] of ids.entries()) expect((await call(t.url, 'POST', '/tags', tokens.admin, tag(id, i * 2))).status).toBe(201);
    for (const [n, priority] of [[1, 'high'], [2, 'low']] as const) {
      const asset = { id: `pump-${n}`, name: `Feed pump ${n}`, area: 'Pump house', sensor_ids: [`FT-${n}`, `PT-${n}`, `IT-${n}`], settings: { alarm_priority: priority, train_samples: TRAIN, threshold_sigma: THRESHOLD_SIGMA } };
      expect((await call(t.url, 'POST', '/assets', tokens.admin, asset)).status).toBe(201);
    }
  });
  afterAll(async () => t?.close());

  /** Each asset's clock: rows one second apart, continuing where its last ingest ended (the first far enough back to end before now). */
  const next: Record<number, number> = {};
  /** Sends rows of the asset's three sensors, interleaved by time like polls, in batches; returns the first row's time. */
  async function ingest(n: number, rows: number[][]): Promise<number> {
    const start = (next[n] ??= Date.now() - 2 * (TRAIN + SETTLE + BROKEN) * 1000);
    for (let i = 0; i < rows.length; i += BATCH_ROWS) {
      const samples = rows.slice(i, i + BATCH_ROWS).flatMap((r, j) => {
        const timestamp = start + (i + j) * 1000;
        return [`FT-${n}`, `PT-${n}`, `IT-${n}`].map((sensor_id, k) => ({ sensor_id, timestamp, value: r[k] }));
      });
      const r = await call(t.url, 'POST', '/sensors/data', tokens.operator, { samples });
      expect(r.status).toBeLessThan(300);
    }
    next[n] = start + rows.length * 1000;
    return start;
  }

  const history = async (assetId: string): Promise<AnomalyEpisode[]> => {
    const r = await call(t.url, 'GET', `/anomalies/history?asset_id=${assetId}`, tokens.viewer);
    expect(r.status).toBe(200);
    return (r.body as { items: AnomalyEpisode[] }).items;
  };
  const alarms = async (assetId: string): Promise<AlarmDto[]> => (await call(t.url, 'GET', `/alarms?source_id=${assetId}&include_normal=true`, tokens.viewer)).body as AlarmDto[];

  /** Healthy rows, then a correlation break whose every value lies inside what that sensor did while healthy. */
  function healthyThenBroken(seed: number): { healthy: number[][]; broken: number[][] } {
    const sample = pump(seed);
    const healthy = Array.from({ length: TRAIN + SETTLE }, () => sample());
    const ranges = [0, 1, 2].map((k) => [Math.min(...healthy.map((r) => r[k])), Math.max(...healthy.map((r) => r[k]))]);
    const broken = Array.from({ length: BROKEN }, () => sample(true)).filter((r) => r.every((v, k) => v >= ranges[k][0] && v <= ranges[k][1]));
    expect(broken.length).toBeGreaterThan(BROKEN / 2);
    return { healthy, broken };
  }

  it('turns a correlation break inside every normal range into one episode naming the sensor, and one alarm on the asset', async () => {
    const { healthy, broken } = healthyThenBroken(7);
    await ingest(1, healthy);
    const breakStart = await ingest(1, broken);

    const episodes = await eventually(() => history('pump-1'), (e) => e.length > 0 && e[0].alarm_id !== null);
    expect(episodes).toHaveLength(1);
    expect(episodes[0]).toMatchObject({ sensor_id: 'asset:pump-1', asset_id: 'pump-1', anomaly_type: 'multivariate', area: 'Pump house' });
    // Episodes are stored in order: the healthy stretch before the break opened none.
    expect(Date.parse(episodes[0].timestamp)).toBeGreaterThanOrEqual(breakStart);
    expect(episodes[0].evidence.contributions?.[0].sensor_id).toBe('PT-1');
    expect(episodes[0].evidence.detail).toContain('PT-1');

    const raised = await eventually(() => alarms('pump-1'), (a) => a.length > 0);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ id: 'asset:pump-1|multivariate', source_type: 'asset', source_id: 'pump-1', condition: 'multivariate', priority: 'high' });
    expect(raised[0].message).toContain('PT-1');
    expect(episodes[0].alarm_id).toBe(raised[0].id);
  });

  it('answers the health statistic over time against its limit (learning, then scored; over 1 in the break), bounded, and each asset\'s latest verdict', async () => {
    const from = new Date(next[1] - (TRAIN + SETTLE + BROKEN) * 1000 - 60_000).toISOString();
    const to = new Date(next[1]).toISOString();
    const r = await call(t.url, 'GET', `/assets/pump-1/health?from=${from}&to=${to}`, tokens.viewer);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ asset_id: 'pump-1', bucket_ms: 10_000, limit: 1 });
    const points = r.body.points as { t: number; ratio: number | null; state: string }[];
    expect(points[0]).toMatchObject({ state: 'training', ratio: null });
    const scored = points.filter((p) => p.state === 'scored');
    expect(scored.length).toBeGreaterThan(50);
    const episode = (await history('pump-1'))[0];
    const start = Date.parse(episode.timestamp);
    // Under the limit before the episode, over it once it opened.
    expect(Math.max(...scored.filter((p) => p.t + 10_000 <= start).map((p) => p.ratio!))).toBeLessThan(1);
    expect(Math.max(...scored.filter((p) => p.t >= start).map((p) => p.ratio!))).toBeGreaterThan(1);
    expect(points.every((p, i) => i === 0 || p.t > points[i - 1].t)).toBe(true);

    const tooLong = await call(t.url, 'GET', `/assets/pump-1/health?from=2024-01-01T00:00:00Z&to=2024-01-03T00:00:00Z`, tokens.viewer);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.details).toEqual([expect.objectContaining({ field: 'to', rule: 'maxRange' })]);
    expect((await call(t.url, 'GET', `/assets/pump-1/health?from=yesterday`, tokens.viewer)).body.details).toEqual([expect.objectContaining({ field: 'from' })]);
    expect((await call(t.url, 'GET', '/assets/pump-9/health', tokens.viewer)).status).toBe(404);

    const summaries = await call(t.url, 'GET', '/assets/health', tokens.viewer);
    expect(summaries.status).toBe(200);
    const byId = new Map((summaries.body as AssetHealthSummaryDto[]).map((x) => [x.asset_id, x]));
    // Its last verdict is the row before the last one sent (a moment is scored when the next arrives); pump-2 has had no sample yet.
    expect(byId.get('pump-1')).toMatchObject({ at: next[1] - 2000, ratio: expect.any(Number) });
    expect(['healthy', 'anomaly']).toContain(byId.get('pump-1')!.state);
    expect(byId.get('pump-2')).toEqual({ asset_id: 'pump-2', state: 'unknown', ratio: null, at: null, learning: null });
    expect(byId.get('pump-1')!.learning).toBeNull();
  });

  it('raises nothing on healthy data: the first episode of a long healthy run comes with its break, at the priority the asset configures', async () => {
    const sample = pump(11);
    const rows = Array.from({ length: TRAIN + SETTLE + BROKEN }, () => sample());
    await ingest(2, rows.slice(0, 50));
    // While it learns, the summary says how far it has come (49 moments scored: each when the next arrives).
    const summary = async () => ((await call(t.url, 'GET', '/assets/health', tokens.viewer)).body as AssetHealthSummaryDto[]).find((x) => x.asset_id === 'pump-2');
    expect(await eventually(summary, (x) => x?.learning?.samples === 49)).toMatchObject({ state: 'learning', ratio: null, learning: { samples: 49, needed: TRAIN } });
    await ingest(2, rows.slice(50));
    // A break afterwards is the barrier: episodes and alarms are processed in order, so anything the healthy
    // run raised would be stored (and listed) before the break's.
    const { broken } = healthyThenBroken(11);
    const breakStart = await ingest(2, broken);
    const episodes = await eventually(() => history('pump-2'), (e) => e.length > 0 && e[0].alarm_id !== null);
    expect(episodes).toHaveLength(1);
    expect(Date.parse(episodes[0].timestamp)).toBeGreaterThanOrEqual(breakStart);
    const raised = await alarms('pump-2');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ source_type: 'asset', source_id: 'pump-2', priority: 'low' });
  });
});

describe('equipment health survives a restart', () => {
  const db = 'idm_test_asset_health_restart';
  let t: TestApp | undefined;
  afterAll(async () => t?.close());

  const T0 = Date.now() - 3 * 3600_000;
  const rowsToSamples = (rows: number[][], from: number): IngestedSample[] =>
    rows.flatMap((r, i) => ['FT-R', 'PT-R', 'IT-R'].map((sensor_id, k) => ({ sensor_id, timestamp: T0 + (from + i) * 1000, value: r[k], quality: 'good' as const, source: 'rest' as const })));

  it('continues the learned detector after a restart instead of training again', async () => {
    const sample = pump(23);
    const healthy = Array.from({ length: TRAIN + SETTLE }, () => sample());
    const ranges = [0, 1, 2].map((k) => [Math.min(...healthy.map((r) => r[k])), Math.max(...healthy.map((r) => r[k]))]);
    const broken = Array.from({ length: TRAIN - 20 }, () => sample(true)).filter((r) => r.every((v, k) => v >= ranges[k][0] && v <= ranges[k][1]));
    // Fewer broken rows than a fresh detector needs to train: only a restored one can judge them.
    expect(broken.length).toBeLessThan(TRAIN);
    expect(broken.length).toBeGreaterThan(TRAIN / 2);

    await clearLoginThrottle(db);
    t = await startTestApp(db, { MODBUS_POLLING: '0' });
    const tokens = await loginAllRoles(t.url);
    expect((await call(t.url, 'POST', '/devices', tokens.admin, { ...device, id: 'plc-r' })).status).toBe(201);
    for (const [i, id] of ['FT-R', 'PT-R', 'IT-R'].entries()) expect((await call(t.url, 'POST', '/tags', tokens.admin, { ...tag(id, i * 2), device_id: 'plc-r' })).status).toBe(201);
    const asset = { id: 'pump-r', name: 'Feed pump R', area: 'Pump house', sensor_ids: ['FT-R', 'PT-R', 'IT-R'], settings: { train_samples: TRAIN, threshold_sigma: THRESHOLD_SIGMA } };
    expect((await call(t.url, 'POST', '/assets', tokens.admin, asset)).status).toBe(201);
    for (let i = 0; i < healthy.length; i += BATCH_ROWS) await t.app.get(IngestionService).publish(rowsToSamples(healthy.slice(i, i + BATCH_ROWS), i));
    await t.close(); // saves the asset's detector state at shutdown
    t = undefined;

    t = await startTestApp(db, { MODBUS_POLLING: '0', KEEP_DB: '1' });
    const opened: AnomalyEpisodeEvent[] = [];
    t.app.get(DomainEvents).on('anomaly.opened', (e) => void (e.asset ? opened.push(e) : undefined));
    await t.app.get(IngestionService).publish(rowsToSamples(broken, healthy.length));
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ sensor_id: 'asset:pump-r', anomaly_type: 'multivariate', asset: { id: 'pump-r', top_sensors: expect.arrayContaining(['PT-R']) } });
    // The health statistic of before the restart was saved at shutdown and is read back from the database.
    const viewer = (await login(t.url, 'viewer.test', TEST_PASSWORD)).access_token;
    const before = await call(t.url, 'GET', `/assets/pump-r/health?from=${new Date(T0).toISOString()}&to=${new Date(T0 + healthy.length * 1000).toISOString()}`, viewer);
    expect(before.status).toBe(200);
    const states = (before.body.points as { state: string }[]).map((p) => p.state);
    expect(states.filter((x) => x === 'training').length).toBeGreaterThan(10);
    expect(states.filter((x) => x === 'scored').length).toBeGreaterThan(30);
  });
});
