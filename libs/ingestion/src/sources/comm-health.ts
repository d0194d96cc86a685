import type { DeviceState } from '@idm/contracts';
import type { SourceCarryOver } from './source-driver';

/** What a failed connect or a lost connection means for the tags: already reported, now a comm failure, or still stale. */
export type FailureOutcome = 'already_reported' | 'comm_failure' | 'stale';

/**
 * The comm-health bookkeeping every subscription-style source (OPC UA, MQTT) shares: its state, since when it
 * is in comm failure, and each tag's last good value; the hand-over to a replacing connection; when a failure
 * becomes a comm failure (after `failAfter` consecutive failures: one blip is not an alarm) and when it ends.
 * Pure: the connection reports the events and publishes the samples the outcome calls for.
 */
export class CommHealth {
  state: DeviceState = 'connecting';
  failedSince: number | null = null;
  readonly last = new Map<string, number>();

  /** Takes over what the replaced connection knew: last values of this connection's tags and an outstanding comm failure. */
  constructor(tagIds: { has(id: string): boolean }, carry?: SourceCarryOver) {
    if (!carry) return;
    for (const [k, v] of carry.last) if (tagIds.has(k)) this.last.set(k, v);
    if (carry.commFailedSince !== null) {
      // Reported by the connection this one replaces: its end must be reported too.
      this.state = 'comm_failure';
      this.failedSince = carry.commFailedSince;
    }
  }

  /** Traffic flows again: the connection is connected; returns how long it was in comm failure if that ends now. */
  restored(now: number): number | null {
    const downMs = this.state === 'comm_failure' && this.failedSince !== null ? now - this.failedSince : null;
    this.state = 'connected';
    this.failedSince = null;
    return downMs;
  }

  /** The `consecutive`-th failure in a row at `at`. */
  failed(at: number, consecutive: number, failAfter: number): FailureOutcome {
    if (this.failedSince === null) this.failedSince = at;
    if (this.state === 'comm_failure') return 'already_reported';
    if (consecutive >= failAfter) {
      this.state = 'comm_failure';
      return 'comm_failure';
    }
    if (this.state !== 'connected') this.state = 'connecting';
    return 'stale';
  }

  carryOver(): SourceCarryOver {
    return { commFailedSince: this.state === 'comm_failure' ? this.failedSince : null, last: new Map(this.last) };
  }
}
