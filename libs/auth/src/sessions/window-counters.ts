/**
 * Fixed-window counters in memory: a key's window starts at its first hit and lasts `windowMs`; the count
 * resets when it ends. The login throttle's own copy of its Redis counters, so limits hold while Redis is
 * away. Bounded: expired windows are dropped, and beyond `maxKeys` the oldest windows go first.
 */
export class WindowCounters {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts a hit and returns the key's count in its window. */
  hit(key: string, now: number): number {
    const w = this.live(key, now) ?? { count: 0, endsAt: now + this.windowMs };
    w.count += 1;
    this.windows.set(key, w);
    if (this.windows.size > this.maxKeys) this.shrink(now);
    return w.count;
  }

  /** The key's count and when its window ends (epoch ms); count 0 when it has no open window. */
  get(key: string, now: number): { count: number; endsAt: number } {
    return this.live(key, now) ?? { count: 0, endsAt: now };
  }

  delete(key: string): void {
    this.windows.delete(key);
  }

  get size(): number {
    return this.windows.size;
  }

  private live(key: string, now: number): { count: number; endsAt: number } | undefined {
    const w = this.windows.get(key);
    if (w && w.endsAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private shrink(now: number): void {
    for (const [key, w] of this.windows) if (w.endsAt <= now) this.windows.delete(key);
    // Map order is insertion order: the oldest windows are the first keys.
    for (const key of this.windows.keys()) {
      if (this.windows.size <= this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
