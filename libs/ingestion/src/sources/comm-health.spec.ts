import { CommHealth } from './comm-health';

describe('CommHealth', () => {
  it('repeats last values as stale below failAfter, reports one comm failure at it, and its end once', () => {
    const h = new CommHealth(new Set(['a']));
    h.last.set('a', 1);
    expect(h.failed(1000, 1, 2)).toBe('stale');
    expect(h.state).toBe('connecting');
    expect(h.failed(2000, 2, 2)).toBe('comm_failure');
    expect(h.failed(3000, 3, 2)).toBe('already_reported');
    expect(h.carryOver()).toEqual({ commFailedSince: 1000, last: new Map([['a', 1]]) });
    expect(h.restored(5000)).toBe(4000);
    expect(h.restored(6000)).toBeNull();
    expect(h.state).toBe('connected');
  });

  it('takes over an outstanding comm failure and the last values of its own tags only', () => {
    const h = new CommHealth(new Set(['a']), { commFailedSince: 500, last: new Map([['a', 2], ['gone', 3]]) });
    expect(h.state).toBe('comm_failure');
    expect([...h.last]).toEqual([['a', 2]]);
    expect(h.restored(1500)).toBe(1000);
  });

  it('a connected source that blips stays connected (stale values, no comm failure yet)', () => {
    const h = new CommHealth(new Set());
    h.restored(0);
    expect(h.failed(10, 1, 2)).toBe('stale');
    expect(h.state).toBe('connected');
  });
});
