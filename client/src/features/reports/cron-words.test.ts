import { expect, test } from 'vitest';
import { cronWords } from './cron-words';

test('common digest schedules read in words, 24 h', () => {
  expect(cronWords('0 6 * * *')).toBe('every day at 06:00');
  expect(cronWords('30 6,14,22 * * *')).toBe('every day at 06:30, 14:30 and 22:30');
  expect(cronWords('0 7 * * 1-5')).toBe('every Mon–Fri at 07:00');
  expect(cronWords('0 7 * * 0,6')).toBe('every Sat, Sun at 07:00');
  expect(cronWords('15 * * * *')).toBe('every hour at :15');
});

test('anything else is left to the cron text (null), never described wrongly', () => {
  for (const c of ['*/15 * * * *', '0 6 1 * *', '0 6 * 1 *', '0 */2 * * *', '0 25 * * *', '0 6 * * 1-5/2', '0 6 * * *  x', '', '15 * * * 1', '0 6 * * 0-7']) expect(cronWords(c)).toBeNull();
});
