import { describe, expect, test } from 'vitest';
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

/** `n` alarms `<prefix>0..` raised `everySec` apart from minute `fromMin`, with `over` applied. */
const burst = (prefix: string, fromMin: number, n: number, everySec: number, over: Partial<Parameters<typeof alarm>[1]> = {}) =>
  Array.from({ length: n }, (_, i) => alarm(`${prefix}${i}`, { raised_at: at(fromMin + (i * everySec) / 60), ...over }));
const sorted = (s: Set<string>) => [...s].sort();

describe('first-out', () => {
  test('an alarm raised 7 minutes before an unrelated burst is not its first-out; the first of the burst is', () => {
    // As the server marks a flood of 12: the 11th and 12th in_flood. The old rule (the first alarm within
    // 10 minutes before the first in_flood one) marked EARLY.
    const list = [alarm('EARLY', { raised_at: at(0) }), ...burst('B', 7, 12, 5).map((a, i) => ({ ...a, in_flood: i >= 10 }))];
    expect(sorted(firstOutIds(list))).toEqual(['B0']);
    // Counted here alone (no in_flood marks: the server's threshold may be set higher), the same.
    expect(sorted(firstOutIds(list.map((a) => ({ ...a, in_flood: false }))))).toEqual(['B0']);
  });

  test("a burst the server marked in_flood is a flood though fewer than 10 are listed; the alarms that made it one are not marked, so the first of the burst is", () => {
    const list = [alarm('EARLY', { raised_at: at(0) }), ...burst('B', 7, 2, 20), ...burst('F', 7.5, 2, 20, { in_flood: true })];
    expect(sorted(firstOutIds(list))).toEqual(['B0']);
  });

  test('a tie in raise time goes to the earlier millisecond, then the higher priority, then the id as read (P-9 before P-10), whatever the order listed', () => {
    const t0 = Date.parse(at(0));
    const ms = (d: number) => new Date(t0 + d).toISOString();
    const rest = burst('Z', 0.5, 10, 5);
    const flood = (first: ReturnType<typeof alarm>[]) => {
      const list = [...first, ...rest];
      // The marker must not depend on the order the alarms come in.
      const marks = [list, [...list].reverse()].map((l) => sorted(firstOutIds(l)));
      expect(marks[0]).toEqual(marks[1]);
      return marks[0];
    };
    // Same second, different milliseconds: the earlier wins though its priority is lower.
    expect(flood([alarm('P-1', { priority: 'low', raised_at: ms(400) }), alarm('P-2', { priority: 'critical', raised_at: ms(900) })])).toEqual(['P-1']);
    // Same millisecond (one poll): the higher priority.
    expect(flood([alarm('P-1', { priority: 'low', raised_at: ms(400) }), alarm('P-2', { priority: 'critical', raised_at: ms(400) })])).toEqual(['P-2']);
    // Same millisecond and priority: the id as people read it.
    expect(flood([alarm('P-10', { priority: 'high', raised_at: ms(400) }), alarm('P-9', { priority: 'high', raised_at: ms(400) })])).toEqual(['P-9']);
  });

  test('no flood, no marker: a burst of 9 in 10 minutes, or 10 spread over more than 10 minutes', () => {
    expect(firstOutIds(burst('B', 0, 9, 5)).size).toBe(0);
    expect(firstOutIds(burst('S', 0, 10, 70)).size).toBe(0); // 10.5 min from first to last
    expect(firstOutIds(burst('S', 0, 11, 55)).size).toBe(1); // 10 of them within 8.25 min
    expect(firstOutIds(A).size).toBe(0);
  });

  test('a quiet longer than the gap ends a burst: two floods, two first-outs', () => {
    const list = [...burst('X', 0, 10, 10), ...burst('Y', 40, 10, 10)];
    expect(sorted(firstOutIds(list))).toEqual(['X0', 'Y0']);
    // 3 minutes between two alarms of one run of 20 splits it into two bursts of 10.
    const split = [...burst('P', 0, 10, 10), ...burst('Q', 1.5 + 3, 10, 10)];
    expect(sorted(firstOutIds(split))).toEqual(['P0', 'Q0']);
  });

  test('grouped by area, two bursts in different areas each get their own first-out, even interleaved', () => {
    const tank = burst('TK', 0, 10, 12, {}).map((a) => ({ ...a, source_id: `tank:${a.id}` }));
    const boiler = burst('BO', 0.05, 10, 12, {}).map((a) => ({ ...a, source_id: `boiler:${a.id}` }));
    const area = (a: { source_id: string }) => a.source_id.split(':')[0];
    expect(sorted(firstOutIds([...tank, ...boiler], { groupOf: area }))).toEqual(['BO0', 'TK0']);
    // Without grouping, one flood and one first-out.
    expect(sorted(firstOutIds([...tank, ...boiler]))).toEqual(['TK0']);
    // An area's own burst of the flood restarts after a quiet of its own longer than the gap; a lone alarm
    // of an area is first of nothing.
    const late = burst('BL', 0.05 + (9 * 12) / 60 + 3, 2, 10).map((a) => ({ ...a, source_id: `boiler:${a.id}` }));
    const tankOn = burst('TL', 1.9, 10, 15, {}).map((a) => ({ ...a, source_id: `tank:${a.id}` })); // keeps the flood going
    const lone = alarm('LONE', { source_id: 'mill:lone', raised_at: at(1) });
    expect(sorted(firstOutIds([...tank, ...boiler, ...tankOn, ...late, lone], { groupOf: area }))).toEqual(['BL0', 'BO0', 'TK0']);
  });
});
