/**
 * The history of an asset's health statistic (its statistic/limit ratio against 1), kept for the asset view:
 * one point per `HEALTH_BUCKET_MS`, the highest ratio scored in it (a peak must not be averaged away), grouped
 * by the hour so each hour is one stored document written whole by its only writer (no `$push` on FerretDB).
 * Pure: no Nest, no I/O.
 */
export const HEALTH_BUCKET_MS = 10_000;
export const HEALTH_HOUR_MS = 3_600_000;

export type HealthState = 'training' | 'scored' | 'missing';

/** One bucket: its start, the highest ratio scored (null when nothing was scored), and the last state seen. */
export interface HealthPoint {
  t: number;
  ratio: number | null;
  state: HealthState;
}

/** The buckets of one asset in one hour, in time order. */
export interface HealthHour {
  hour: number;
  points: HealthPoint[];
}

export class AssetHealthHistory {
  /** Hours still open or not yet saved, by start. */
  private readonly hours = new Map<number, HealthPoint[]>();
  private readonly unsaved = new Set<number>();
  private readonly seeded = new Set<number>();

  /**
   * Takes in what was stored of an hour before this process held it (a restart, another writer), so saving
   * that hour again keeps it: the stored buckets this one has no point for are added.
   */
  seed(hour: HealthHour): void {
    const mine = this.hours.get(hour.hour) ?? [];
    this.hours.set(hour.hour, unionByBucket(hour.points, mine));
    this.seeded.add(hour.hour);
  }

  /** Hours held that were not taken in from the store yet (to load and `seed` before they are saved). */
  unseeded(): number[] {
    return [...this.hours.keys()].filter((h) => !this.seeded.has(h));
  }

  /** Records one verdict of the asset's clock. Verdicts older than the last bucket of their hour are folded into it. */
  add(ts: number, state: HealthState, ratio: number | null): void {
    const hour = ts - (((ts % HEALTH_HOUR_MS) + HEALTH_HOUR_MS) % HEALTH_HOUR_MS);
    const t = ts - (((ts % HEALTH_BUCKET_MS) + HEALTH_BUCKET_MS) % HEALTH_BUCKET_MS);
    let points = this.hours.get(hour);
    if (!points) this.hours.set(hour, (points = []));
    const last = points[points.length - 1];
    const scored = state === 'scored' ? ratio : null;
    if (last && last.t >= t) {
      if (scored !== null) last.ratio = last.ratio === null ? scored : Math.max(last.ratio, scored);
      last.state = state;
    } else {
      points.push({ t, ratio: scored, state });
    }
    this.unsaved.add(hour);
  }

  /** The hours changed since the last call (to save), and forgets closed hours older than the newest but one. */
  takeUnsaved(): HealthHour[] {
    const out = [...this.unsaved].sort((a, b) => a - b).map((hour) => ({ hour, points: this.hours.get(hour)!.map((p) => ({ ...p })) }));
    this.unsaved.clear();
    const newest = Math.max(...this.hours.keys());
    for (const hour of [...this.hours.keys()]) {
      if (hour < newest - HEALTH_HOUR_MS && !this.unsaved.has(hour)) {
        this.hours.delete(hour);
        this.seeded.delete(hour);
      }
    }
    return out;
  }

  /** The hours held in memory (the newest ones, possibly not saved yet). */
  recent(): HealthHour[] {
    return [...this.hours.entries()].sort((a, b) => a[0] - b[0]).map(([hour, points]) => ({ hour, points: points.map((p) => ({ ...p })) }));
  }

  /** Marks hours as unsaved again after a failed save. */
  retry(hours: readonly HealthHour[]): void {
    for (const h of hours) if (this.hours.has(h.hour)) this.unsaved.add(h.hour);
  }
}

/** The points of stored and in-memory hours (memory wins for a bucket both have) within [from, to], in time order. */
export function mergeHealthHours(stored: readonly HealthHour[], memory: readonly HealthHour[], from: number, to: number): HealthPoint[] {
  return unionByBucket(stored.flatMap((h) => h.points), memory.flatMap((h) => h.points)).filter((p) => p.t + HEALTH_BUCKET_MS > from && p.t <= to);
}

/** `older`'s points for buckets `newer` has none of, with all of `newer`'s, in time order. */
function unionByBucket(older: readonly HealthPoint[], newer: readonly HealthPoint[]): HealthPoint[] {
  const have = new Set(newer.map((p) => p.t));
  return [...older.filter((p) => !have.has(p.t)).map((p) => ({ ...p })), ...newer].sort((a, b) => a.t - b.t);
}
