import { isBoolTag, type AlarmDto, type AlarmReadingKind } from '@idm/contracts';
import { NO_SOURCES, type AlarmSources } from '../../../lib/alarm-sources';
import { DEFAULT_STATE_WORDS } from '../../../lib/tag-words';
import { clock, formatValue } from '../../../lib/format';

/** The words the tiles use for a reading that is not a measurement. */
const READING_WORDS: Partial<Record<AlarmReadingKind, string>> = { bad: 'BAD', comm_failure: 'COMM FAIL', stale: 'STALE', NaN: 'NaN', '+Inf': '+Inf', '-Inf': '-Inf' };

/**
 * An alarm's value as its tile shows it: `BAD`, `NaN`, `+Inf`... when the reading behind it was flagged or
 * not a number (its stored value is a placeholder such as 0, never to be read as measured); a bool tag's
 * state word; else the number with the tag's engineering unit (`7.387` `bar`).
 */
export function alarmValue(a: Pick<AlarmDto, 'last_value' | 'last_reading' | 'sensor_id'>, tags: AlarmSources['tags'] = NO_SOURCES.tags): { text: string; unit: string } {
  const word = a.last_reading && READING_WORDS[a.last_reading];
  if (word) return { text: word, unit: '' };
  const tag = a.sensor_id ? tags.get(a.sensor_id) : undefined;
  if (a.last_value === null || !Number.isFinite(a.last_value)) return { text: formatValue(a.last_value), unit: '' };
  if (tag && isBoolTag(tag)) return { text: (tag.state_words ?? DEFAULT_STATE_WORDS)[a.last_value ? '1' : '0'], unit: '' };
  return { text: formatValue(a.last_value), unit: tag?.unit ?? '' };
}

/**
 * The state as one short word for the alarm summary's narrow State column (the tiles' words: `UNACK`,
 * `RTN UNACK`); the full label (who acknowledged, until when shelved) goes in its tooltip and for screen readers.
 */
export function stateWord(a: Pick<AlarmDto, 'state'>): string {
  switch (a.state) {
    case 'unack_active':
      return 'UNACK';
    case 'ack_active':
      return 'ACKED';
    case 'unack_rtn':
      return 'RTN UNACK';
    case 'shelved':
      return 'SHELVED';
    case 'out_of_service':
      return 'OOS';
    default:
      return 'NORMAL';
  }
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
