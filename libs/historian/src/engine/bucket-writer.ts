import { combine, pickSummary, StoredSample, summarize, Summary } from './summary';
import { packId, RawBucketDoc, rawId, RollupDoc, rollupId, RollupPackDoc } from './docs';
import { DAY, floorTo, HOUR, MINUTE } from './time';

/** Reads documents already in the database (by exact `_id`). */
export interface StoredDocs {
  raw(id: string): Promise<RawBucketDoc | null>;
  rollup(id: string): Promise<RollupDoc | null>;
  pack(id: string): Promise<RollupPackDoc | null>;
}

export interface PendingDoc<T> {
  doc: T;
  /** False when the document cannot be in the database yet (insert); true: replace. */
  mayExist: boolean;
  /** Lowest journal sequence whose samples this document holds (the journal keeps them until written). */
  seq: number;
}

export interface PendingWrites {
  raw: Map<string, PendingDoc<RawBucketDoc>>;
  rollups: Map<string, PendingDoc<RollupDoc>>;
  packs: Map<string, PendingDoc<RollupPackDoc>>;
}

interface Period {
  start: number;
  /** Whether the database may already hold a document for this period (loaded from it at open). */
  loaded: boolean;
}
interface OpenMinute extends Period {
  samples: Map<number, StoredSample>;
  minSeq: number;
}
interface OpenSlots extends Period {
  slots: Map<number, Summary>;
}

export interface SensorState {
  id: string;
  minute: OpenMinute | null;
  hour: OpenSlots | null;
  day: OpenSlots | null;
  /** Start of the newest minute opened in this process; samples at or before it are late. */
  frontier: number;
  /** Newest sample time the database may hold for this sensor (from the snapshot, then from samples). */
  knownLast: number;
  latest: StoredSample | null;
  lastArrival: number;
  /** Hour/day that were open when the snapshot was saved (previous run): reloaded before this sensor moves on. */
  reopen?: { hour: number | null; day: number | null };
}

/** What the latest-values snapshot holds per sensor. */
export interface SnapshotEntry {
  sensor_id: string;
  known_last: number;
  latest: StoredSample | null;
  /** Start of the hour and day still open (their rollups not yet written), so a restart can finish them. */
  open_hour?: number | null;
  open_day?: number | null;
}

const emptyWrites = (): PendingWrites => ({ raw: new Map(), rollups: new Map(), packs: new Map() });

function sameSample(a: StoredSample | undefined, b: StoredSample): boolean {
  return !!a && a.v === b.v && a.s === b.s && a.q === b.q;
}

/**
 * The historian's single writer, as pure state: per sensor it keeps the open minute (raw samples), the
 * open hour (minute summaries) and the open day (hour summaries) in memory and emits each document once,
 * complete, when its period closes: raw minute bucket, 1m and 1h rollups, hour and day packs. Every
 * emitted document is computed from everything known for its period, so writing it is a replace, never an
 * increment: replays and re-sends cannot double-count (FerretDB updates are not atomic anyway, and cost one
 * SQLite transaction each, while inserts are batched). Samples for an already closed minute ("late") merge
 * into the stored documents by read-modify-write (the slow path).
 */
export class BucketWriter {
  private readonly sensors = new Map<string, SensorState>();
  private pending: PendingWrites = emptyWrites();
  private inflight: PendingWrites = emptyWrites();
  /** Samples in raw documents waiting to be written (pending, in flight): the writer's share of the backlog. */
  private pendingRawSamples = 0;
  private inflightRawSamples = 0;

  constructor(private readonly db: StoredDocs) {}

  get sensorCount(): number {
    return this.sensors.size;
  }

  sensor(id: string): SensorState | undefined {
    return this.sensors.get(id);
  }

  allSensors(): IterableIterator<SensorState> {
    return this.sensors.values();
  }

  /** Seeds sensors from the last snapshot (start-up): their latest sample and how far the database may go. */
  restore(entries: readonly SnapshotEntry[]): void {
    for (const e of entries) {
      const st = this.state(e.sensor_id, 0);
      st.knownLast = Math.max(st.knownLast, e.known_last);
      if (e.latest && (!st.latest || e.latest.t >= st.latest.t)) st.latest = e.latest;
      if (e.open_hour != null || e.open_day != null) st.reopen = { hour: e.open_hour ?? null, day: e.open_day ?? null };
    }
  }

  snapshot(): SnapshotEntry[] {
    return [...this.sensors.values()].map((s) => ({
      sensor_id: s.id,
      known_last: s.knownLast,
      latest: s.latest,
      open_hour: s.hour?.start ?? s.reopen?.hour ?? null,
      open_day: s.day?.start ?? s.reopen?.day ?? null,
    }));
  }

