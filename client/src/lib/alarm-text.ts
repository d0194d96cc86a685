import type { AlarmDto } from '@idm/contracts';

/**
 * An alarm's message for a line whose Source or Sensor column already names the sensor (the
 * alarm summary, the banner, the journal, a sensor's own page): what is wrong first, then
 * what the tag is. The server writes `P03-PT-008 Pressure 8 of PLC 03: above HiHi 7.387 (10.24 bar)`; in a
 * 1280-px summary the cut-off end was the only part worth reading, so this gives
 * `above HiHi 7.387 (10.24 bar) · Pressure 8 of PLC 03`. Any other message is shown as written (the full
 * text stays in the cell's tooltip and the buttons' labels).
 */
export function alarmLineText(a: Pick<AlarmDto, 'message' | 'source_id'>): string {
  const { problem, context } = alarmLineParts(a);
  return context ? `${problem} · ${context}` : problem;
}

/**
 * The same line in two parts, for a summary that gives the problem its room and lets the context (the
 * tag's description) end in an ellipsis. With `source_name`, a message naming its source after a colon
 * (`Communication failure: PLC 02 (Turbine hall) (Timed out)`) drops the name the Source column shows.
 */
export function alarmLineParts(a: Pick<AlarmDto, 'message' | 'source_id'> & Partial<Pick<AlarmDto, 'source_name'>>): { problem: string; context: string } {
  const prefix = `${a.source_id} `;
  if (!a.message.startsWith(prefix) && !a.message.startsWith(`${a.source_id}:`)) {
    const named = a.source_name ? `: ${a.source_name}` : null;
    return { problem: named && a.message.includes(named) ? a.message.replace(named, '') : a.message, context: '' };
  }
  // The problem follows the last ': ' (a description may hold one; a condition and reading never do).
  const at = a.message.lastIndexOf(': ');
  if (at < a.source_id.length) return { problem: a.message, context: '' };
  const problem = a.message.slice(at + 2).trim();
  const what = a.message.slice(a.source_id.length, at).trim();
  if (!problem) return { problem: a.message, context: '' };
  return { problem, context: what };
}
