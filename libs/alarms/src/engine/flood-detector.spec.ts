import { FloodDetector } from './flood-detector';

describe('FloodDetector', () => {
  it('marks a flood when more than the threshold are raised in 10 minutes, and ends it', () => {
    const f = new FloodDetector(10);
    const min = 60_000;
    for (let i = 0; i < 10; i++) expect(f.recordRaised(i * min)).toBe(false);
    expect(f.recordRaised(9.5 * min)).toBe(true);
    expect(f.update(10.5 * min)).toBe(false); // the first one left the window
    expect(f.countInWindow).toBe(10);
  });

  it('keeps memory bounded over a long run', () => {
    const f = new FloodDetector(5, 1000);
    for (let i = 0; i < 100_000; i++) f.recordRaised(i * 100);
    expect(f.countInWindow).toBeLessThanOrEqual(10);
    expect((f as unknown as { raisedAt: number[] }).raisedAt.length).toBeLessThan(3000);
  });
});
