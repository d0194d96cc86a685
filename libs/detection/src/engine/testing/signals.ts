/** Deterministic synthetic signals for detector tests: Gaussian noise around a level, with injected faults. */

/** mulberry32: a tiny seeded PRNG so every test run sees the same noise. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(n: number, seed = 1, mean = 50, sd = 1): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = Math.max(r(), 1e-12);
    out.push(mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r()));
  }
  return out;
}

export type Fault = 'spike' | 'step' | 'drift' | 'stuck' | 'noise';

/** A clean signal (mean 50, sd 1) of `n` samples with `fault` from index `at` on. */
export function withFault(fault: Fault, n: number, at: number, seed = 7): number[] {
  const x = gaussian(n, seed);
  const clean = gaussian(n, seed + 1000);
  for (let i = at; i < n; i++) {
    if (fault === 'spike' && i === at) x[i] += 15;
    if (fault === 'step') x[i] += 3;
    if (fault === 'drift') x[i] += 0.02 * (i - at);
    if (fault === 'stuck') x[i] = x[at];
    if (fault === 'noise') x[i] = 50 + 4 * (clean[i] - 50);
  }
  return x;
}

/** One sample a minute from 2026-01-01. */
export const PERIOD_MS = 60_000;
export const T0 = Date.UTC(2026, 0, 1);
export const tsOf = (i: number) => T0 + i * PERIOD_MS;

/**
 * A process value that oscillates, as a control loop or a batch cycle does: `base` ± `amplitude` with a
 * period of `periodSamples`, plus Gaussian noise of `noise`; successive samples are alike (autocorrelated).
 */
export function cycling(n: number, seed: number, base = 65, amplitude = 5, periodSamples = 600, noise = 0.2): number[] {
  const e = gaussian(n, seed, 0, noise);
  return e.map((x, i) => base + amplitude * Math.sin((2 * Math.PI * i) / periodSamples + seed) + x);
}

/**
 * Demand with a daily and a weekly rhythm, one sample every 30 minutes from a Monday: weekdays peak
 * morning and evening, weekends are flat and low. On `holiday` (a day index) a weekday looks like a Sunday.
 */
export function weeklyRhythm(n: number, seed: number, holiday = -1): number[] {
  const e = gaussian(n, seed, 0, 0.03);
  return e.map((x, i) => {
    const day = Math.floor(i / 48);
    const hour = (i % 48) / 2;
    const weekend = day % 7 >= 5 || day === holiday;
    const shape = weekend
      ? 0.6 + 0.4 * Math.exp(-(((hour - 14) / 4) ** 2))
      : 0.4 + 0.9 * Math.exp(-(((hour - 8.5) / 1.5) ** 2)) + 0.8 * Math.exp(-(((hour - 18) / 2) ** 2));
    return 1000 * shape * (1 + x);
  });
}
export const HALF_HOUR_MS = 1_800_000;
/** 2026-01-05, a Monday. */
export const MONDAY = Date.UTC(2026, 0, 5);
export const FIVE_MIN_MS = 300_000;

/**
 * A smooth machine temperature, one sample every 5 minutes: 85 plus a slow AR(1) wander (0.98) and a little
 * noise, with ordinary stops where it dips by 12 and recovers within 3 hours (at the sample indices in
 * `stops`), and from `slideAt` on a slow slide towards failure: 25 lower after 12 hours, slow at first.
 */
export function smoothMachine(n: number, seed: number, stops: number[], slideAt: number): number[] {
  const r = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(r(), 1e-12))) * Math.cos(2 * Math.PI * r());
  let wander = 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    wander = 0.98 * wander + 0.25 * normal();
    let v = 85 + wander + 0.2 * normal();
    for (const s of stops) if (i >= s && i < s + 36) v -= 12 * Math.sin((Math.PI * (i - s)) / 36);
    if (i >= slideAt) v -= 25 * Math.min(1, (i - slideAt) / 144) ** 1.5;
    out.push(v);
  }
  return out;
}
