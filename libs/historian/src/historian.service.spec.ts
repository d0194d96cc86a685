import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ComponentHealth } from '@idm/contracts';
import { AppConfig, HealthRegistry, MetricsService } from '@idm/core';
import { IngestionService } from '@idm/ingestion';
import { HistorianRepository } from './historian.repository';
import { HistorianService } from './historian.service';
import { Journal } from './journal';

/** A repository whose database "fails" while `down` is set; the historian's own state is what is tested. */
class FlakyRepository {
  down = false;
  private answer<T>(value: T): Promise<T> {
    return this.down ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve(value);
  }
  init = () => this.answer(undefined);
  latestPages = () => this.answer([]);
  ping = () => this.answer(undefined);
  saveLatestPages = () => this.answer(undefined);
  write = () => this.answer(0);
  raw = () => this.answer(null);
  rollup = () => this.answer(null);
  pack = () => this.answer(null);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(20);
  }
}

describe('HistorianService health', () => {
  let dir: string;
  let repo: FlakyRepository;
  let health: HealthRegistry;
  let service: HistorianService;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-historian-'));
    repo = new FlakyRepository();
    health = new HealthRegistry();
    const config = {
      role: 'all',
      dataDir: dir,
      mongoUri: 'mongodb://127.0.0.1:1/idm_unit',
      historian: { flushMs: 20, idleCloseMs: 60_000, snapshotMs: 60_000, journalMaxBytes: 1 << 20 },
    } as unknown as AppConfig;
    const ingestion = { register: () => undefined } as unknown as IngestionService;
    service = new HistorianService(config, repo as unknown as HistorianRepository, ingestion, health, new MetricsService());
  });

  afterEach(async () => {
    await service.onApplicationShutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const historian = async (): Promise<ComponentHealth> => (await health.run()).historian;

  it('says it is starting (not that the database is unreachable) until the latest values are loaded', async () => {
    let release!: () => void;
    const loaded = new Promise<void>((r) => (release = r));
    repo.latestPages = () => loaded.then(() => []);
    service.onModuleInit();
    const starting = await historian();
    expect(starting.status).toBe('degraded');
    expect(starting.message).toMatch(/^starting/);
    release();
    await until(async () => (await historian()).status === 'up');
  });

  it('is up again once the database answers, even with nothing to write (a failed start is not sticky)', async () => {
    repo.down = true;
    service.onModuleInit();
    await until(async () => /unreachable/.test((await historian()).message ?? ''));
    repo.down = false;
    // The start-up load is retried every second; afterwards the idle write loop asks the database itself.
    await until(async () => (await historian()).status === 'up', 5000);
    expect(service.isReady).toBe(true);
  });

  it('is degraded while the journal left by a crash is replayed, and says how many samples are left', async () => {
    // The previous run left 3 records of 2 samples in the journal (this database's journal directory).
    const left = new Journal(path.join(dir, 'journal', 'idm_unit'), 1 << 20);
    left.open();
    for (let i = 0; i < 3; i++) await left.append([0, 1].map((k) => ({ sensor_id: `unit-${k}`, t: Date.UTC(2026, 0, 1, 0, i), v: i, s: 'normal' as const, q: 'good' as const })));
    left.close();
    // The database already knows later samples of these sensors, so the replayed ones are late and applying
    // them reads the stored buckets: hold those reads so the replay is caught in progress.
    const knownLast = Date.UTC(2026, 0, 2);
    repo.latestPages = () => Promise.resolve([{ _id: 'page-00000', sensors: [0, 1].map((k) => ({ sensor_id: `unit-${k}`, known_last: knownLast, open_hour: null, open_day: null, latest: null })) }]) as never;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    repo.raw = () => held.then(() => null);
    repo.rollup = () => held.then(() => null);
    repo.pack = () => held.then(() => null);
    service.onModuleInit();
    await until(async () => service.isReady);
    const replaying = await historian();
    expect(replaying.status).toBe('degraded');
    expect(replaying.message).toBe('replaying journal: 6 samples left');
    release();
    await until(async () => (await historian()).status === 'up');
  });

  it('is degraded while writes fail and up once they succeed, with the samples written', async () => {
    const written: number[] = [];
    repo.write = () => (repo.down ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve(written.push(1)));
    service.onModuleInit();
    await until(async () => (await historian()).status === 'up');
    repo.down = true;
    await service.accept([{ sensor_id: 'unit-a', timestamp: Date.UTC(2026, 0, 1), value: 1, quality: 'good', source: 'rest' }]);
    await service.drain(true, 1000).catch(() => undefined);
    await until(async () => /unreachable/.test((await historian()).message ?? ''));
    repo.down = false;
    await until(async () => (await historian()).status === 'up');
    expect(written.length).toBeGreaterThan(0);
  });
});
