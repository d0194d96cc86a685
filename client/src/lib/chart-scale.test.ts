import { expect, test } from 'vitest';
import { niceDomain, niceTicks, tickLabel } from './chart-scale';

test('value-axis ticks fall on round numbers of the range, never between them', () => {
  // A pressure trend's axis read 5.50, 6.15, 6.80, 7.45, 8.00 (Recharts' five even ticks over the range).
  expect(niceDomain(5.62, 7.93)).toEqual([5.5, 8]);
  expect(niceTicks([5.5, 8])).toEqual([5.5, 6, 6.5, 7, 7.5, 8]);
  // Steps of 1, 2 or 5 × 10ⁿ, whole multiples, with no floating-point tails.
  expect(niceTicks([0, 0.9])).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  expect(niceTicks([-12, 48])).toEqual([-10, 0, 10, 20, 30, 40]);
  expect(niceTicks([132, 144])).toEqual([132, 134, 136, 138, 140, 142, 144]);
  // Fewer for a small chart.
  expect(niceTicks([58, 64], 3)).toEqual([58, 60, 62, 64]);
  expect(niceTicks([0, 100], 2)).toEqual([0, 50, 100]);
  // An empty or broken range leaves the chart's own ticks.
  expect(niceTicks([1, 1])).toBeUndefined();
  expect(niceTicks([Number.NaN, 1])).toBeUndefined();
});

test('value-axis labels carry the decimals of their step, so no two ticks read alike', () => {
  // A flat pen's axis ticked every 0.005 read 5.74, 5.75, 5.75, 5.75, 5.76 with two decimals.
  const flat = niceTicks([5.74, 5.76])!;
  const labels = flat.map((v) => tickLabel(v, flat));
  expect(new Set(labels).size).toBe(flat.length);
  expect(labels).toEqual(['5.740', '5.745', '5.750', '5.755', '5.760']);
  // A step the value's own format already shows keeps that format.
  const wide = niceTicks([5.5, 8])!;
  expect(wide.map((v) => tickLabel(v, wide))).toEqual(['5.50', '6.00', '6.50', '7.00', '7.50', '8.00']);
  expect(tickLabel(1234, [1000, 2000])).toBe('1234');
});
