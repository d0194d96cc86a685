export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Start of the UTC period of `unit` ms that contains `t`. */
export function floorTo(t: number, unit: number): number {
  return Math.floor(t / unit) * unit;
}
