/**
 * Timing of the writer lease (IDM_ROLE=auto), as pure logic: no Redis, no timers, times in milliseconds of
 * one instance's monotonic clock.
 *
 * The argument (also in the README, "Hot standby"): a renew (or the acquire) sent at local time `sentAt`
 * that succeeds makes Redis keep the lease at least until `sentAt + leaseMs` on Redis' clock, because Redis
 * starts the PX countdown when it runs the command, which is after `sentAt`. The writer trusts itself only
 * until `sentAt + leaseMs - marginMs` on its own clock, where the margin covers the rate difference of the
 * two clocks over one lease and the time a step-down takes to reach every processing path. A standby gets
 * the lease only with SET NX, i.e. once Redis has let it expire. So the old writer has stopped before a new
 * one can start, however its renews fail (killed, frozen, cut off from Redis, Redis down).
 */
export interface LeaseTiming {
  /** Lifetime of the lease in Redis (PX). */
  readonly leaseMs: number;
  /** How often the writer renews and a standby tries to acquire. */
  readonly renewMs: number;
  /** Safety margin: the writer stops this long before the lease can expire. */
  readonly marginMs: number;
}

/** Clock rates of two healthy machines differ by far less than this (NTP slews at most 500 ppm). */
export const MAX_CLOCK_DRIFT = 0.01;
/** At least this margin, whatever the lease: the step-down must reach the poller and the write paths. */
export const MIN_MARGIN_MS = 200;

/**
 * The timing for a lease: renew every lease/3 unless told otherwise (two renews can fail before the writer
 * steps down), margin = a fifth of the lease (at least MIN_MARGIN_MS, always more than the drift over one lease).
 */
export function leaseTiming(leaseMs: number, renewMs?: number): LeaseTiming {
  const marginMs = Math.max(MIN_MARGIN_MS, Math.ceil(leaseMs / 5), Math.ceil(leaseMs * MAX_CLOCK_DRIFT));
  const renew = renewMs ?? Math.floor(leaseMs / 3);
  if (!(renew > 0) || renew * 2 > leaseMs - marginMs) {
    throw new Error(`renew interval ${renew} ms is too long for a lease of ${leaseMs} ms: two renews must fit in lease - margin (${leaseMs - marginMs} ms)`);
  }
  return { leaseMs, renewMs: renew, marginMs };
}

/** Until when (local clock) a writer whose renew/acquire was sent at `sentAt` and succeeded may process. */
export function trustedUntil(sentAt: number, t: LeaseTiming): number {
  return sentAt + t.leaseMs - t.marginMs;
}

/** The earliest time Redis can let a lease renewed at `sentAt` expire (lower bound, same clock). */
export function earliestExpiry(sentAt: number, t: LeaseTiming): number {
  return sentAt + t.leaseMs;
}

/** What one instance knows of its own part in the election. */
export type ElectionState =
  | { readonly role: 'standby' }
  | { readonly role: 'writer'; readonly epoch: number; readonly until: number };

export const STANDBY: ElectionState = { role: 'standby' };

/** Whether this instance may process at `now`: it holds the lease and trusts it. */
export function isWriterAt(s: ElectionState, now: number): boolean {
  return s.role === 'writer' && now < s.until;
}

/** Outcome of one acquire-or-renew round trip with Redis. */
export type LeaseAnswer =
  /** SET NX (standby) or compare-and-renew (writer) succeeded; `epoch` is the lease's fencing token. */
  | { readonly kind: 'held'; readonly epoch: number }
  /** Someone else holds the lease (or ours is gone). */
  | { readonly kind: 'taken' }
  /** Redis did not answer: nothing is known. */
  | { readonly kind: 'error' };

/**
 * The next state after a round trip sent at `sentAt` and answered at `now`. A writer whose renew failed
 * stays writer until its trust runs out (a short Redis hiccup does not stop the plant), but never past it;
 * a lease found in other hands ends it at once.
 */
export function afterRoundTrip(s: ElectionState, answer: LeaseAnswer, sentAt: number, now: number, t: LeaseTiming): ElectionState {
  if (answer.kind === 'held') {
    const until = trustedUntil(sentAt, t);
    // An answer that arrives after its own trust window ran out proves nothing about now.
    if (now >= until) return STANDBY;
    // A lease renewed late keeps the epoch it was acquired with; a fresh one brings its new epoch.
    return { role: 'writer', epoch: answer.epoch, until };
  }
  if (answer.kind === 'taken') return STANDBY;
  return isWriterAt(s, now) ? s : STANDBY;
}
