import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Db } from 'mongodb';
import type { AnomalyReport, Role } from '@idm/contracts';
import { DAY_VIEWS_COLLECTION, HistorianService, PACKS_COLLECTION, RollupDayViews, toStoredPack } from '@idm/historian';
import type { RollupPackDoc } from '../libs/historian/src/engine/docs';
import { dropDatabase, startTestApp, TestApp } from './support/app';
import { mongoUriFor, withDb as withSuiteDb } from './support/services';
import { clearLoginThrottle, loginAllRoles } from './support/auth';
import { call } from './support/modbus';

const DB = 'idm_test_rollup_day_views';
const HOUR = 3_600_000;
const DAY = 86_400_000;
const withDb = <T>(fn: (d: Db) => Promise<T>) => withSuiteDb(DB, fn);
const pad = (n: number) => String(n).padStart(16, '0');
interface Stored { _id: string; start?: Date }
const packsOf = (d: Db) => d.collection<Stored>(PACKS_COLLECTION);
const views = (d: Db) => d.collection<Stored>(DAY_VIEWS_COLLECTION);


/** A day pack of 24 hourly rollups as the historian writes it, with some spread per sensor. */
function dayPack(sensor: string, s: number, day: number): RollupPackDoc {
  const items = Array.from({ length: 24 }, (_, h) => {
    const t = day + h * HOUR;
    const mean = 20 + s * 3 + Math.sin(h / 4) * (s + 1);
    const sd = 0.5 + s;
    return { t, count: 3600, sum: 3600 * mean, sum_sq: 3600 * (mean * mean + sd * sd), min: mean - 3 * sd, max: mean + 3 * sd, first: mean, last: mean, first_t: t, last_t: t + HOUR - 1000, anomaly_count: h % 6 === 0 ? 2 : 0 };
  });
  const sum = items.reduce((a, i) => a + i.sum, 0);
  return { _id: `${sensor}|1h|${day}`, sensor_id: sensor, resolution: '1h', start: new Date(day), count: 86_400, sum, sum_sq: items.reduce((a, i) => a + i.sum_sq, 0), min: Math.min(...items.map((i) => i.min)), max: Math.max(...items.map((i) => i.max)), first: items[0].first, last: items[23].last, first_t: day, last_t: day + DAY - 1000, anomaly_count: 8, items };
}

describe('hourly rollups for reports: a view per day that is over across sensors, read instead of the day packs', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-rollup-day-views-'));
  const today = Math.floor(Date.now() / DAY) * DAY;
  const days = [today - 4 * DAY, today - 3 * DAY, today - 2 * DAY];
  const sensors = ['RV-0', 'RV-1', 'RV-2', 'RV-3'];
  // Over 48 h: the report reads hourly rollups.
  const from = today - 4 * DAY + 3 * HOUR;
  const to = today - DAY;
  let t: TestApp | undefined;
  let tokens: Record<Role, string>;

  const report = async () => {
    const res = await call(t!.url, 'GET', `/reports/anomalies?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&sensor_ids=${sensors.join(',')}`, tokens.supervisor);
    expect(res.status).toBe(200);
    const { generated_at: _, ...rest } = res.body as AnomalyReport;
    return rest;
  };
  const viewIds = () => withDb(async (d) => (await views(d).find({}, { projection: { _id: 1 } }).toArray()).map((x) => x._id));
  const hidePacks = async (of: number[]) => {
    const hidden = await withDb((d) => packsOf(d).find({ start: { $gte: new Date(of[0]), $lt: new Date(of[of.length - 1] + DAY) } }).toArray());
    await withDb((d) => packsOf(d).deleteMany({ _id: { $in: hidden.map((p) => p._id) } }));
    return () => withDb((d) => packsOf(d).insertMany(hidden));
  };

  beforeAll(async () => {
    await clearLoginThrottle(DB);
    await dropDatabase(mongoUriFor(DB));
    // RV-3's packs in the layout written before the columns (buckets as subdocuments): still read, and copied.
    await withDb((d) => packsOf(d).insertMany(sensors.flatMap((s, i) => days.map((day) => (i === 3 ? dayPack(s, i, day) : toStoredPack(dayPack(s, i, day))) as unknown as Stored))));
    t = await startTestApp(DB, { KEEP_DB: '1', DATA_DIR: dataDir, MODBUS_POLLING: '0', HISTORIAN_MAX_PAST_DAYS: '30' });
    tokens = await loginAllRoles(t.url);
    // The historian knows a sensor once it has a sample: one each, now.
    const historian = t.app.get(HistorianService);
    await historian.accept(sensors.map((sensor_id) => ({ sensor_id, timestamp: Date.now(), value: 20, quality: 'good' as const, source: 'rest' as const })));
    await historian.drain(false);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes a view of each day that is over, and the report from the views is the report from the day packs', async () => {
    // Without views (as stored before them), from the day packs.
    await withDb((d) => views(d).deleteMany({}));
    const fromPacks = await report();
    expect(fromPacks.sensor_stats.map((r) => [r.sensor_id, r.samples])).toEqual(sensors.map((s) => [s, 69 * 3600]));
    expect(await t!.app.get(RollupDayViews).runOnce()).toBeGreaterThanOrEqual(3);
    expect(await viewIds()).toEqual(expect.arrayContaining(days.map((d) => `${pad(d)}|0`)));
    expect(await viewIds()).not.toContain(`${pad(today)}|0`);
    expect(await report()).toEqual(fromPacks);
    // The days with a view need no day pack: hidden, the same report.
    const restore = await hidePacks(days);
    expect(await report()).toEqual(fromPacks);
    await restore();
    // Nothing more to write while the sensors are the same.
    expect(await t!.app.get(RollupDayViews).runOnce()).toBe(0);
  });

  it('counts a late sample of a day that is over: writing its day pack removes the view, which comes back with it', async () => {
    const before = await report();
    const historian = t!.app.get(HistorianService);
    await historian.accept([{ sensor_id: 'RV-0', timestamp: today - 3 * DAY + 5 * HOUR + 1234, value: 1000, quality: 'good', source: 'rest' }]);
    await historian.drain(false);
    expect(await viewIds()).not.toContain(`${pad(today - 3 * DAY)}|0`);
    const after = await report();
    // (Its hour is recomputed from what the historian holds of it: here only the late sample, the seed has no minutes.)
    expect(after.sensor_stats.find((r) => r.sensor_id === 'RV-0')).toMatchObject({ max: 1000 });
    expect(after.sensor_stats.find((r) => r.sensor_id === 'RV-0')).not.toEqual(before.sensor_stats.find((r) => r.sensor_id === 'RV-0'));
    expect(after.sensor_stats.filter((r) => r.sensor_id !== 'RV-0')).toEqual(before.sensor_stats.filter((r) => r.sensor_id !== 'RV-0'));

    expect(await t!.app.get(RollupDayViews).runOnce()).toBe(1);
    const restore = await hidePacks([today - 3 * DAY]);
    expect(await report()).toEqual(after);
    await restore();
  });
});