  /** Sensors whose hour/day from the previous run still have to be reloaded (and then closed when due). */
  get reopenPending(): number {
    let n = 0;
    for (const st of this.sensors.values()) if (st.reopen) n++;
    return n;
  }

  /** Reloads up to `limit` hours/days left open by the previous run, so quiet sensors get them written too. */
  async reopenSome(limit: number): Promise<void> {
    for (const st of this.sensors.values()) {
      if (limit <= 0) return;
      if (!st.reopen) continue;
      await this.ensureReopened(st);
      limit--;
    }
  }

  private async ensureReopened(st: SensorState): Promise<void> {
    const r = st.reopen;
    if (!r) return;
    if (r.day !== null && !st.day) st.day = await this.loadSlots(st, '1h', r.day);
    if (r.hour !== null && !st.hour) {
      if (!st.day) st.day = await this.loadSlots(st, '1h', floorTo(r.hour, DAY));
      st.hour = await this.loadSlots(st, '1m', r.hour);
    }
    st.reopen = undefined;
  }

  /** Applies samples of one journal record (`seq`), in time order. */
  async apply(samples: readonly StoredSample[], seq: number, now: number): Promise<void> {
    const sorted = [...samples].sort((a, b) => a.t - b.t); // stable: a re-sent duplicate later in the batch wins
    for (const x of sorted) {
      const st = this.state(x.sensor_id, now);
      st.lastArrival = now;
      if (st.reopen) await this.ensureReopened(st);
      const m = floorTo(x.t, MINUTE);
      if (st.minute && st.minute.start === m) {
        st.minute.samples.set(x.t, x);
        st.minute.minSeq = Math.min(st.minute.minSeq, seq);
      } else if (m <= st.frontier) {
        await this.late(st, x, seq);
      } else {
        await this.advance(st, m, seq);
        (st.minute as OpenMinute).samples.set(x.t, x);
      }
      if (!st.latest || x.t >= st.latest.t) st.latest = x;
      if (x.t > st.knownLast) st.knownLast = x.t;
    }
  }

  /** Closes periods of sensors that have been quiet for `idleMs` once the period is over on the wall clock. */
  closeIdle(now: number, idleMs: number): void {
    for (const st of this.sensors.values()) {
      if (now - st.lastArrival < idleMs || st.reopen) continue;
      if (st.minute && st.minute.start + MINUTE <= now) this.closeMinute(st);
      if (!st.minute && st.hour && st.hour.start + HOUR <= now) this.closeHour(st);
      if (!st.minute && !st.hour && st.day && st.day.start + DAY <= now) this.closeDay(st);
    }
  }

  /** Closes every open period now (benchmarks, tests): later samples of those periods take the late path. */
  closeAll(): void {
    for (const st of this.sensors.values()) {
      if (st.minute) this.closeMinute(st);
      if (st.hour) this.closeHour(st);
      if (st.day) this.closeDay(st);
    }
  }

  /** Lowest journal sequence not yet in a written document (open minutes, pending and in-flight writes). */
  minPinnedSeq(): number {
    let min = Infinity;
    for (const st of this.sensors.values()) if (st.minute && st.minute.minSeq < min) min = st.minute.minSeq;
    for (const w of [this.pending, this.inflight]) {
      for (const m of [w.raw, w.rollups, w.packs] as Array<Map<string, PendingDoc<unknown>>>) for (const p of m.values()) if (p.seq < min) min = p.seq;
    }
    return min;
  }

  get pendingCount(): number {
    return this.pending.raw.size + this.pending.rollups.size + this.pending.packs.size;
  }

  get inflightCount(): number {
    return this.inflight.raw.size + this.inflight.rollups.size + this.inflight.packs.size;
  }

  /** Hands the pending documents to the write loop; they stay readable (in flight) until `endFlush`. */
  beginFlush(): PendingWrites {
    if (this.inflightCount) throw new Error('a flush is already in flight');
    this.inflight = this.pending;
    this.pending = emptyWrites();
    this.inflightRawSamples = this.pendingRawSamples;
    this.pendingRawSamples = 0;
    return this.inflight;
  }

  /** After a failed write, in-flight documents go back to pending unless a newer version is there. */
  endFlush(ok: boolean): void {
    if (!ok) {
      const back = <T>(from: Map<string, PendingDoc<T>>, to: Map<string, PendingDoc<T>>) => {
        for (const [id, p] of from) {
          const newer = to.get(id);
          if (newer) to.set(id, { ...newer, mayExist: true, seq: Math.min(newer.seq, p.seq) });
          else to.set(id, { ...p, mayExist: true });
        }
      };
      for (const [id, p] of this.inflight.raw) if (!this.pending.raw.has(id)) this.pendingRawSamples += p.doc.samples.length;
      back(this.inflight.raw, this.pending.raw);
      back(this.inflight.rollups, this.pending.rollups);
      back(this.inflight.packs, this.pending.packs);
    }
    this.inflight = emptyWrites();
    this.inflightRawSamples = 0;
  }

