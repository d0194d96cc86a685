import type { TagLimits } from '@idm/contracts';

/** What an alarm message needs of the sensor's tag (from the registry; any part may be missing). */
export interface MessageTag {
  description?: string;
  unit?: string;
  limits?: TagLimits;
}

/** Which configured limit a value is past, most severe first ("above HiHi 90"), or null. */
export function limitCrossed(value: number, limits: TagLimits | undefined): string | null {
  if (!limits) return null;
  if (limits.hihi !== undefined && value >= limits.hihi) return `above HiHi ${limits.hihi}`;
  if (limits.lolo !== undefined && value <= limits.lolo) return `below LoLo ${limits.lolo}`;
  if (limits.hi !== undefined && value >= limits.hi) return `above Hi ${limits.hi}`;
  if (limits.lo !== undefined && value <= limits.lo) return `below Lo ${limits.lo}`;
  return null;
}

/** Rounds for display: enough significant digits for a process value, no float noise. */
function shown(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/**
 * The text of a sensor's alarm, as an operator reads it in the list and the banner: which tag, what it is,
 * what is wrong in plant terms and the value that showed it, e.g.
 * `TT-101 Boiler outlet temperature: above HiHi 90 (93.2 °C)`.
 */
export function sensorAlarmMessage(sensorId: string, condition: string, tag: MessageTag | undefined, value: number | null): string {
  const what = tag?.description ? `${sensorId} ${tag.description}` : sensorId;
  const crossed = condition === 'limit' && value !== null ? limitCrossed(value, tag?.limits) : null;
  const problem = crossed ?? condition.replace(/_/g, ' ');
  const reading = value !== null && Number.isFinite(value) ? ` (${shown(value)}${tag?.unit ? ` ${tag.unit}` : ''})` : '';
  return `${what}: ${problem}${reading}`;
}
