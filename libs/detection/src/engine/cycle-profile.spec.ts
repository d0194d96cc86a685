import { CycleConfig, CycleProfile, CycleState } from './cycle-profile';
import { cycleConfig, feedCycle } from './testing/cycle-feed';
import { gaussian, rng } from './testing/signals';

const T0 = Date.UTC(2026, 10, 2);
const HOUR = 3_600_000;

const config = cycleConfig;
const feed = feedCycle;

const sine = (periodS: number, amplitude: number, noise: number, seed: number) => {
  const e = gaussian(12 * 3600, seed, 0, noise);
  return (i: number) => 50 + amplitude * Math.sin((2 * Math.PI * i) / periodS + seed) + e[i % e.length];
};

describe('CycleProfile: short cycles found from the data', () => {
  it('is built only for sensors with at least two samples per 10 s bucket (not for 1-minute or 5-minute samples)', () => {
    expect(CycleProfile.for(config(1000))).not.toBeNull();
    expect(CycleProfile.for(config(5000))).not.toBeNull();
    expect(CycleProfile.for(config(7600))).toBeNull();
    expect(CycleProfile.for(config(60_000))).toBeNull();
    expect(CycleProfile.for(config(300_000))).toBeNull();
    expect(CycleProfile.for(config(null as unknown as number))).toBeNull();
  });

  it.each([
    [120, 3, 0.8],
    [600, 5, 0.2],
    [1300, 20, 0.3],
  ])('finds a %i s cycle within 0.2 %% and adopts it only after it held out of sample', (periodS, amplitude, noise) => {
    const model = CycleProfile.for(config())!;
    let proposedBeforeAdopted = false;
    let adoptedAt: number | null = null;
    const value = sine(periodS, amplitude, noise, 3);
    for (let i = 0; i < 3 * 3600 && adoptedAt === null; i++) {
      adoptedAt = feed(model, value, i, i + 1) === null ? null : i * 1000;
      if (model.candidateMs > 0 && model.periodMs === 0) proposedBeforeAdopted = true;
    }
    expect(proposedBeforeAdopted).toBe(true);
    expect(adoptedAt).not.toBeNull();
    expect(adoptedAt!).toBeLessThanOrEqual(2 * HOUR);
    expect(Math.abs(model.periodMs / 1000 - periodS) / periodS).toBeLessThan(0.002);
    expect(model.lastR2).toBeGreaterThanOrEqual(0.8);
  });

  it('adopts nothing on white noise, a random walk, a trend or a cycle buried in noise', () => {
    const r = rng(5);
    let walk = 0;
    const steps = Array.from({ length: 8 * 3600 }, () => (walk += r() - 0.5));
    const noise = gaussian(8 * 3600, 6);
    const cases: ((i: number) => number)[] = [
      (i) => noise[i],
      (i) => steps[i],
      (i) => 0.001 * i + noise[i],
      sine(600, 0.3, 1, 4), // R² of its bucket means well below 0.8
    ];
    for (const value of cases) {
      const model = CycleProfile.for(config())!;
      expect(feed(model, value, 0, 8 * 3600)).toBeNull();
    }
  });

  it('judges a stopped cycle at many times its threshold, and drops the cycle only after failing stretches in a row', () => {
    const model = CycleProfile.for(config())!;
    const cycling = sine(600, 5, 0.2, 7);
    expect(feed(model, cycling, 0, 3 * 3600)).not.toBeNull();
    let peak = 0;
    let droppedAfter: number | null = null;
    const quiet = gaussian(3600, 8, 50, 0.2);
    for (let i = 0; i < 3600 && droppedAfter === null; i++) {
      feed(model, (k) => quiet[k - 3 * 3600], 3 * 3600 + i, 3 * 3600 + i + 1);
      peak = Math.max(peak, model.io[2]);
      if (model.periodMs === 0) droppedAfter = i;
    }
    expect(peak).toBeGreaterThan(2); // in multiples of the threshold
    // Three failing 600 s stretches: not before two have passed.
    expect(droppedAfter).not.toBeNull();
    expect(droppedAfter!).toBeGreaterThanOrEqual(1200);
  });

  it('saves and loads with identical judgements (and a saved state of another bucket length starts afresh)', () => {
    const a = CycleProfile.for(config())!;
    const value = sine(300, 4, 0.3, 9);
    feed(a, value, 0, 2 * 3600 + 17);
    const saved = JSON.parse(JSON.stringify(a.save())) as CycleState;
    expect(saved.ring.length).toBeLessThanOrEqual(384);
    const b = CycleProfile.for(config(), saved)!;
    expect(b.periodMs).toBe(a.periodMs);
    for (let i = 2 * 3600 + 17; i < 3 * 3600; i++) {
      feed(a, value, i, i + 1);
      feed(b, value, i, i + 1);
      expect(b.io[2]).toBe(a.io[2]);
      expect(b.io[3]).toBe(a.io[3]);
    }
    expect(CycleProfile.for(config(3000), saved)!.candidateMs).toBe(0);
  });
});