  /** Samples held in memory until their raw documents are written. */
  get unwrittenSamples(): number {
    return this.pendingRawSamples + this.inflightRawSamples;
  }

  /** A document not yet written (pending or in flight), newest first. */
  unwritten<K extends keyof PendingWrites>(kind: K, id: string): PendingWrites[K] extends Map<string, PendingDoc<infer T>> ? T | undefined : never {
    const p = (this.pending[kind] as Map<string, PendingDoc<unknown>>).get(id) ?? (this.inflight[kind] as Map<string, PendingDoc<unknown>>).get(id);
    return p?.doc as never;
  }

  // --- internals -------------------------------------------------------------------------------

  private state(id: string, now: number): SensorState {
    let st = this.sensors.get(id);
    if (!st) {
      st = { id, minute: null, hour: null, day: null, frontier: -Infinity, knownLast: -Infinity, latest: null, lastArrival: now };
      this.sensors.set(id, st);
    }
    return st;
  }

  private async getRaw(id: string): Promise<RawBucketDoc | null> {
    return this.unwritten('raw', id) ?? (await this.db.raw(id));
  }
  private async getRollup(id: string): Promise<RollupDoc | null> {
    return this.unwritten('rollups', id) ?? (await this.db.rollup(id));
  }
  private async getPack(id: string): Promise<RollupPackDoc | null> {
    return this.unwritten('packs', id) ?? (await this.db.pack(id));
  }

  private async advance(st: SensorState, m: number, seq: number): Promise<void> {
    if (st.minute) this.closeMinute(st);
    const H = floorTo(m, HOUR);
    const D = floorTo(m, DAY);
    if (st.hour && st.hour.start < H) this.closeHour(st);
    if (st.day && st.day.start < D) this.closeDay(st);
    if (!st.day) st.day = await this.loadSlots(st, '1h', D);
    if (!st.hour) st.hour = await this.loadSlots(st, '1m', H);
    const minute: OpenMinute = { start: m, loaded: false, samples: new Map(), minSeq: seq };
    if (m <= st.knownLast) {
      const doc = await this.getRaw(rawId(st.id, m));
      if (doc) for (const x of doc.samples) minute.samples.set(x.t, { sensor_id: st.id, ...x });
      minute.loaded = true;
    }
    st.minute = minute;
    st.frontier = m;
  }

  /** The summaries inside an hour (`1m` items) or a day (`1h` items): from its pack, else from the rollups. */
  private async loadSlots(st: SensorState, res: '1m' | '1h', start: number): Promise<OpenSlots> {
    const slots = new Map<number, Summary>();
    if (start > st.knownLast) return { start, loaded: false, slots };
    const pack = await this.getPack(packId(st.id, res, start));
    if (pack) {
      for (const it of pack.items) slots.set(it.t, pickSummary(it as unknown as Record<string, unknown>));
    } else {
      const stored = await this.storedRollups(st.id, res, start, Math.min(start + (res === '1m' ? HOUR : DAY), st.knownLast + 1));
      for (const [t, sum] of stored) slots.set(t, sum);
    }
    return { start, loaded: true, slots };
  }

  /** The `res` rollups of a sensor stored one by one (written, or waiting to be) that start in [from, to), by start. */
  async storedRollups(sensorId: string, res: '1m' | '1h', from: number, to: number): Promise<Map<number, Summary>> {
    const unit = res === '1m' ? MINUTE : HOUR;
    const starts: number[] = [];
    for (let t = from; t < to; t += unit) starts.push(t);
    const docs = await Promise.all(starts.map((t) => this.getRollup(rollupId(sensorId, res, t))));
    const out = new Map<number, Summary>();
    docs.forEach((d, i) => d && out.set(starts[i], pickSummary(d as unknown as Record<string, unknown>)));
    return out;
  }

  private closeMinute(st: SensorState): void {
    const m = st.minute as OpenMinute;
    st.minute = null;
    const samples = [...m.samples.values()].sort((a, b) => a.t - b.t);
    const sum = summarize(samples);
    if (!sum) return;
    this.putRaw(st.id, m.start, samples, sum, m.loaded, m.minSeq);
    this.put('rollups', { _id: rollupId(st.id, '1m', m.start), sensor_id: st.id, resolution: '1m', start: new Date(m.start), ...sum }, m.loaded, m.minSeq);
    (st.hour as OpenSlots).slots.set(m.start, sum);
  }

