/**
 * Groups and rate-limits immediate e-mails (pure; the shell owns the timer). Items are gathered while
 * they keep coming (each new one within `gatherMs` of the previous, for at most `maxGatherMs`), so a flood
 * arriving over a few seconds goes out as one message; after a message, the next one waits until
 * `intervalMs` has passed, collecting everything that arrives meanwhile. Hundreds of critical alarms
 * therefore produce one message per interval, not one per alarm.
 */
export class CriticalGrouper<T> {
  private pending: T[] = [];
  private lastSentAt = -Infinity;
  private firstPendingAt: number | null = null;
  private lastOfferAt = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly gatherMs = 1000,
    private readonly maxGatherMs = 10_000,
  ) {}

  /** Adds an item; returns when the shell should call `flush` (re-arm the timer to this time). */
  offer(item: T, now: number): number {
    this.pending.push(item);
    this.firstPendingAt ??= now;
    this.lastOfferAt = now;
    return this.dueAt() as number;
  }

  /** When the pending items are due (null when nothing waits). */
  dueAt(): number | null {
    if (this.firstPendingAt === null) return null;
    const quiet = Math.min(this.lastOfferAt + this.gatherMs, this.firstPendingAt + this.maxGatherMs);
    return Math.max(quiet, this.lastSentAt + this.intervalMs);
  }

  /** The items to send now as one message (empty if not yet due). */
  flush(now: number): T[] {
    const due = this.dueAt();
    if (due === null || now < due) return [];
    const out = this.pending;
    this.pending = [];
    this.firstPendingAt = null;
    this.lastSentAt = now;
    return out;
  }

  get waiting(): number {
    return this.pending.length;
  }
}
