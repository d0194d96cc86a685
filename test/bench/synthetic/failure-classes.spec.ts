import { FAILURE_CLASSES } from './failure-classes';

describe('synthetic failure classes', () => {
  for (const c of FAILURE_CLASSES) {
    it(`${c.name}: deterministic for a seed, different across seeds, windows inside the series`, () => {
      const a = c.make(1);
      expect(c.make(1)).toEqual(a);
      expect(c.make(2).values).not.toEqual(a.values);
      expect(a.values.every(Number.isFinite)).toBe(true);
      for (let i = 1; i < a.timestamps.length; i++) expect(a.timestamps[i]).toBeGreaterThan(a.timestamps[i - 1]);
      for (const [start, end] of a.windows) {
        expect(start).toBeGreaterThanOrEqual(a.timestamps[0]);
        expect(end).toBeLessThanOrEqual(a.timestamps[a.timestamps.length - 1]);
        expect(end).toBeGreaterThan(start);
      }
    });
  }
});
