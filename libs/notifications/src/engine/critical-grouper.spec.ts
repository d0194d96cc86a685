import { CriticalGrouper } from './critical-grouper';

describe('CriticalGrouper', () => {
  it('sends a burst as one message after the gathering delay', () => {
    const g = new CriticalGrouper<string>(60_000, 1000);
    expect(g.offer('a', 0)).toBe(1000);
    for (let i = 0; i < 300; i++) expect(g.offer(`x${i}`, 10 + i)).toBeNull();
    expect(g.flush(999)).toEqual([]);
    const sent = g.flush(1000);
    expect(sent).toHaveLength(301);
    expect(sent[0]).toBe('a');
    expect(g.waiting).toBe(0);
  });

  it('sends at most one message per interval afterwards, listing everything new', () => {
    const g = new CriticalGrouper<string>(60_000, 1000);
    g.offer('a', 0);
    expect(g.flush(1000)).toEqual(['a']);
    // Next alarm 5 s later waits until 60 s after the last message.
    expect(g.offer('b', 6000)).toBe(61_000);
    expect(g.offer('c', 30_000)).toBeNull();
    expect(g.flush(60_000)).toEqual([]);
    expect(g.flush(61_000)).toEqual(['b', 'c']);
    // Long after: only the gathering delay.
    expect(g.offer('d', 500_000)).toBe(501_000);
    expect(g.flush(501_000)).toEqual(['d']);
  });
});
