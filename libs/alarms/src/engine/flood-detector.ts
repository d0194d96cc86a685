/**
 * EEMUA 191 / ISA-18.2 alarm flood: more than `threshold` alarms raised within a sliding window
 * (10 minutes). O(1) amortised per event; memory bounded by the threshold plus the window's events.
 */
export class FloodDetector {
  private readonly raisedAt: number[] = [];
  private head = 0;
  private flooding = false;

  constructor(
    private readonly threshold: number,
    private readonly windowMs = 10 * 60 * 1000,
  ) {}

  /** Records a raised alarm at `at`; returns whether a flood is in progress afterwards. */
  recordRaised(at: number): boolean {
    this.raisedAt.push(at);
    return this.update(at);
  }

  /** Re-evaluates at `at` (a flood ends when the window no longer holds more than `threshold`). */
  update(at: number): boolean {
    while (this.head < this.raisedAt.length && this.raisedAt[this.head] <= at - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.raisedAt.length) {
      this.raisedAt.splice(0, this.head);
      this.head = 0;
    }
    this.flooding = this.raisedAt.length - this.head > this.threshold;
    return this.flooding;
  }

  get inFlood(): boolean {
    return this.flooding;
  }

  get countInWindow(): number {
    return this.raisedAt.length - this.head;
  }
}
