import type { SignalSpec } from './plant-model';

/**
 * Faults of a piece of equipment rather than of one transmitter: they move several of an asset's sensors
 * together, each a little, the way a real failure does (the multivariate detector's case).
 * - `valve_closing`: a discharge valve closing: flow down, pressure up, motor current up slightly.
 * - `rotor_imbalance`: vibration up, with the motor current.
 * Each ramps in linearly over `ramp_ms` (default 30 s) to `magnitude` (severity, default 1: each sensor moves
 * by about its cycle's amplitude plus a few noise σ — unusual together, unremarkable alone).
 */
export const ASSET_FAULTS = ['valve_closing', 'rotor_imbalance'] as const;
export type AssetFaultKind = (typeof ASSET_FAULTS)[number];

export const ASSET_ROLES = ['flow', 'pressure', 'current', 'vibration'] as const;
export type AssetRole = (typeof ASSET_ROLES)[number];

/** A pump of the simulated plant: the sensors of one PLC that belong to it, by role. */
export interface SimAsset {
  id: string;
  name: string;
  area: string;
  plc: string;
  sensors: Record<AssetRole, string>;
}

export const DEFAULT_ASSET_RAMP_MS = 30_000;

export function isAssetFault(kind: string): kind is AssetFaultKind {
  return (ASSET_FAULTS as readonly string[]).includes(kind);
}

/** The departure of a sensor in `role` at the fault's full `magnitude`, in the signal's units. */
export function assetEffect(kind: AssetFaultKind, role: AssetRole, s: SignalSpec, magnitude = 1): number {
  const move = s.amplitude + 4 * s.noise;
  const slight = 0.5 * s.amplitude + 2 * s.noise;
  if (kind === 'valve_closing') return magnitude * (role === 'flow' ? -move : role === 'pressure' ? move : role === 'current' ? slight : 0);
  return magnitude * (role === 'vibration' ? 2 * move : role === 'current' ? slight : 0);
}

/** The offset an asset fault adds to a sensor in `role` at `t` (pure). */
export function assetFaultOffset(f: { kind: AssetFaultKind; start: number; magnitude?: number; ramp_ms?: number }, role: AssetRole, s: SignalSpec, t: number): number {
  const ramp = Math.min(1, Math.max(0, (t - f.start) / (f.ramp_ms ?? DEFAULT_ASSET_RAMP_MS)));
  return ramp * assetEffect(f.kind, role, s, f.magnitude ?? 1);
}
