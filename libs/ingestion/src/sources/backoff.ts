export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** 0..1: the delay is drawn from [d * (1 - jitter), d], so many devices failing together do not retry in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30000, jitter: 0.3 };

/** Delay before reconnect attempt `attempt` (0 = first retry): exponential, capped, with jitter. */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  const jitter = Math.min(1, Math.max(0, opts.jitter));
  return Math.round(exp * (1 - jitter * random()));
}
