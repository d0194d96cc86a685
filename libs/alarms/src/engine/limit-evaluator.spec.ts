import { evaluateLimits } from './limit-evaluator';

describe('evaluateLimits', () => {
  const limits = { lo: 10, lolo: 5, hi: 90, hihi: 95, deadband: 2 };

  it('activates each limit when crossed', () => {
    expect(evaluateLimits(limits, 96, {})).toEqual({ hihi: true, hi: true, lo: false, lolo: false });
    expect(evaluateLimits(limits, 4, {})).toEqual({ hihi: false, hi: false, lo: true, lolo: true });
    expect(evaluateLimits(limits, 50, {})).toEqual({ hihi: false, hi: false, lo: false, lolo: false });
  });

  it('applies the deadband: a value chattering just under the limit stays active', () => {
    let active = evaluateLimits(limits, 91, {});
    expect(active.hi).toBe(true);
    const seen = new Set<boolean>();
    for (const v of [89.5, 90.5, 88.5, 90.2, 88.1]) {
      active = evaluateLimits(limits, v, active);
      seen.add(active.hi as boolean);
    }
    expect([...seen]).toEqual([true]);
    expect(evaluateLimits(limits, 87.9, active).hi).toBe(false);
  });

  it('ignores limits that are not configured', () => {
    expect(evaluateLimits({ hi: 1 }, 2, {})).toEqual({ hi: true });
  });
});
