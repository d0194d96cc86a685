import { expect, test } from 'vitest';
import { alarmFixture as alarm } from '../../../test/fixtures';
import { filterAlarms, firstOutIds, sortAlarmsBy } from './alarm-summary';

const at = (min: number) => new Date(Date.parse('2026-11-27T10:00:00Z') + min * 60_000).toISOString();
const A = [
  alarm('TT-10', { priority: 'low', raised_at: at(5) }),
  alarm('PT-2', { priority: 'critical', raised_at: at(1), state: 'ack_active', acknowledged: true }),
  alarm('LT-3', { priority: 'high', raised_at: at(3), state: 'unack_rtn', active: false }),
  alarm('FT-4', { priority: 'critical', raised_at: at(2) }),
];
const ids = (l: { id: string }[]) => l.map((a) => a.id);

test('sorts by priority, time, source or state, either way; ties keep the usual order', () => {
  expect(ids(sortAlarmsBy(A, { key: 'priority', dir: 'asc' }))).toEqual(['FT-4', 'PT-2', 'LT-3', 'TT-10']);
  expect(ids(sortAlarmsBy(A, { key: 'priority', dir: 'desc' }))).toEqual(['TT-10', 'LT-3', 'FT-4', 'PT-2']);
  expect(ids(sortAlarmsBy(A, { key: 'time', dir: 'asc' }))).toEqual(['PT-2', 'FT-4', 'LT-3', 'TT-10']);
  expect(ids(sortAlarmsBy(A, { key: 'time', dir: 'desc' }))).toEqual(['TT-10', 'LT-3', 'FT-4', 'PT-2']);
  // Numeric-aware: TT-10 after PT-2.
  expect(ids(sortAlarmsBy(A, { key: 'source', dir: 'asc' }))).toEqual(['FT-4', 'LT-3', 'PT-2', 'TT-10']);
  expect(ids(sortAlarmsBy(A, { key: 'state', dir: 'asc' }))).toEqual(['FT-4', 'TT-10', 'LT-3', 'PT-2']);
});

test('filters by area, priority and state together', () => {
  const area = (a: { source_id: string }) => (a.source_id.startsWith('T') || a.source_id.startsWith('P') ? 'Boiler house' : 'Tank farm');
  expect(ids(filterAlarms(A, { area: 'Boiler house', priority: '', state: 'all' }, area))).toEqual(['TT-10', 'PT-2']);
  expect(ids(filterAlarms(A, { area: '', priority: 'critical', state: 'all' }, area))).toEqual(['PT-2', 'FT-4']);
  expect(ids(filterAlarms(A, { area: '', priority: '', state: 'unacked' }, area))).toEqual(['TT-10', 'LT-3', 'FT-4']);
  expect(ids(filterAlarms(A, { area: '', priority: '', state: 'unack_rtn' }, area))).toEqual(['LT-3']);
  expect(ids(filterAlarms(A, { area: 'Tank farm', priority: 'critical', state: 'unacked' }, area))).toEqual(['FT-4']);
});

test('the first-out of a flood is the first alarm raised within the window before its first in_flood alarm', () => {
  const flood = [
    alarm('OLD', { raised_at: at(-30) }), // long before: not part of it
    alarm('FIRST', { raised_at: at(0) }),
    alarm('SECOND', { raised_at: at(0.5) }),
    alarm('F1', { raised_at: at(1), in_flood: true }),
    alarm('F2', { raised_at: at(2), in_flood: true }),
    // A second flood, more than a window later.
    alarm('LATER', { raised_at: at(40) }),
    alarm('F3', { raised_at: at(41), in_flood: true }),
  ];
  expect([...firstOutIds(flood)].sort()).toEqual(['FIRST', 'LATER']);
  expect(firstOutIds(A).size).toBe(0); // no flood, no marker
});
