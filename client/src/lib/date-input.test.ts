import { afterEach, expect, test } from 'vitest';
import { dateTimeInputExample, formatDateTimeInput, parseDateTimeInput } from './date-input';
import { DEFAULT_DATE_TIME, setDateTimeSettings } from './format';

afterEach(() => setDateTimeSettings(DEFAULT_DATE_TIME));
const T = Date.parse('2026-12-07T14:05:00Z');

test('by default an input reads and takes 24 h ISO-like text in the display zone', () => {
  setDateTimeSettings({ locale: null, time_zone: 'UTC' });
  expect(formatDateTimeInput(T)).toBe('2026-12-07 14:05');
  expect(dateTimeInputExample()).toBe('2026-12-07 14:05');
  expect(parseDateTimeInput('2026-12-07 14:05')).toEqual({ ok: true, t: T });
  expect(parseDateTimeInput(' 2026-12-07T14:05:30 ')).toEqual({ ok: true, t: T + 30_000 });
  expect(parseDateTimeInput('2026-12-07')).toEqual({ ok: true, t: Date.parse('2026-12-07T00:00:00Z') });
  // The user's zone, not the browser's: 14:05 in Berlin (winter) is 13:05 UTC.
  setDateTimeSettings({ locale: null, time_zone: 'Europe/Berlin' });
  expect(parseDateTimeInput('2026-12-07 14:05')).toEqual({ ok: true, t: T - 3_600_000 });
  expect(formatDateTimeInput(T - 3_600_000)).toBe('2026-12-07 14:05');
  // Across the summer change too.
  expect(parseDateTimeInput('2026-07-01 12:00')).toEqual({ ok: true, t: Date.parse('2026-07-01T10:00:00Z') });
});

test('a wrong date or time says what is wrong and how to write it', () => {
  setDateTimeSettings({ locale: null, time_zone: 'UTC' });
  const error = (text: string) => {
    const r = parseDateTimeInput(text);
    return r.ok ? 'accepted' : r.error;
  };
  expect(error('')).toBe('missing, write a date and time like 2026-12-07 14:05');
  expect(error('12/07/2026 2:05 PM')).toBe('"12/07/2026 2:05 PM" is not a date and time, write it like 2026-12-07 14:05');
  expect(error('yesterday')).toMatch(/^"yesterday" is not a date and time/);
  expect(error('2026-13-07 14:05')).toBe('month 13 does not exist (01–12), write it like 2026-12-07 14:05');
  expect(error('2026-02-30 14:05')).toMatch(/^2026-02 has no day 30,/);
  expect(error('2026-12-07 24:05')).toMatch(/^hour 24 does not exist/);
  expect(error('2026-12-07 14:65')).toMatch(/^minute 65 does not exist/);
  // A wall time the clocks skip (Berlin, last Sunday of March, 02:00 → 03:00).
  setDateTimeSettings({ locale: null, time_zone: 'Europe/Berlin' });
  expect(error('2026-03-29 02:30')).toBe('2026-03-29 02:30 does not exist in Europe/Berlin (the clocks skip it)');
});

test("with a user locale, inputs read the locale's own text and take it back (ISO-like text still works)", () => {
  setDateTimeSettings({ locale: 'en-US', time_zone: 'UTC' });
  expect(formatDateTimeInput(T)).toBe('12/07/2026 2:05 PM');
  expect(parseDateTimeInput('12/07/2026 2:05 PM')).toEqual({ ok: true, t: T });
  expect(parseDateTimeInput('12/07/2026, 2:05 pm')).toEqual({ ok: true, t: T });
  expect(parseDateTimeInput('12/07/2026 12:30 AM')).toEqual({ ok: true, t: Date.parse('2026-12-07T00:30:00Z') });
  expect(parseDateTimeInput('12/07/2026 14:05')).toEqual({ ok: true, t: T });
  expect(parseDateTimeInput('2026-12-07 14:05')).toEqual({ ok: true, t: T });
  const bad = parseDateTimeInput('12/07/2026 14:05 PM');
  expect(bad.ok ? '' : bad.error).toBe('hour 14 does not exist with PM (1–12), write it like 12/07/2026 2:05 PM');
  const swapped = parseDateTimeInput('31/12/2026 10:00');
  expect(swapped.ok ? '' : swapped.error).toMatch(/^month 31 does not exist/);
  for (const t of [T, Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-06-30T23:59:00Z')]) expect(parseDateTimeInput(formatDateTimeInput(t))).toEqual({ ok: true, t });
  setDateTimeSettings({ locale: 'de-DE', time_zone: 'Europe/Berlin' });
  expect(formatDateTimeInput(T)).toBe('07.12.2026 15:05');
  expect(parseDateTimeInput('07.12.2026 15:05')).toEqual({ ok: true, t: T });
});
