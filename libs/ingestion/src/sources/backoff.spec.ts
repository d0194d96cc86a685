import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const opts = { baseMs: 100, maxMs: 1000, jitter: 0.5 };

  it('doubles per attempt up to the cap when jitter draws 0', () => {
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, opts, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitter shortens the delay by at most the jitter fraction', () => {
    expect(backoffDelay(2, opts, () => 1)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, opts);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});
