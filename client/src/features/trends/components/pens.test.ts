import { expect, test } from 'vitest';
import { formatTimeTick, timeTicks } from '../../../lib/chart-scale';
import { trendPath } from '../../../lib/routes';
import { MAX_PENS, penColumns, penName, pensTable, readTrendLink, trendLinkParams, valueAt } from './pens';

test('a trend link carries the pens (at most 8, no repeats), the range and the axes, and reads back the same', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');
  const v = readTrendLink(new URLSearchParams('pens=A,B,A,C&range=8h&axes=shared'), now);
  expect(v).toEqual({ pens: ['A', 'B', 'C'], range: '8h', from: now - 8 * 3_600_000, to: now, axes: 'shared' });
  expect(trendLinkParams(v).toString()).toBe('pens=A%2CB%2CC&range=8h&axes=shared');
  const fixed = readTrendLink(new URLSearchParams('pens=A&from=2026-12-07T10:00:00.000Z&to=2026-12-07T10:30:00.000Z'), now);
  expect(fixed).toMatchObject({ range: 'custom', from: Date.parse('2026-12-07T10:00:00Z'), to: Date.parse('2026-12-07T10:30:00Z'), axes: 'own' });
  expect(readTrendLink(trendLinkParams(fixed), now)).toEqual(fixed);
  const many = readTrendLink(new URLSearchParams(`pens=${Array.from({ length: 12 }, (_, i) => `T${i}`).join(',')}`), now);
  expect(many.pens).toHaveLength(MAX_PENS);
  expect(many.range).toBe('1h');
  // The sensor screen's link opens that sensor as the first pen.
  const fromSensor = trendPath(['P01-TT-001']);
  expect(readTrendLink(new URLSearchParams(fromSensor.split('?')[1]), now)).toMatchObject({ pens: ['P01-TT-001'], range: '1h' });
});

test('the cursor reads the nearest point, and nothing across a gap', () => {
  const pts = [0, 10, 20, 60].map((t) => ({ t: t * 1000, v: t }));
  expect(valueAt(pts, 12_000, 7_000)).toBe(10);
  expect(valueAt(pts, 17_000, 7_000)).toBe(20);
  expect(valueAt(pts, 40_000, 7_000)).toBeNull();
  expect(valueAt([], 0, 1)).toBeNull();
});

test('the CSV table has a row per time and a column per pen', () => {
  const t = pensTable([
    { id: 'A', points: [{ t: 1000, v: 1 }, { t: 2000, v: 2 }] },
    { id: 'B', points: [{ t: 2000, v: 5 }] },
  ]);
  expect(t.header).toEqual(['time_local', 'time_utc', 'A', 'B']);
  expect(t.rows.map((r) => r.slice(1))).toEqual([['1970-01-01T00:00:01.000Z', 1, null], ['1970-01-01T00:00:02.000Z', 2, 5]]);
});

test('a pen is named by its tag description (else its id); CSV columns add the unit, and the id only where names repeat', () => {
  expect(penName('PLC03_PT08', { description: 'Pressure 8 of PLC 03' })).toBe('Pressure 8 of PLC 03');
  expect(penName('PLC03_PT08', { description: '  ' })).toBe('PLC03_PT08');
  expect(penName('PLC03_PT08', undefined)).toBe('PLC03_PT08');
  expect(penColumns([{ id: 'A', name: 'Feed pressure', unit: 'bar' }, { id: 'B', name: 'B', unit: '' }])).toEqual(['Feed pressure (bar)', 'B']);
  expect(penColumns([{ id: 'A', name: 'Pump', unit: 'A' }, { id: 'B', name: 'Pump', unit: 'A' }])).toEqual(['Pump (A) [A]', 'Pump (A) [B]']);
});

test('time ticks fall on round local times and read as 24 h ISO-like text', () => {
  const from = new Date(2026, 11, 7, 10, 7, 13).getTime();
  const { ticks, step } = timeTicks(from, from + 3_600_000);
  expect(step).toBe(10 * 60_000);
  expect(ticks.map((t) => formatTimeTick(t, step, 3_600_000))).toEqual(['10:10', '10:20', '10:30', '10:40', '10:50', '11:00']);
  const day = timeTicks(from, from + 7 * 86_400_000);
  expect(formatTimeTick(day.ticks[0], day.step, 7 * 86_400_000)).toBe('2026-12-08');
  const min = timeTicks(from, from + 60_000);
  expect(formatTimeTick(min.ticks[0], min.step, 60_000)).toBe('10:07:20');
});
