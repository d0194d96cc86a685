import { BucketWriter, PendingWrites, StoredDocs } from './bucket-writer';
import type { RawBucketDoc, RollupDoc, RollupPackDoc } from './docs';
import { fromStoredPack, toStoredPack } from './pack-codec';
import type { StoredSample } from './summary';
import { HOUR, MINUTE } from './time';

/** An in-memory "database" that applies the writer's output like the repository does. */
class FakeDb implements StoredDocs {
  raws = new Map<string, RawBucketDoc>();
  rollups = new Map<string, RollupDoc>();
  packs = new Map<string, RollupPackDoc>();
  inserts = 0;
  replaces = 0;
  async raw(id: string) { return this.raws.get(id) ?? null; }
  async rollup(id: string) { return this.rollups.get(id) ?? null; }
  async pack(id: string) { return this.packs.get(id) ?? null; }
  write(w: PendingWrites): void {
    for (const [map, docs] of [[this.raws, w.raw], [this.rollups, w.rollups], [this.packs, w.packs]] as const) {
      for (const [id, p] of docs) {
        if (!p.mayExist && (map as Map<string, unknown>).has(id)) this.replaces++; // duplicate insert falls back to replace
        else if (p.mayExist) this.replaces++;
        else this.inserts++;
        // Packs go through their stored layout and back, as the repository writes and reads them.
        (map as Map<string, unknown>).set(id, map === this.packs ? fromStoredPack(structuredClone(toStoredPack(p.doc as RollupPackDoc))) : structuredClone(p.doc));
      }
    }
  }
}

const t0 = Date.UTC(2026, 0, 1, 10);
const x = (t: number, v: number, sensor = 'a'): StoredSample => ({ sensor_id: sensor, t, v, s: v > 90 ? 'anomaly' : 'normal', q: 'good' });

async function flush(w: BucketWriter, db: FakeDb): Promise<void> {
  db.write(w.beginFlush());
  w.endFlush(true);
}