  private closeHour(st: SensorState): void {
    const h = st.hour as OpenSlots;
    st.hour = null;
    const total = this.putPack(st.id, '1m', h.start, h.slots, h.loaded, Infinity);
    if (!total) return;
    this.put('rollups', { _id: rollupId(st.id, '1h', h.start), sensor_id: st.id, resolution: '1h', start: new Date(h.start), ...total }, h.loaded, Infinity);
    (st.day as OpenSlots).slots.set(h.start, total);
  }

  private closeDay(st: SensorState): void {
    const d = st.day as OpenSlots;
    st.day = null;
    this.putPack(st.id, '1h', d.start, d.slots, d.loaded, Infinity);
  }

  /** A sample for a minute already closed: merge it into the stored documents of its minute, hour and day. */
  private async late(st: SensorState, x: StoredSample, seq: number): Promise<void> {
    const m = floorTo(x.t, MINUTE);
    const doc = await this.getRaw(rawId(st.id, m));
    const samples = new Map<number, StoredSample>();
    if (doc) for (const s of doc.samples) samples.set(s.t, { sensor_id: st.id, ...s });
    if (sameSample(samples.get(x.t), x)) return; // a re-send of a stored sample: nothing to do
    samples.set(x.t, x);
    const sorted = [...samples.values()].sort((a, b) => a.t - b.t);
    const sum = summarize(sorted) as Summary;
    this.putRaw(st.id, m, sorted, sum, true, seq);
    this.put('rollups', { _id: rollupId(st.id, '1m', m), sensor_id: st.id, resolution: '1m', start: new Date(m), ...sum }, true, seq);

    const H = floorTo(m, HOUR);
    if (st.hour && st.hour.start === H) {
      st.hour.slots.set(m, sum);
      return;
    }
    const hourSlots = await this.loadSlots({ ...st, knownLast: Infinity }, '1m', H);
    hourSlots.slots.set(m, sum);
    const hourTotal = this.putPack(st.id, '1m', H, hourSlots.slots, true, seq) as Summary;
    this.put('rollups', { _id: rollupId(st.id, '1h', H), sensor_id: st.id, resolution: '1h', start: new Date(H), ...hourTotal }, true, seq);

    const D = floorTo(m, DAY);
    if (st.day && st.day.start === D) {
      st.day.slots.set(H, hourTotal);
      return;
    }
    const daySlots = await this.loadSlots({ ...st, knownLast: Infinity }, '1h', D);
    daySlots.slots.set(H, hourTotal);
    this.putPack(st.id, '1h', D, daySlots.slots, true, seq);
  }

  private putRaw(sensorId: string, m: number, samples: StoredSample[], sum: Summary, mayExist: boolean, seq: number): void {
    const doc: RawBucketDoc = {
      _id: rawId(sensorId, m),
      sensor_id: sensorId,
      start: new Date(m),
      samples: samples.map((s) => ({ t: s.t, v: s.v, s: s.s, q: s.q })),
      ...sum,
    };
    this.put('raw', doc, mayExist, seq);
  }

  private putPack(sensorId: string, res: '1m' | '1h', start: number, slots: Map<number, Summary>, mayExist: boolean, seq: number): Summary | null {
    const items = [...slots.entries()].sort((a, b) => a[0] - b[0]).map(([t, s]) => ({ ...pickSummary(s as unknown as Record<string, unknown>), t }));
    const total = combine(items);
    if (!total) return null;
    this.put('packs', { _id: packId(sensorId, res, start), sensor_id: sensorId, resolution: res, start: new Date(start), items, ...total }, mayExist, seq);
    return total;
  }

  private put<K extends keyof PendingWrites>(kind: K, doc: PendingWrites[K] extends Map<string, PendingDoc<infer T>> ? T : never, mayExist: boolean, seq: number): void {
    const map = this.pending[kind] as Map<string, PendingDoc<{ _id: string }>>;
    const id = (doc as { _id: string })._id;
    const prev = map.get(id);
    // A document still in flight may be written by then: the next write must replace, not insert.
    const inflight = (this.inflight[kind] as Map<string, PendingDoc<unknown>>).has(id);
    if (kind === 'raw') this.pendingRawSamples += (doc as RawBucketDoc).samples.length - ((prev?.doc as RawBucketDoc | undefined)?.samples.length ?? 0);
    map.set(id, { doc: doc as { _id: string }, mayExist: mayExist || inflight || !!prev?.mayExist, seq: Math.min(seq, prev?.seq ?? Infinity) });
  }
}
