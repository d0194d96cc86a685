import { gauss, unit } from './random';

export const SIGNAL_KINDS = ['temperature', 'pressure', 'flow', 'level', 'motor_current', 'vibration'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** A simulated process signal: a slow cycle plus noise, inside a physical range. */
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
};

/** The signal of tag `tag` of PLC `plc`: kind by position, base, period and phase varied by the seed. */
export function makeSignal(seed: number, plc: number, tag: number): SignalSpec {
  const kind = SIGNAL_KINDS[tag % SIGNAL_KINDS.length];
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

/** The healthy value of a signal at time `t` (epoch ms): deterministic for (seed, plc, tag, t). */
export function healthyValue(s: SignalSpec, key: readonly number[], t: number, noiseFactor = 1): number {
  const cycle = s.amplitude * Math.sin((2 * Math.PI * t) / s.periodMs + s.phase);
  const noise = s.noise * noiseFactor * gauss(...key, Math.floor(t / NOISE_STEP_MS));
  return s.base + cycle + noise;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
