import type { AssetHealthPointDto, AssetHealthSummaryDto, IngestedSample } from '@idm/contracts';
import { IngestionService } from '@idm/ingestion';
import { startTestApp, TestApp } from './support/app';
import { clearLoginThrottle, login, loginAllRoles, TEST_PASSWORD } from './support/auth';
import { call, eventually } from './support/modbus';
import { pump } from './support/pump-signal';

/**
 * An asset restarted while still learning continues its training where it was (the operator saw 55 % become
 * 0 %: the training buffer, rows of values, was a nested array, which FerretDB does not store, so every save
 * before the model was fitted failed). Its verdicts after the restart equal those of an asset fed the same
 * samples without one.
 */
const db = 'idm_test_asset_learning_restart';
const TRAIN = 200;
/** Rows learned before the restart: 55 % of the training. */
const BEFORE = 110;
const HEALTHY = 500;
const BATCH_ROWS = 100;
const device = { id: 'plc-l', name: 'Pump PLC', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
const sensorsOf = (a: string) => [`FT-${a}`, `PT-${a}`, `IT-${a}`];

describe('an asset learning when the server restarts', () => {
  let t: TestApp | undefined;
  let viewer: string;
  afterAll(async () => t?.close());

  const T0 = Date.now() - 3 * 3600_000;
  const tsOf = (i: number) => T0 + i * 1000;
  /** Rows [from, to) of an asset's sensors as samples, interleaved by time like polls. */
  const samples = (a: string, rows: number[][], from: number, to: number): IngestedSample[] =>
    rows.slice(from, to).flatMap((r, i) => sensorsOf(a).map((sensor_id, k) => ({ sensor_id, timestamp: tsOf(from + i), value: r[k], quality: 'good' as const, source: 'rest' as const })));
  async function feed(list: IngestedSample[]): Promise<void> {
    for (let i = 0; i < list.length; i += 3 * BATCH_ROWS) await t!.app.get(IngestionService).publish(list.slice(i, i + 3 * BATCH_ROWS));
  }
  const summary = async (assetId: string): Promise<AssetHealthSummaryDto | undefined> => {
    const r = await call(t!.url, 'GET', '/assets/health', viewer);
    expect(r.status).toBe(200);
    return (r.body as AssetHealthSummaryDto[]).find((s) => s.asset_id === assetId);
  };
  const points = async (assetId: string, to: number): Promise<AssetHealthPointDto[]> => {
    const r = await call(t!.url, 'GET', `/assets/${assetId}/health?from=${new Date(T0).toISOString()}&to=${new Date(to).toISOString()}`, viewer);
    expect(r.status).toBe(200);
    return (r.body as { points: AssetHealthPointDto[] }).points;
  };

  it('continues learning from where it was, and then judges as an uninterrupted run does', async () => {
    const sample = pump(31);
    const healthy = Array.from({ length: HEALTHY }, () => sample());
    const ranges = [0, 1, 2].map((k) => [Math.min(...healthy.map((r) => r[k])), Math.max(...healthy.map((r) => r[k]))]);
    const broken = Array.from({ length: 150 }, () => sample(true)).filter((r) => r.every((v, k) => v >= ranges[k][0] && v <= ranges[k][1]));
    const rows = [...healthy, ...broken];

    await clearLoginThrottle(db);
    t = await startTestApp(db, { MODBUS_POLLING: '0' });
    const tokens = await loginAllRoles(t.url);
    viewer = tokens.viewer;
    expect((await call(t.url, 'POST', '/devices', tokens.admin, device)).status).toBe(201);
    for (const [i, id] of [...sensorsOf('A'), ...sensorsOf('B')].entries()) {
      const tag = { sensor_id: id, device_id: device.id, area: 'Pump house', register_type: 'holding', address: i * 2, data_type: 'float32', unit: 'x' };
      expect((await call(t.url, 'POST', '/tags', tokens.admin, tag)).status).toBe(201);
    }
    for (const a of ['A', 'B']) {
      const asset = { id: `pump-${a}`, name: `Feed pump ${a}`, area: 'Pump house', sensor_ids: sensorsOf(a), settings: { train_samples: TRAIN, threshold_sigma: 5 } };
      expect((await call(t.url, 'POST', '/assets', tokens.admin, asset)).status).toBe(201);
    }
    // The rows before the restart, and the first sample of the next one: it starts the next moment, so the
    // last full row is scored before the restart (as it would be without one).
    await feed([...samples('A', rows, 0, BEFORE), samples('A', rows, BEFORE, BEFORE + 1)[0]]);
    expect((await summary('pump-A'))?.learning).toEqual({ samples: BEFORE, needed: TRAIN });
    await t.close(); // saves the asset's detector state at shutdown
    t = undefined;

    t = await startTestApp(db, { MODBUS_POLLING: '0', KEEP_DB: '1' });
    viewer = (await login(t.url, 'viewer.test', TEST_PASSWORD)).access_token;
    // Before any new sample: learning, as far as it had come (not `unknown`, not 0 %).
    expect(await eventually(() => summary('pump-A'), (s) => s?.state === 'learning')).toMatchObject({ learning: { samples: BEFORE, needed: TRAIN }, at: null });
    await feed(samples('A', rows, BEFORE, BEFORE + 20)); // scores rows BEFORE … BEFORE + 18
    expect(await summary('pump-A')).toMatchObject({ state: 'learning', learning: { samples: BEFORE + 19, needed: TRAIN } });
    await feed(samples('A', rows, BEFORE + 20, rows.length));
    // The uninterrupted run: an asset of other sensors fed the same rows in this process.
    await feed(samples('B', rows, 0, rows.length));
    expect((await summary('pump-A'))?.state).toBe('anomaly');

    const restarted = await points('pump-A', tsOf(rows.length));
    const uninterrupted = await points('pump-B', tsOf(rows.length));
    expect(uninterrupted.filter((p) => p.state === 'scored').length).toBeGreaterThan(30);
    expect(uninterrupted.some((p) => p.ratio !== null && p.ratio > 1)).toBe(true);
    expect(restarted).toEqual(uninterrupted);
  });
});
