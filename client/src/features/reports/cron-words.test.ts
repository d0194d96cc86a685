import { expect, test } from 'vitest';
import { cronProblem, cronWords } from './cron-words';

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

test('a cron the server would refuse is named by field as it is typed; shapes left to the server pass', () => {
  expect(cronProblem('0 6 * *')).toBe('cron must have 5 fields (minute hour day month weekday) or 6 with seconds first; this has 4');
  expect(cronProblem('0 25 * * *')).toBe('cron: hour 25 is not in 0–23');
  expect(cronProblem('60 * * * *')).toBe('cron: minute 60 is not in 0–59');
  expect(cronProblem('0 6 0 * *')).toBe('cron: day of month 0 is not in 1–31');
  expect(cronProblem('0 6 * 13 *')).toBe('cron: month 13 is not in 1–12');
  expect(cronProblem('0 6 * * 8')).toBe('cron: weekday 8 is not in 0–7');
  expect(cronProblem('0 6 * * 5-1')).toBe('cron: the weekday range 5-1 runs backwards');
  expect(cronProblem('*/0 * * * *')).toBe('cron: the minute step must be at least 1');
  expect(cronProblem('0 6 * * 1;2')).toBe('cron: the weekday field has characters cron does not know (1;2)');
  expect(cronProblem('61 0 6 * * *')).toBe('cron: second 61 is not in 0–59');
  for (const c of ['0 6 * * *', '*/15 * * * *', '0 6,14,22 * * *', '0 7 * * 1-5', '0 6 * * MON-FRI', '0 6 L * *', '0 6 * * 1#2', '0 6 ? * *', '30 0 6 * * *', '0 6 * * 7']) expect(cronProblem(c)).toBeNull();
});
