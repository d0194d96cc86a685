import { afterEach, expect, test } from 'vitest';
import { formatTimeTick, timeTicks } from './chart-scale';
import { clock, dateTime, dayTime, DEFAULT_DATE_TIME, setDateTimeSettings, zoneOffsetMs } from './format';

const T = Date.parse('2026-12-07T20:15:30Z');
afterEach(() => setDateTimeSettings(DEFAULT_DATE_TIME));

test('by default every date and time reads ISO-like, 24 h, in the browser zone', () => {
  expect(dateTime(T)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  expect(clock(T)).toMatch(/^\d{2}:\d{2}:\d{2}$/);
  setDateTimeSettings({ locale: null, time_zone: 'UTC' });
  expect(dateTime(T)).toBe('2026-12-07 20:15:30');
  expect(clock('2026-12-07T00:05:09Z')).toBe('00:05:09');
  expect(dateTime(null)).toBe('—');
  expect(dateTime('not a date')).toBe('—');
});

test('a moment today reads as a time of day, one on another day with its date', () => {
  setDateTimeSettings({ locale: null, time_zone: 'UTC' });
  const now = Date.parse('2026-12-07T10:00:00Z');
  expect(dayTime(Date.parse('2026-12-07T08:15:30Z'), now)).toBe('08:15:30');
  expect(dayTime(Date.parse('2026-12-06T23:59:59Z'), now)).toBe('2026-12-06 23:59:59');
  expect(dayTime(null, now)).toBe('—');
  setDateTimeSettings(DEFAULT_DATE_TIME);
});

test("a user's locale and time zone change the format everywhere: clock, date-time and chart ticks", () => {
  setDateTimeSettings({ locale: 'en-US', time_zone: 'UTC' });
  expect(dateTime(T)).toBe('12/07/2026 8:15:30 PM');
  expect(clock(T)).toBe('8:15:30 PM');
  setDateTimeSettings({ locale: 'de-DE', time_zone: 'Europe/Berlin' });
  expect(dateTime(T)).toBe('07.12.2026 21:15:30');
  expect(zoneOffsetMs(T)).toBe(3_600_000);
  // Hourly ticks on round Berlin hours, labelled in German.
  const { ticks, step } = timeTicks(T, T + 6 * 3_600_000);
  expect(ticks.map((t) => formatTimeTick(t, step, 6 * 3_600_000))).toEqual(['22:00', '23:00', '00:00', '01:00', '02:00', '03:00']);
  expect(formatTimeTick(Date.parse('2026-12-08T23:00:00Z'), 86_400_000, 7 * 86_400_000)).toBe('09.12.2026');
  // Back to the default.
  setDateTimeSettings({ locale: null, time_zone: 'Asia/Kolkata' });
  expect(dateTime(T)).toBe('2026-12-08 01:45:30');
});

test('a setting Intl refuses falls back to the default rather than breaking every screen', () => {
  setDateTimeSettings({ locale: 'not a locale!', time_zone: 'Mars/Olympus' });
  expect(dateTime(T)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
});
