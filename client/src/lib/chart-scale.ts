/** Axis scales shared by the trend charts: round value ranges and tidy time ticks in the client's one date-time format. */
import { dateOnly, formatValue, hoursMinutes, zoneOffsetMs } from './format';

/** The round step (1, 2 or 5 × 10ⁿ) at or above `raw`. */
function roundStep(raw: number): number {
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

/** Widens [lo, hi] to round numbers (steps of 1, 2 or 5 × 10ⁿ, about five of them) so axis ticks read easily. */
export function niceDomain(lo: number, hi: number): [number, number] {
  const step = roundStep((hi - lo) / 5);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

/**
 * Value-axis ticks on round numbers inside a domain (every 1, 2 or 5 × 10ⁿ, about `count` intervals). Left to
 * itself Recharts puts five ticks evenly over the domain, which fall between round numbers: 5.50, 6.15, 6.80, 7.45.
 */
export function niceTicks([lo, hi]: readonly [number, number], count = 5): number[] | undefined {
  if (!(hi > lo) || !Number.isFinite(hi - lo)) return undefined;
  // The round step whose count of intervals is nearest `count` (the first round step above span / count could
  // leave two ticks on a 132–144 axis).
  const mag = 10 ** Math.floor(Math.log10((hi - lo) / count));
  const step = [1, 2, 5, 10, 20].map((m) => m * mag).reduce((best, s) => (Math.abs((hi - lo) / s - count) < Math.abs((hi - lo) / best - count) ? s : best));
  const ticks: number[] = [];
  // Whole multiples of the step, each rounded to the step's precision (0.1 × 3 is 0.30000000000000004).
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) ticks.push(Number((i * step).toFixed(digits)));
  return ticks;
}

/**
 * A value-axis tick label with the decimals its ticks' step needs: a flat pen's axis ticks every 0.005, and
 * `formatValue`'s two decimals read 5.745, 5.750 and 5.755 as 5.74, 5.75, 5.75.
 */
export function tickLabel(v: number, ticks: readonly number[] | undefined): string {
  const label = formatValue(v);
  const step = ticks && ticks.length >= 2 ? ticks[1] - ticks[0] : 0;
  if (!(step > 0) || !Number.isFinite(v)) return label;
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return digits > (label.split('.')[1] ?? '').length ? v.toFixed(digits) : label;
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** Tick steps a person counts in: seconds, minutes, hours, days. */
const TIME_STEPS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 30 * D];

/**
 * Ticks on round local times (every 5 min on the 5, every 6 h at 00/06/12/18, days at midnight), at most
 * `maxTicks` of them across [from, to]; the step goes with them for the label format.
 */
export function timeTicks(from: number, to: number, maxTicks = 7): { ticks: number[]; step: number } {
  const span = Math.max(1, to - from);
  const step = TIME_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / D) * D;
  // Local time (the user's zone): aligned on the zone's offset (from the range's start; a DST change inside shifts an hour).
  const offset = zoneOffsetMs(from);
  const first = Math.ceil((from + offset) / step) * step - offset;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  return { ticks, step };
}

/** A tick label in the one date-time format of the client (24 h, ISO-like by default), as short as the step allows. */
export function formatTimeTick(t: number, step: number, span: number): string {
  if (step >= D) return dateOnly(t);
  if (span > D) return `${dayMonth(t)} ${hoursMinutes(t)}`;
  return hoursMinutes(t, step < M);
}

/** The date without its year: `12-07` (ISO-like), or the locale's date with the year left out. */
function dayMonth(t: number): string {
  const date = dateOnly(t);
  return /^\d{4}-/.test(date) ? date.slice(5) : date.replace(/[^\d]?\d{4}[^\d]?/, '').replace(/^[./-]|[./-]$/g, '');
}
