import type { AlarmEventKindName, AlarmJournalPageDto, AlarmPriorityName } from '@idm/contracts';
import { displayTimeZone } from '../../../lib/format';
import { api } from '../../../lib/api';
import { downloadFile } from '../../../lib/download';

export interface JournalSearch {
  /** ISO-8601 */
  from: string;
  to: string;
  q?: string;
  area?: string;
  sensor_id?: string;
  priority?: AlarmPriorityName | '';
  event?: AlarmEventKindName | '';
  user?: string;
}

/** Query parameters of `GET /alarms/journal` (empty fields left out). */
export function journalParams(s: JournalSearch, extra: Record<string, string | number> = {}): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries({ ...s, ...extra })) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

export async function getJournal(s: JournalSearch, page: number, limit: number): Promise<AlarmJournalPageDto> {
  const { data } = await api.get<AlarmJournalPageDto>('/alarms/journal', { params: journalParams(s, { page, limit }) });
  return data;
}

/** The whole search as a CSV file, local times in the user's time zone (their setting, else this browser's). */
export function exportJournal(s: JournalSearch): Promise<void> {
  const tz = displayTimeZone();
  return downloadFile('/alarms/journal', journalParams(s, { format: 'csv', tz }), 'alarm-journal.csv');
}
