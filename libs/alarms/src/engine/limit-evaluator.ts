/** Analog limits of a tag, as configured in the registry. */
export interface TagLimits {
  lolo?: number | null;
  lo?: number | null;
  hi?: number | null;
  hihi?: number | null;
  /** Hysteresis: a limit alarm clears only when the value is back inside by this much. */
  deadband?: number | null;
}

export type LimitCondition = 'hihi' | 'hi' | 'lo' | 'lolo';

/**
 * Evaluates each limit condition with deadband (hysteresis): a high limit becomes active above `hi` and
 * stays active until the value falls below `hi - deadband`. This is what stops a value chattering
 * around a limit from raising an alarm at every crossing.
 */
export function evaluateLimits(
  limits: TagLimits,
  value: number,
  previouslyActive: Partial<Record<LimitCondition, boolean>>,
): Partial<Record<LimitCondition, boolean>> {
  const db = Math.abs(limits.deadband ?? 0);
  const out: Partial<Record<LimitCondition, boolean>> = {};
  const high = (c: 'hi' | 'hihi', limit: number | null | undefined) => {
    if (limit === null || limit === undefined) return;
    out[c] = previouslyActive[c] ? value > limit - db : value > limit;
  };
  const low = (c: 'lo' | 'lolo', limit: number | null | undefined) => {
    if (limit === null || limit === undefined) return;
    out[c] = previouslyActive[c] ? value < limit + db : value < limit;
  };
  high('hihi', limits.hihi);
  high('hi', limits.hi);
  low('lo', limits.lo);
  low('lolo', limits.lolo);
  return out;
}
