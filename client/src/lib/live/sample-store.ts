import type { LiveSampleDto } from '@idm/contracts';

/** The live state of one sensor as tiles draw it. Replaced (never mutated) on every change. */
export interface LiveValue {
  value: number;
  /** Epoch ms of the sample. */
  at: number;
  quality: string;
  status: string;
  /** Epoch ms it arrived here; drives the stale indicator. */
  receivedAt: number;
  stale: boolean;
  /**
   * The last measured (good) value this screen received, carried through later samples: a comm-failure
   * sample's value is a placeholder (the server sends 0 for a tag it never read), so a tile shows this
   * instead, or nothing when there is none. Null: no good value yet.
   */
  lastGood: number | null;
  /** Recent values for the sparkline, oldest first. */
  trend: readonly number[];
  /** Epoch ms of each `trend` value. */
  trendAt: readonly number[];
}

const TREND_POINTS = 60;

/**
 * Latest value per sensor with one listener set per sensor, so an update re-renders only the tiles of
 * the sensors that changed (2 000 tiles at 1 Hz would not survive a global re-render).
 */
export class SampleStore {
  private values = new Map<string, LiveValue>();
  private listeners = new Map<string, Set<() => void>>();

  constructor(private readonly staleAfterMs: number, private readonly now: () => number = Date.now) {}

  get(id: string): LiveValue | undefined {
    return this.values.get(id);
  }

  subscribe(id: string, l: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(l);
    return () => {
      set.delete(l);
      if (!set.size) this.listeners.delete(id);
    };
  }

  /** Seeds a value (e.g. the latest value from REST) without overwriting newer live data. */
  seed(id: string, value: number, at: number, quality = 'good', status = 'normal'): void {
    const cur = this.values.get(id);
    if (cur && cur.at >= at) return;
    const lastGood = quality === 'good' ? value : (cur?.lastGood ?? null);
    this.values.set(id, { value, at, quality, status, receivedAt: at, stale: this.now() - at > this.staleAfterMs, lastGood, trend: cur?.trend ?? [value], trendAt: cur?.trendAt ?? [at] });
    this.notify([id]);
  }

  /** Applies one frame's samples, notifying each changed sensor once. */
  apply(samples: readonly LiveSampleDto[]): void {
    const now = this.now();
    const changed = new Set<string>();
    for (const s of samples) {
      const at = Date.parse(s.timestamp) || now;
      const cur = this.values.get(s.sensor_id);
      if (cur && cur.at > at) continue;
      const trend = cur ? [...cur.trend.slice(-(TREND_POINTS - 1)), s.value] : [s.value];
      const trendAt = cur ? [...cur.trendAt.slice(-(TREND_POINTS - 1)), at] : [at];
      const lastGood = s.quality === 'good' ? s.value : (cur?.lastGood ?? null);
      this.values.set(s.sensor_id, { value: s.value, at, quality: s.quality, status: s.status, receivedAt: now, stale: false, lastGood, trend, trendAt });
      changed.add(s.sensor_id);
    }
    this.notify(changed);
  }

  /** Marks values that stopped arriving as stale (run about once a second). */
  sweep(): void {
    const now = this.now();
    const changed: string[] = [];
    for (const [id, v] of this.values) {
      if (!v.stale && now - v.receivedAt > this.staleAfterMs) {
        this.values.set(id, { ...v, stale: true });
        changed.push(id);
      }
    }
    this.notify(changed);
  }

  private notify(ids: Iterable<string>): void {
    for (const id of ids) this.listeners.get(id)?.forEach((l) => l());
  }
}
