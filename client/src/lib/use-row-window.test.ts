import { expect, test } from 'vitest';
import { rowWindow } from './use-row-window';

test('the rows in the viewport plus the overscan either side, clamped to the list', () => {
  // Body top at the viewport top: rows 0..24 visible in 720 px of 30 px rows, 10 more below.
  expect(rowWindow(0, 720, 30, 1000, 10)).toEqual({ start: 0, end: 34 });
  // Scrolled 3 000 px into the body: rows 100..124 visible.
  expect(rowWindow(3000, 720, 30, 1000, 10)).toEqual({ start: 90, end: 134 });
  // Body still 600 px below the viewport top: only 120 px of it visible (4 rows).
  expect(rowWindow(-600, 720, 30, 1000, 10)).toEqual({ start: 0, end: 14 });
  // Scrolled past the end.
  expect(rowWindow(40_000, 720, 30, 1000, 10)).toEqual({ start: 1000, end: 1000 });
  expect(rowWindow(29_500, 720, 30, 1000, 10)).toEqual({ start: 973, end: 1000 });
});
