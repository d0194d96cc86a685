import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ObjectId, type Db } from 'mongodb';
import { DAY_VIEW_DAYS } from '@idm/alarms';
import type { Role } from '@idm/contracts';
import { AlarmsRepository } from '../libs/alarms/src/alarms.repository';
import { dropDatabase, startTestApp, TestApp } from './support/app';
import { mongoUriFor, withDb as withSuiteDb } from './support/services';
import { clearLoginThrottle, loginAllRoles } from './support/auth';
import { call, eventually } from './support/modbus';

const DB = 'idm_test_alarm_day_views';
const HOUR = 3_600_000;
const DAY = 86_400_000;
const withDb = <T>(fn: (d: Db) => Promise<T>) => withSuiteDb(DB, fn);
const pad = (n: number) => String(n).padStart(16, '0');
interface Stored { _id: string; hour?: number }
const segments = (d: Db) => d.collection<Stored>('alarm_audit_segments');
const views = (d: Db) => d.collection<Stored>('alarm_audit_days');


/** Deterministic pseudo-random numbers (Park–Miller). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/**
 * Three past days of alarm histories (raise, acknowledge, clear; some shelved; some acknowledge and clear in the
 * same millisecond) of 12 alarms, plus some of today, stored as an upgraded installation has them (per-event
 * documents, copied into hour segments at start-up).
 */
function history(today: number): { alarms: object[]; audit: object[] } {
  const rand = lcg(11);
  const alarms: object[] = [];
  const audit: object[] = [];
  for (let a = 0; a < 12; a++) {
    const sensor = `DV-${a % 4}`;
    const id = `sensor:${sensor}|c${a}`;
    const priority = (['critical', 'high', 'medium', 'low'] as const)[a % 4];
    alarms.push({ _id: id, source_type: 'sensor', source_id: sensor, sensor_id: sensor, condition: `c${a}`, message: `${sensor} c${a}`, priority, state: 'normal', condition_active: false, condition_since: null, active: false, acked: true, raised_at: null, cleared_at: null, acked_at: null, acked_by: null, shelved_until: null, shelved_by: null, shelve_reason: null, last_value: null, activation_count: 0, anomaly_ids: [], in_flood: false, updated_at: today });
    for (let t = today - 5 * DAY + Math.floor(rand() * HOUR); t < today + HOUR; t += Math.floor(rand() * 6 * HOUR) + 60_000) {
      const ev = (kind: string, from: string, to: string, at: number) => audit.push({ alarm_id: id, kind, from, to, at, by: kind === 'acknowledged' ? 'op' : null, comment: `${kind} ${a}`, message: `${sensor} c${a}`, priority });
      ev('raised', 'normal', 'unack_active', t);
      if (a % 5 === 0) {
        ev('shelved', 'unack_active', 'shelved', t + 20_000);
        ev('unshelved', 'shelved', 'normal', t + 40_000);
      } else {
        const ack = t + Math.floor(rand() * 600_000);
        ev('acknowledged', 'unack_active', 'ack_active', ack);
        ev('cleared', 'ack_active', 'normal', a % 3 === 0 ? ack : ack + 90_000);
      }
    }
  }
  return { alarms, audit };
}

describe('alarm events for reports: a view per day that is over, read instead of its hour segments', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-alarm-day-views-'));
  const now = Date.now();
  const today = Math.floor(now / DAY) * DAY;
  const viewDays = [today - 5 * DAY, today - 4 * DAY, today - 3 * DAY];
  const from = today - 5 * DAY + 5 * HOUR;
  let t: TestApp | undefined;
  let tokens: Record<Role, string>;
  let seeded: number;

  const report = async () => {
    const res = await call(t!.url, 'GET', `/reports/anomalies?from=${new Date(from).toISOString()}&to=${new Date(today + 2 * HOUR).toISOString()}`, tokens.supervisor);
    expect(res.status).toBe(200);
    const { generated_at: _, ...rest } = res.body as { generated_at: string };
    return rest as { totals: { alarms: number } };
  };
  const viewIds = () => withDb(async (d) => (await views(d).find({}, { projection: { _id: 1 } }).toArray()).map((x) => x._id));
  const segmentsOf = (day: number) => withDb((d) => segments(d).find({ hour: { $gte: day, $lt: day + DAY } }).toArray());

  beforeAll(async () => {
    await clearLoginThrottle(DB);
    await dropDatabase(mongoUriFor(DB));
    const { alarms, audit } = history(today);
    seeded = audit.length;
    await withDb(async (d) => {
      await d.collection('alarms').insertMany(alarms as never[]);
      await d.collection('alarm_audit').insertMany(audit);
    });
    t = await startTestApp(DB, { KEEP_DB: '1', DATA_DIR: dataDir, MODBUS_POLLING: '0' });
    tokens = await loginAllRoles(t.url);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes a view of each day that is over, and the report from the views is the report from the hour segments', async () => {
    // The copy into segments and the views are written in the background once the database is ready.
    // All of them (the days before the seeded ones too), so the writer is done before the views are taken away below.
    const ids = await eventually(viewIds, (v) => v.length === DAY_VIEW_DAYS, 60_000, 250);
    expect(ids).toEqual(expect.arrayContaining(viewDays.map(pad)));
    expect(ids).not.toContain(pad(today));
    expect(seeded).toBeGreaterThan(100);
    const withViews = await report();
    expect(withViews.totals.alarms).toBeGreaterThan(20);

    // The days with a view need no hour segment: hidden, the same report.
    const hidden = (await Promise.all(viewDays.map(segmentsOf))).flat();
    expect(hidden.length).toBeGreaterThan(3);
    await withDb((d) => segments(d).deleteMany({ _id: { $in: hidden.map((s) => s._id) } }));
    expect(await report()).toEqual(withViews);
    await withDb((d) => segments(d).insertMany(hidden));

    // Without views (as stored before them), from the segments: the same report.
    const stored = await withDb((d) => views(d).find({}).toArray());
    await withDb((d) => views(d).deleteMany({}));
    expect(await report()).toEqual(withViews);
    await withDb((d) => views(d).insertMany(stored));
    expect(await report()).toEqual(withViews);
  });

  it('counts an event of a day that is over stored after its view was written: the view goes, and comes back with it', async () => {
    const before = await report();
    const repo = t!.app.get(AlarmsRepository);
    const late = today - 4 * DAY + 3 * HOUR;
    await repo.appendAudit([{ _id: new ObjectId(), alarm_id: 'sensor:DV-1|c1', kind: 'raised', from: 'normal', to: 'unack_active', at: late, by: null, comment: null }]);
    expect(await viewIds()).not.toContain(pad(today - 4 * DAY));
    const after = await report();
    expect(after.totals.alarms).toBe(before.totals.alarms + 1);

    expect(await repo.writeDayViews(Date.now(), 0)).toBe(1);
    expect(await viewIds()).toContain(pad(today - 4 * DAY));
    // The rewritten view holds the late event: the same report with that day's hour segments hidden.
    const hidden = await segmentsOf(today - 4 * DAY);
    await withDb((d) => segments(d).deleteMany({ _id: { $in: hidden.map((s) => s._id) } }));
    expect(await report()).toEqual(after);
    await withDb((d) => segments(d).insertMany(hidden));
  });
});
