import { zoneOffsetMs } from '../../../lib/format';

/** Ranges the journal offers; a shift handover looks at the current shift or the last 8 h. */
export const RANGE_PRESETS = [
  { id: '8h', label: 'Last 8 h' },
  { id: 'shift', label: 'Current shift' },
  { id: 'prev-shift', label: 'Previous shift' },
  { id: '24h', label: 'Last 24 h' },
  { id: '7d', label: 'Last 7 days' },
  { id: 'custom', label: 'Custom' },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['id'];

/** Shift changes, local time: the common three-shift pattern (06-14, 14-22, 22-06). */
export const SHIFT_STARTS_H = [6, 14, 22];
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Start of the shift running at `now`, local time of the user's zone (their setting, else the browser's). */
export function shiftStart(now: Date): Date {
  const t = now.getTime();
  const off = zoneOffsetMs(t);
  const local = t + off;
  const day = Math.floor(local / DAY) * DAY;
  const h = Math.floor((local - day) / HOUR);
  const start = [...SHIFT_STARTS_H].reverse().find((s) => s <= h);
  // Before the first change of the day: the night shift that began yesterday.
  const startLocal = start === undefined ? day - DAY + SHIFT_STARTS_H[SHIFT_STARTS_H.length - 1] * HOUR : day + start * HOUR;
  return new Date(startLocal - zoneOffsetMs(startLocal - off));
}

/** The range of a preset at `now` (custom: null, the typed From/To decide). */
export function presetRange(preset: RangePreset, now: number): { from: number; to: number } | null {
  switch (preset) {
    case '8h':
      return { from: now - 8 * HOUR, to: now };
    case 'shift':
      return { from: shiftStart(new Date(now)).getTime(), to: now };
    case 'prev-shift': {
      const start = shiftStart(new Date(now)).getTime();
      return { from: shiftStart(new Date(start - 1)).getTime(), to: start };
    }
    case '24h':
      return { from: now - 24 * HOUR, to: now };
    case '7d':
      return { from: now - 7 * 24 * HOUR, to: now };
    default:
      return null;
  }
}