describe('BucketWriter', () => {
  it('writes each closed minute once (insert) with its 1m rollup, then the hour rollup and pack', async () => {
    const db = new FakeDb();
    const w = new BucketWriter(db);
    const samples = Array.from({ length: 3 * 60 }, (_, i) => x(t0 + i * 1000, i % 100)); // 3 minutes at 1 Hz
    await w.apply(samples, 1, 0);
    expect(w.minPinnedSeq()).toBe(1);
    w.closeAll();
    await flush(w, db);
    expect(db.raws.size).toBe(3);
    expect(db.replaces).toBe(0);
    expect(db.rollups.get(`a|1m|${t0}`)).toMatchObject({ count: 60, min: 0, max: 59, first: 0, last: 59 });
    expect(db.rollups.get(`a|1h|${t0}`)).toMatchObject({ count: 180, min: 0, max: 99, anomaly_count: 9 });
    expect(db.packs.get(`a|1m|${t0}`)?.items.map((i) => i.t)).toEqual([t0, t0 + MINUTE, t0 + 2 * MINUTE]);
    expect(w.minPinnedSeq()).toBe(Infinity);
  });

  it('does not double a re-sent sample, and merges a late one into minute, hour and day', async () => {
    const db = new FakeDb();
    const w = new BucketWriter(db);
    const samples = Array.from({ length: 120 }, (_, i) => x(t0 + i * 1000, 10));
    await w.apply(samples, 1, 0);
    await w.apply([x(t0 + 2 * MINUTE, 10)], 2, 0); // closes minute 2 by moving on
    await flush(w, db);
    await w.apply(samples.slice(0, 30), 3, 0); // re-sent: already stored, identical
    expect(w.pendingCount).toBe(0);
    await w.apply([x(t0 + 500, 20)], 4, 0); // late: a new sample in a closed minute
    w.closeAll();
    await flush(w, db);
    expect(db.rollups.get(`a|1m|${t0}`)).toMatchObject({ count: 61, max: 20 });
    expect(db.rollups.get(`a|1h|${t0}`)).toMatchObject({ count: 122 });
    expect(db.packs.get(`a|1h|${Date.UTC(2026, 0, 1)}`)).toMatchObject({ count: 122 });
  });

  it('after a restart, continues a minute and an hour already in the database from the snapshot', async () => {
    const db = new FakeDb();
    const first = new BucketWriter(db);
    await first.apply(Array.from({ length: 90 }, (_, i) => x(t0 + i * 1000, 1)), 1, 0);
    first.closeAll(); // minute 0 and minute 1 (30 samples) written, hour pack too
    await flush(first, db);
    const restarted = new BucketWriter(db);
    restarted.restore(first.snapshot());
    // The journal replays the last 30 samples of minute 1 again, then new ones arrive.
    await restarted.apply(Array.from({ length: 60 }, (_, i) => x(t0 + 60_000 + i * 1000, 1)), 5, 0);
    await restarted.apply([x(t0 + HOUR, 1)], 6, 0);
    restarted.closeAll();
    await flush(restarted, db);
    expect(db.rollups.get(`a|1m|${t0 + MINUTE}`)?.count).toBe(60);
    expect(db.rollups.get(`a|1h|${t0}`)?.count).toBe(120);
    expect(db.rollups.get(`a|1h|${t0 + HOUR}`)?.count).toBe(1);
  });

  it('finishes the hour and day a crash left open, even for a sensor that stays quiet', async () => {
    const db = new FakeDb();
    const first = new BucketWriter(db);
    await first.apply(Array.from({ length: 150 }, (_, i) => x(t0 + i * 1000, 2)), 1, t0);
    await first.apply([x(t0 + 3 * MINUTE, 2)], 2, t0); // minutes 0-2 closed, written; the hour stays open
    await flush(first, db);
    const snap = first.snapshot();
    expect(snap[0]).toMatchObject({ open_hour: t0, open_day: Date.UTC(2026, 0, 1) });
    // Crash: the open minute 3 is replayed from the journal; nothing else arrives for this sensor.
    const restarted = new BucketWriter(db);
    restarted.restore(snap);
    expect(restarted.reopenPending).toBe(1);
    await restarted.apply([x(t0 + 3 * MINUTE, 2)], 2, t0 + 5 * MINUTE);
    expect(restarted.reopenPending).toBe(0);
    restarted.closeIdle(t0 + 2 * 86_400_000, 5000);
    await flush(restarted, db);
    expect(db.rollups.get(`a|1h|${t0}`)?.count).toBe(151);
    expect(db.packs.get(`a|1h|${Date.UTC(2026, 0, 1)}`)?.count).toBe(151);
  });

  it('keeps unwritten documents after a failed write and pins the journal until they are written', async () => {
    const db = new FakeDb();
    const w = new BucketWriter(db);
    await w.apply([x(t0, 1), x(t0 + MINUTE, 2)], 7, 0);
    w.beginFlush();
    w.endFlush(false); // the database was away
    expect(w.minPinnedSeq()).toBe(7);
    expect(w.unwritten('raw', `a|raw|${t0}`)?.count).toBe(1);
    w.closeAll();
    await flush(w, db);
    expect(db.raws.size).toBe(2);
    expect(w.minPinnedSeq()).toBe(Infinity);
  });

  it('counts every sample once when a batch arrives before the one it follows (an hour begun mid-hour, then completed late)', async () => {
    const db = new FakeDb();
    const w = new BucketWriter(db);
    const day = Date.UTC(2026, 0, 1);
    const at = (from: number, to: number) => Array.from({ length: (to - from) / 1000 }, (_, i) => x(from + i * 1000, 5));
    // Two senders: the batch from 22:13 to 01:00 is applied before the one from 20:00 to 22:13.
    const later = at(day + 22 * HOUR + 13 * MINUTE, day + 25 * HOUR);
    const earlier = at(day + 20 * HOUR, day + 22 * HOUR + 13 * MINUTE);
    await w.apply(later, 1, 0);
    await flush(w, db);
    await w.apply(earlier, 2, 0);
    w.closeAll();
    await flush(w, db);
    const dayPack = db.packs.get(`a|1h|${day}`)!;
    expect(dayPack.items.map((i) => (i.t - day) / HOUR)).toEqual([20, 21, 22, 23]);
    expect(dayPack.items.map((i) => i.count)).toEqual([3600, 3600, 3600, 3600]);
    expect(dayPack.count).toBe(4 * 3600);
    expect(db.rollups.get(`a|1h|${day + 22 * HOUR}`)?.count).toBe(3600);
    expect(db.packs.get(`a|1m|${day + 22 * HOUR}`)?.items.map((i) => i.t)).toEqual(Array.from({ length: 60 }, (_, k) => day + 22 * HOUR + k * MINUTE));
  });

  it('closes a quiet sensor only once its minute is over on the wall clock', async () => {
    const w = new BucketWriter(new FakeDb());
    await w.apply([x(t0 + 1000, 1)], 1, t0 + 1000);
    w.closeIdle(t0 + 30_000, 5000);
    expect(w.pendingCount).toBe(0);
    w.closeIdle(t0 + MINUTE + 1, 5000);
    expect(w.pendingCount).toBe(2); // raw bucket + 1m rollup
  });

  it('counts the samples waiting in unwritten raw minutes (the backlog bound), back to pending after a failed write', async () => {
    const db = new FakeDb();
    const w = new BucketWriter(db);
    await w.apply(Array.from({ length: 150 }, (_, i) => x(t0 + i * 1000, 1)), 1, t0);
    expect(w.unwrittenSamples).toBe(120); // two closed minutes; the third is still open
    w.beginFlush();
    await w.apply([x(t0 + 150_000, 2), x(t0 + 185_000, 2)], 2, t0); // closes the third minute meanwhile
    expect(w.unwrittenSamples).toBe(120 + 31);
    w.endFlush(false);
    expect(w.unwrittenSamples).toBe(151);
    await flush(w, db);
    expect(w.unwrittenSamples).toBe(0);
  });
});
