import type { AlarmJournalEntryDto } from '@idm/contracts';
import { compareJournal, journalFileName, localDateTime, matchesJournal, parseAlarmId } from './alarm-journal';

const entry = (over: Partial<AlarmJournalEntryDto> = {}): AlarmJournalEntryDto => ({
  id: '65a000000000000000000001',
  at: '2026-12-07T04:00:00.000Z',
  kind: 'raised',
  alarm_id: 'sensor:TT-101|limit',
  source_type: 'sensor',
  source_id: 'TT-101',
  source_name: null,
  sensor_id: 'TT-101',
  area: 'Boiler house',
  condition: 'limit',
  priority: 'high',
  from: 'normal',
  to: 'unack_active',
  user: null,
  message: 'TT-101 above high limit',
  comment: null,
  ...over,
});

describe('alarm journal', () => {
  it('reads source and condition from an alarm id', () => {
    expect(parseAlarmId('sensor:TT-101|limit')).toEqual({ source_type: 'sensor', source_id: 'TT-101', sensor_id: 'TT-101', condition: 'limit' });
    expect(parseAlarmId('device:plc-1|comm_failure')).toEqual({ source_type: 'device', source_id: 'plc-1', sensor_id: null, condition: 'comm_failure' });
    expect(parseAlarmId('device:mq-1/gw-1/plc-01|comm_failure')).toEqual({ source_type: 'device', source_id: 'mq-1', sensor_id: null, condition: 'comm_failure' });
  });

  it('matches area and sensor in any case, priority from a list, and text as a literal substring', () => {
    expect(matchesJournal(entry(), { area: 'boiler HOUSE', sensor_id: 'tt-101', priority: ['high', 'critical'] })).toBe(true);
    expect(matchesJournal(entry(), { area: 'Boiler' })).toBe(false);
    expect(matchesJournal(entry(), { priority: ['low'] })).toBe(false);
    expect(matchesJournal(entry({ comment: 'Valve V-3 stuck (checked)' }), { q: 'v-3 STUCK (' })).toBe(true);
    // A pattern is text, not a pattern.
    expect(matchesJournal(entry(), { q: '.*' })).toBe(false);
    expect(matchesJournal(entry({ source_type: 'device', source_id: 'plc-1', sensor_id: null }), { sensor_id: 'PLC-1' })).toBe(true);
  });

  it('orders by time, then by the order of writing, either way', () => {
    const a = entry({ id: 'a1', at: '2026-12-07T04:00:00.000Z' });
    const b = entry({ id: 'a2', at: '2026-12-07T04:00:00.000Z' });
    const c = entry({ id: 'a0', at: '2026-12-07T05:00:00.000Z' });
    expect([a, b, c].sort(compareJournal('desc')).map((e) => e.id)).toEqual(['a0', 'a2', 'a1']);
    expect([a, b, c].sort(compareJournal('asc')).map((e) => e.id)).toEqual(['a1', 'a2', 'a0']);
  });

  it('writes local times as 24 h ISO-like text and names the file with the range', () => {
    expect(localDateTime(Date.parse('2026-12-07T16:05:09Z'), 'Europe/Berlin')).toBe('2026-12-07 17:05:09');
    expect(localDateTime(Date.parse('2026-12-07T00:00:00Z'), 'UTC')).toBe('2026-12-07 00:00:00');
    expect(journalFileName(Date.parse('2026-12-07T04:00:00Z'), Date.parse('2026-12-07T12:30:00Z'))).toBe('alarm-journal_20261207T0400Z_20261207T1230Z.csv');
  });
});
