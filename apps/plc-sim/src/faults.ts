import type { AssetFaultKind } from './asset-faults';
import { healthyValue, SignalSpec } from './plant-model';

export const TAG_FAULTS = ['spike', 'step', 'drift', 'stuck', 'noise_burst', 'out_of_range', 'slide', 'no_cycle', 'counter_stop'] as const;
export const DEVICE_FAULTS = ['stop_answering', 'slow', 'reboot'] as const;
export type TagFaultKind = (typeof TAG_FAULTS)[number];
export type DeviceFaultKind = (typeof DEVICE_FAULTS)[number];
export type FaultKind = TagFaultKind | DeviceFaultKind | AssetFaultKind;

/**
 * A fault injected into the plant. Tag faults change one sensor's value; device faults change how a
 * PLC answers. `magnitude` means: spike/step: added value (default 10 σ·10); drift: units per minute;
 * slide: the departure reached after `ramp_ms`; noise_burst: noise multiplier; slow: response delay in ms;
 * ignored by the others. A `slide` is a slow slide towards failure (a bearing warming up over hours):
 * it grows with the square of the time since it started, slowly at first, reaching `magnitude` after
 * `ramp_ms` (default 4 h) and holding there. `no_cycle`: the signal's cycle dies out over one period and
 * stays away (a batch or shift pattern that no longer happens) while its level and noise stay. `counter_stop`: a counter's increments
 * stop (count tags only). A `reboot` drops the PLC's connections and refuses new ones until it ends
 * (default 5 s).
 */
export interface Fault {
  id: number;
  kind: FaultKind;
  /** PLC id, e.g. `plc-01`. */
  plc: string;
  /** Sensor id for tag faults. */
  sensor_id?: string;
  /** Asset id for asset faults (see asset-faults.ts). */
  asset?: string;
  start: number;
  /** Epoch ms when the fault ends; null = until cleared. */
  end: number | null;
  magnitude?: number;
  /** `slide` only: how long the slide takes to reach `magnitude` (ms). */
  ramp_ms?: number;
}

/** How long a slide takes to reach its full departure unless the fault says otherwise. */
export const DEFAULT_SLIDE_RAMP_MS = 4 * 3_600_000;

/** Default magnitudes, relative to the signal so every fault is visible on every kind of sensor. */
function magnitudeOf(f: Fault, s: SignalSpec): number {
  if (f.magnitude !== undefined) return f.magnitude;
  switch (f.kind) {
    case 'spike':
      return 20 * s.noise + 2 * s.amplitude;
    case 'step':
      return 10 * s.noise + s.amplitude;
    case 'drift':
      return 5 * s.noise + s.amplitude / 2; // per minute
    case 'slide':
      return 10 * s.noise + 2 * s.amplitude; // at the end of the ramp
    case 'noise_burst':
      return 10;
    default:
      return 0;
  }
}

export function isActive(f: Fault, t: number): boolean {
  return t >= f.start && (f.end === null || t < f.end);
}

/** A sensor's value at `t` with its active faults applied (pure: same inputs, same value). */
export function faultedValue(s: SignalSpec, key: readonly number[], t: number, faults: readonly Fault[], cycleFactor = 1): number {
  const active = faults.filter((f) => isActive(f, t));
  const stuck = active.find((f) => f.kind === 'stuck');
  // A stuck transmitter repeats the value it had when it froze.
  if (stuck) return healthyValue(s, key, stuck.start, 1, cycleFactor);
  // A stopped counter counts nothing more, whatever else is wrong with the line.
  if (active.some((f) => f.kind === 'counter_stop')) return 0;
  const burst = active.filter((f) => f.kind === 'noise_burst').reduce((m, f) => m * magnitudeOf(f, s), 1);
  // A stopping cycle dies out over one period: cut at once it would jump to the base, a step, not a missing pattern.
  const cycle = active.filter((f) => f.kind === 'no_cycle').reduce((m, f) => Math.min(m, Math.max(0, 1 - (t - f.start) / s.periodMs)), cycleFactor);
  let v = healthyValue(s, key, t, burst, cycle);
  for (const f of active) {
    const m = magnitudeOf(f, s);
    if (f.kind === 'spike' || f.kind === 'step') v += m;
    else if (f.kind === 'drift') v += (m * (t - f.start)) / 60_000;
    else if (f.kind === 'slide') v += m * Math.min(1, (t - f.start) / (f.ramp_ms ?? DEFAULT_SLIDE_RAMP_MS)) ** 2;
    else if (f.kind === 'out_of_range') v = s.max + (s.max - s.min) * 0.5;
  }
  return v;
}

/** Spikes are short by nature (1 s) and a reboot ends (5 s); other faults last until cleared. */
export function defaultDurationMs(kind: FaultKind): number | null {
  return kind === 'spike' ? 1000 : kind === 'reboot' ? 5000 : null;
}
