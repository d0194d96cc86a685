import { gauss, unit } from './random';

export const SIGNAL_KINDS = ['temperature', 'pressure', 'flow', 'level', 'motor_current', 'vibration'] as const;
/** `count`: a production counter's increments (pieces per minute), every COUNT_TAG_EVERY-th tag. */
export type SignalKind = (typeof SIGNAL_KINDS)[number] | 'count';

/**
 * With counters on, the 12th tag of every 12 is a counter. It replaces a vibration tag there, so the ids
 * and kinds of all other tags stay what they were. Off by default (the demo plant keeps its tag list);
 * detection-sim and the tests turn them on (the default detector raises no false episode on them, see
 * detection-sim).
 */
export const COUNT_TAG_EVERY = 12;
/** Share of each cycle during which a counting line runs (the rest of the time it counts zero). */
export const COUNT_DUTY = 0.3;

/**
 * A simulated process signal: a slow cycle plus noise, inside a physical range. A `count` signal is a
 * packing line's pieces per minute: it runs in batches (COUNT_DUTY of each cycle) at about `base` and
 * counts 0 in between, like most counters in a plant (zero most of the time, then bursts).
 */
export interface SignalSpec {
  kind: SignalKind;
  base: number;
  amplitude: number;
  periodMs: number;
  phase: number;
  /** Standard deviation of the noise. */
  noise: number;
  min: number;
  max: number;
  unit: string;
  /** Tag code used in sensor ids, ISA-5.1 style (TT = temperature transmitter, ...). */
  code: string;
  label: string;
}

const KIND_TABLE: Record<SignalKind, Omit<SignalSpec, 'kind' | 'phase'>> = {
  temperature: { base: 65, amplitude: 5, periodMs: 600_000, noise: 0.2, min: -50, max: 500, unit: '°C', code: 'TT', label: 'Temperature' },
  pressure: { base: 6, amplitude: 0.3, periodMs: 180_000, noise: 0.05, min: 0, max: 25, unit: 'bar', code: 'PT', label: 'Pressure' },
  flow: { base: 120, amplitude: 10, periodMs: 300_000, noise: 2, min: 0, max: 500, unit: 'm³/h', code: 'FT', label: 'Flow' },
  level: { base: 55, amplitude: 20, periodMs: 1_200_000, noise: 0.3, min: 0, max: 100, unit: '%', code: 'LT', label: 'Level' },
  motor_current: { base: 42, amplitude: 3, periodMs: 120_000, noise: 0.8, min: 0, max: 200, unit: 'A', code: 'IT', label: 'Motor current' },
  vibration: { base: 2.8, amplitude: 0.4, periodMs: 240_000, noise: 0.15, min: 0, max: 50, unit: 'mm/s', code: 'VT', label: 'Vibration RMS' },
  // ISA-5.1 Q = quantity (a count); amplitude unused: a batch either runs or does not.
  count: { base: 60, amplitude: 0, periodMs: 600_000, noise: 3, min: 0, max: 1000, unit: 'pcs/min', code: 'QT', label: 'Batch count' },
};

/** The signal of tag `tag` of PLC `plc`: kind by position, base, period and phase varied by the seed. */
export function makeSignal(seed: number, plc: number, tag: number, counters = false): SignalSpec {
  const kind: SignalKind = counters && tag % COUNT_TAG_EVERY === COUNT_TAG_EVERY - 1 ? 'count' : SIGNAL_KINDS[tag % SIGNAL_KINDS.length];
  const k = KIND_TABLE[kind];
  const vary = 1 + 0.2 * (unit(seed, plc, tag, 1) - 0.5);
  return {
    kind,
    ...k,
    base: round(k.base * vary, 3),
    periodMs: Math.round(k.periodMs * (0.8 + 0.4 * unit(seed, plc, tag, 2))),
    phase: unit(seed, plc, tag, 3) * 2 * Math.PI,
  };
}

/** Noise is drawn per 100 ms step, so two reads within one step agree (a real transmitter updates at ~10 Hz). */
export const NOISE_STEP_MS = 100;

/**
 * The healthy value of a signal at time `t` (epoch ms): deterministic for (seed, plc, tag, t).
 * `cycleFactor` scales the signal's cycle (0: the cycle has stopped, a counting line then runs steadily at
 * its average rate).
 */
export function healthyValue(s: SignalSpec, key: readonly number[], t: number, noiseFactor = 1, cycleFactor = 1): number {
  const noise = s.noise * noiseFactor * gauss(...key, Math.floor(t / NOISE_STEP_MS));
  if (s.kind === 'count') {
    const position = (((t / s.periodMs + s.phase / (2 * Math.PI)) % 1) + 1) % 1;
    const running = position < COUNT_DUTY;
    const rate = cycleFactor * (running ? s.base : 0) + (1 - cycleFactor) * COUNT_DUTY * s.base;
    // Pieces are whole, never negative; a stopped line counts exactly 0.
    return rate > 0 ? Math.max(0, Math.round(rate + noise)) : 0;
  }
  const cycle = cycleFactor * s.amplitude * Math.sin((2 * Math.PI * t) / s.periodMs + s.phase);
  return s.base + cycle + noise;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
