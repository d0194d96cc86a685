import { CriticalGrouper } from './critical-grouper';

describe('CriticalGrouper', () => {
  it('gathers a burst while it keeps coming and sends it as one message', () => {
    const g = new CriticalGrouper<string>(60_000, 1000, 10_000);
    expect(g.offer('a', 0)).toBe(1000);
    // 300 alarms, one every 10 ms (3 s in all): the message waits for a quiet second.
    for (let i = 1; i <= 300; i++) g.offer(`x${i}`, i * 10);
    expect(g.dueAt()).toBe(4000);
    expect(g.flush(1000)).toEqual([]);
    const sent = g.flush(4000);
    expect(sent).toHaveLength(301);
    expect(sent[0]).toBe('a');
    expect(g.waiting).toBe(0);
    expect(g.dueAt()).toBeNull();
  });

  it('does not wait for a quiet moment longer than the maximum gathering time', () => {
    const g = new CriticalGrouper<string>(60_000, 1000, 10_000);
    for (let t = 0; t <= 20_000; t += 500) g.offer(`x${t}`, t);
    expect(g.dueAt()).toBe(10_000);
  });

  it('sends at most one message per interval afterwards, listing everything new', () => {
    const g = new CriticalGrouper<string>(60_000, 1000);
    g.offer('a', 0);
    expect(g.flush(1000)).toEqual(['a']);
    // The next alarm 5 s later waits until 60 s after the last message.
    expect(g.offer('b', 6000)).toBe(61_000);
    expect(g.offer('c', 30_000)).toBe(61_000);
    expect(g.flush(60_000)).toEqual([]);
    expect(g.flush(61_000)).toEqual(['b', 'c']);
    // Long after: only the gathering delay.
    expect(g.offer('d', 500_000)).toBe(501_000);
    expect(g.flush(501_000)).toEqual(['d']);
  });
});
