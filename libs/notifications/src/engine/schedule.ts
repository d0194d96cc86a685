import { parseExpression } from 'cron-parser';

/** Whether `tz` is an IANA time zone this runtime knows (e.g. `Europe/Paris`, `UTC`). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a 5-field (minute precision) or 6-field (seconds first) cron expression; returns the problem in
 * plain words, or null. The same parser BullMQ uses for job schedulers, so what passes here schedules.
 */
export function cronProblem(cron: string, tz: string): string | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6) return `cron must have 5 or 6 fields (got ${fields.length})`;
  if (!isTimeZone(tz)) return `time_zone "${tz}" is not an IANA time zone`;
  try {
    parseExpression(cron, { tz });
    return null;
  } catch (err) {
    return `cron "${cron}" is invalid: ${(err as Error).message}`;
  }
}

/** The next `n` times (epoch ms) the schedule fires after `after`, in the given time zone. */
export function nextRuns(cron: string, tz: string, after: number, n = 1): number[] {
  const it = parseExpression(cron, { tz, currentDate: new Date(after) });
  return Array.from({ length: n }, () => it.next().toDate().getTime());
}
