import { WindowCounters } from './window-counters';

describe('WindowCounters', () => {
  it('counts hits in a window that starts at the first hit and resets when it ends', () => {
    const c = new WindowCounters(1000);
    expect(c.hit('a', 0)).toBe(1);
    expect(c.hit('a', 500)).toBe(2);
    expect(c.get('a', 999)).toEqual({ count: 2, endsAt: 1000 });
    expect(c.get('a', 1000)).toEqual({ count: 0, endsAt: 1000 });
    expect(c.hit('a', 1000)).toBe(1);
    expect(c.get('b', 0).count).toBe(0);
  });

  it('forgets a key on delete', () => {
    const c = new WindowCounters(1000);
    c.hit('a', 0);
    c.delete('a');
    expect(c.get('a', 1).count).toBe(0);
  });

  it('stays within its bound: expired windows first, then the oldest', () => {
    const c = new WindowCounters(1000, 3);
    c.hit('old', 0);
    c.hit('a', 900);
    c.hit('b', 950);
    c.hit('c', 1500); // 'old' has expired: it goes
    expect(c.size).toBe(3);
    expect(c.get('a', 1500).count).toBe(1);
    c.hit('d', 1600); // none expired: the oldest ('a') goes
    expect(c.size).toBe(3);
    expect(c.get('a', 1600).count).toBe(0);
    expect(c.get('d', 1600).count).toBe(1);
  });
});
