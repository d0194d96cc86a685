import { dateTimeSettings, displayTimeZone, zoneOffsetMs } from './format';

/**
 * Typed dates and times, in the product's one format rather than the browser's (a native `datetime-local`
 * input shows `12/07/2026, 02:05 PM` on an en-US browser whatever the user chose). By default the text is
 * `2026-12-07 14:05` (24 h, ISO-like); a user locale (Your settings) switches to that locale's own order and
 * clock, which is also accepted back. ISO-like text is always accepted. Times are wall-clock times of the
 * zone every screen shows (the user's time zone, else the browser's).
 */

export type ParsedDateTime = { ok: true; t: number } | { ok: false; error: string };

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

const ISO = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?\s*$/;
const pad = (n: number) => String(n).padStart(2, '0');

/** Calendar and clock fields of `t` in the display zone. */
function wallOf(t: number): Wall {
  const d = new Date(t + zoneOffsetMs(t));
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
}

/** The locale's date and its time to the minute, as the rest of the product writes them (`lib/format`). */
function localeFormats(locale: string): { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat } {
  const timeZone = displayTimeZone();
  return {
    date: new Intl.DateTimeFormat(locale, { timeZone, numberingSystem: 'latn', year: 'numeric', month: '2-digit', day: '2-digit' }),
    time: new Intl.DateTimeFormat(locale, { timeZone, numberingSystem: 'latn', hour: 'numeric', minute: '2-digit' }),
  };
}

/** `t` as an input's text: `2026-12-07 14:05` by default, the user's locale's own text when one is set. */
export function formatDateTimeInput(t: number): string {
  const { locale } = dateTimeSettings();
  if (locale) {
    try {
      const f = localeFormats(locale);
      return `${f.date.format(t)} ${f.time.format(t)}`;
    } catch {
      // A locale Intl refuses: the default below.
    }
  }
  const w = wallOf(t);
  return `${w.y}-${pad(w.mo)}-${pad(w.d)} ${pad(w.h)}:${pad(w.mi)}`;
}

/** An example of the expected text (for placeholders and error messages). */
export function dateTimeInputExample(): string {
  return formatDateTimeInput(Date.UTC(2026, 11, 7, 14, 5) - zoneOffsetMs(Date.UTC(2026, 11, 7, 14, 5)));
}

/** The locale's text read back: its numbers in its order of year, month, day, hour, minute; AM/PM if it has them. */
function parseLocale(text: string, locale: string): Wall | string | null {
  let fmt: ReturnType<typeof localeFormats>;
  try {
    fmt = localeFormats(locale);
  } catch {
    return null;
  }
  const order = fmt.date
    .formatToParts(0)
    .map((p) => p.type)
    .filter((k): k is 'year' | 'month' | 'day' => k === 'year' || k === 'month' || k === 'day');
  const periods = ['am', 'pm'].map((_, i) =>
    (fmt.time.formatToParts(Date.UTC(2026, 0, 1, 3 + 12 * i) - zoneOffsetMs(Date.UTC(2026, 0, 1, 3 + 12 * i))).find((p) => p.type === 'dayPeriod')?.value ?? '').toLowerCase().replace(/[.\s]/g, ''),
  );
  const nums = text.match(/\d+/g)?.map(Number) ?? [];
  const word = (text.match(/\p{L}[\p{L}.\s]*/gu) ?? []).map((w) => w.toLowerCase().replace(/[.\s]/g, '')).find(Boolean);
  if (order.length !== 3 || nums.length < 5 || nums.length > 6) return null;
  const f: Record<string, number> = {};
  order.forEach((k, i) => (f[k] = nums[i]));
  let h = nums[3];
  if (word !== undefined) {
    const pm = periods.indexOf(word);
    if (pm < 0 || !periods[pm]) return null;
    if (h < 1 || h > 12) return `hour ${h} does not exist with ${word.toUpperCase()} (1–12)`;
    h = (h % 12) + 12 * pm;
  }
  return { y: f.year, mo: f.month, d: f.day, h, mi: nums[4], s: nums[5] ?? 0 };
}

/** What is wrong with these fields, if anything. */
function wrongField(w: Wall): string | null {
  if (w.y < 1000 || w.y > 9999) return `year ${w.y} is not a four-digit year`;
  if (w.mo < 1 || w.mo > 12) return `month ${w.mo} does not exist (01–12)`;
  const days = new Date(Date.UTC(w.y, w.mo, 0)).getUTCDate();
  if (w.d < 1 || w.d > days) return `${w.y}-${pad(w.mo)} has no day ${w.d}`;
  if (w.h > 23) return `hour ${w.h} does not exist (00–23, or 1–12 with AM/PM)`;
  if (w.mi > 59) return `minute ${w.mi} does not exist (00–59)`;
  if (w.s > 59) return `second ${w.s} does not exist (00–59)`;
  return null;
}

/**
 * Reads a typed date and time (see the file's comment). A date alone means its midnight. The error says
 * what is wrong and how to write it; the caller names the field.
 */
export function parseDateTimeInput(text: string): ParsedDateTime {
  const example = dateTimeInputExample();
  if (!text.trim()) return { ok: false, error: `missing, write a date and time like ${example}` };
  const iso = ISO.exec(text);
  const { locale } = dateTimeSettings();
  const w: Wall | string | null = iso ? { y: +iso[1], mo: +iso[2], d: +iso[3], h: +(iso[4] ?? 0), mi: +(iso[5] ?? 0), s: +(iso[6] ?? 0) } : locale ? parseLocale(text, locale) : null;
  if (!w) return { ok: false, error: `"${text.trim()}" is not a date and time, write it like ${example}` };
  const wrong = typeof w === 'string' ? w : wrongField(w);
  if (wrong || typeof w === 'string') return { ok: false, error: `${wrong}, write it like ${example}` };
  // The zone's offset at that wall time (twice: the first guess may sit across a clock change).
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  let t = asUtc - zoneOffsetMs(asUtc);
  t = asUtc - zoneOffsetMs(t);
  const back = wallOf(t);
  if (back.h !== w.h || back.mi !== w.mi || back.d !== w.d) {
    return { ok: false, error: `${w.y}-${pad(w.mo)}-${pad(w.d)} ${pad(w.h)}:${pad(w.mi)} does not exist in ${displayTimeZone()} (the clocks skip it)` };
  }
  return { ok: true, t };
}
