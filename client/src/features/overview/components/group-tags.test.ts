import { expect, test } from 'vitest';
import { renderGroups } from './group-tags';
import { gridColumnCount } from './use-grid-columns';

test('render groups are whole rows, so stacked they read as one grid: only the last may end short', () => {
  const tiles = Array.from({ length: 17 }, (_, i) => i);
  expect(renderGroups(tiles, 4).map((g) => g.length)).toEqual([8, 8, 1]);
  expect(renderGroups(tiles, 3, 1).map((g) => g.length)).toEqual([3, 3, 3, 3, 3, 2]);
  expect(renderGroups(tiles, 8).flat()).toEqual(tiles);
  // A phone's single column still groups two rows; nonsense counts fall back to one column.
  expect(renderGroups(tiles.slice(0, 5), 1).map((g) => g.length)).toEqual([2, 2, 1]);
  expect(renderGroups(tiles.slice(0, 3), 0).map((g) => g.length)).toEqual([2, 1]);
  expect(renderGroups([], 8)).toEqual([]);
});

test('the column count is read from resolved track sizes only', () => {
  expect(gridColumnCount('216px 216px 216.5px')).toBe(3);
  expect(gridColumnCount(' 1180px ')).toBe(1);
  // Not laid out, or the template as written (a test DOM): unknown, the caller keeps its guess.
  expect(gridColumnCount('repeat(auto-fill, minmax(13.5rem, 1fr))')).toBeNull();
  expect(gridColumnCount('none')).toBeNull();
  expect(gridColumnCount('')).toBeNull();
});
