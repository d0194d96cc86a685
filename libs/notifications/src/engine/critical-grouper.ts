/**
 * Groups and rate-limits immediate e-mails (pure; the shell owns the timer). An item starts a short
 * gathering delay so a burst arriving together goes out as one message; after a message, the next one
 * waits until `intervalMs` has passed, collecting everything that arrives meanwhile. A flood of
 * hundreds of critical alarms therefore produces one message per interval, not one per alarm.
 */
export class CriticalGrouper<T> {
  private pending: T[] = [];
  private lastSentAt = -Infinity;
  private dueAt: number | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly gatherMs = 1000,
  ) {}

  /** Adds an item; returns when the shell should call `flush` (null if a flush is already due). */
  offer(item: T, now: number): number | null {
    this.pending.push(item);
    if (this.dueAt !== null) return null;
    this.dueAt = Math.max(now + this.gatherMs, this.lastSentAt + this.intervalMs);
    return this.dueAt;
  }

  /** The items to send now as one message (empty if not yet due). */
  flush(now: number): T[] {
    if (this.dueAt === null || now < this.dueAt || !this.pending.length) return [];
    const out = this.pending;
    this.pending = [];
    this.dueAt = null;
    this.lastSentAt = now;
    return out;
  }

  get waiting(): number {
    return this.pending.length;
  }
}
