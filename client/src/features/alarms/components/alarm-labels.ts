import type { AlarmDto, AlarmReadingKind } from '@idm/contracts';
import { clock, formatValue } from '../../../lib/format';

/** The words the tiles use for a reading that is not a measurement. */
const READING_WORDS: Partial<Record<AlarmReadingKind, string>> = { bad: 'BAD', comm_failure: 'COMM FAIL', stale: 'STALE', NaN: 'NaN', '+Inf': '+Inf', '-Inf': '-Inf' };

/**
 * An alarm's value as the tiles show a reading: `BAD`, `NaN`, `+Inf`... when the reading behind it was
 * flagged or not a number (its stored value is a placeholder such as 0, never to be read as measured).
 */
export function alarmValueText(a: Pick<AlarmDto, 'last_value' | 'last_reading'>): string {
  return (a.last_reading && READING_WORDS[a.last_reading]) || formatValue(a.last_value);
}

export function stateLabel(a: AlarmDto): string {
  switch (a.state) {
    case 'unack_active':
      return 'UNACK · active';
    case 'ack_active':
      return a.acked_by ? `Acked by ${a.acked_by} · active` : 'Acked · active';
    case 'unack_rtn':
      return 'UNACK · cleared';
    case 'shelved':
      return `Shelved until ${clock(a.shelved_until)}`;
    case 'out_of_service':
      return 'Out of service';
    default:
      return 'Normal';
  }
}
