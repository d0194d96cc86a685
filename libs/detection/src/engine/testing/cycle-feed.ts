import { CycleConfig, CycleProfile } from '../cycle-profile';

/** Helpers shared by the short-cycle model's tests (here and the synthetic-class gate test in test/bench). */
const T0 = Date.UTC(2026, 10, 2);

/** The engine's defaults at 1 Hz (half-life 2000 samples). */
export const cycleConfig = (periodMs = 1000): CycleConfig => ({
  periodMs,
  alpha: 1 - Math.pow(0.5, 1 / 2000),
  ewmaLambda: 0.1,
  zClip: 4.5,
  minSigma: 0,
  ewmaL: 4,
  noiseRatio: 3.5,
  fastAlpha: 1 - Math.pow(0.5, 1 / 4),
});

/** Feeds `value(i)` at `stepMs` from sample `from` to `to`; returns the time (ms after T0) a cycle was first adopted, or null. */
export function feedCycle(model: CycleProfile, value: (i: number) => number, from: number, to: number, stepMs = 1000): number | null {
  let adopted: number | null = null;
  for (let i = from; i < to; i++) {
    model.io[0] = T0 + i * stepMs;
    model.io[1] = value(i);
    model.judge();
    model.learn(true);
    if (adopted === null && model.periodMs > 0) adopted = i * stepMs;
  }
  return adopted;
}

