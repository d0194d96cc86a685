/**
 * The one date-time format of the client. Default: ISO-like, 24 h (`2026-12-07 08:15:30`) in the browser's
 * time zone. A user's settings (`PATCH /auth/me`: `locale`, `time_zone`) switch every screen to that
 * locale's own format (e.g. en-US: `12/7/26, 8:15:30 AM`) and/or that zone, through `setDateTimeSettings`.
 */
export interface DateTimeSettings {
  locale: string | null;
  time_zone: string | null;
}

interface Parts {
  y: string;
  mo: string;
  d: string;
  h: string;
  mi: string;
  s: string;
}

interface Formatters {
  settings: DateTimeSettings;
  /** Calendar and clock fields in the chosen zone (for ISO-like text, ticks and their alignment). */
  parts(d: Date): Parts;
  date(d: Date): string;
  time(d: Date): string;
  /** Hours and minutes only (axis ticks). */
  hm(d: Date): string;
}

function build(settings: DateTimeSettings): Formatters {
  const timeZone = settings.time_zone ?? undefined;
  const fields = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const parts = (d: Date): Parts => {
    const o: Record<string, string> = {};
    for (const p of fields.formatToParts(d)) o[p.type] = p.value;
    return { y: o.year, mo: o.month, d: o.day, h: o.hour === '24' ? '00' : o.hour, mi: o.minute, s: o.second };
  };
  if (!settings.locale) {
    return {
      settings,
      parts,
      date: (d) => {
        const p = parts(d);
        return `${p.y}-${p.mo}-${p.d}`;
      },
      time: (d) => {
        const p = parts(d);
        return `${p.h}:${p.mi}:${p.s}`;
      },
      hm: (d) => {
        const p = parts(d);
        return `${p.h}:${p.mi}`;
      },
    };
  }
  const date = new Intl.DateTimeFormat(settings.locale, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const time = new Intl.DateTimeFormat(settings.locale, { timeZone, hour: 'numeric', minute: '2-digit', second: '2-digit' });
  const hm = new Intl.DateTimeFormat(settings.locale, { timeZone, hour: '2-digit', minute: '2-digit' });
  return { settings, parts, date: (d) => date.format(d), time: (d) => time.format(d), hm: (d) => hm.format(d) };
}

export const DEFAULT_DATE_TIME: DateTimeSettings = { locale: null, time_zone: null };
let current = build(DEFAULT_DATE_TIME);

/** Applies a user's settings to every date and time the client shows from now on; a setting Intl refuses falls back to the default. */
export function setDateTimeSettings(settings: DateTimeSettings): void {
  if (settings.locale === current.settings.locale && settings.time_zone === current.settings.time_zone) return;
  try {
    current = build(settings);
  } catch {
    current = build(DEFAULT_DATE_TIME);
  }
}

export function dateTimeSettings(): DateTimeSettings {
  return current.settings;
}

/** The time zone times are shown in: the user's, else this browser's. */
export function displayTimeZone(): string {
  return current.settings.time_zone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

function toDate(iso: string | number | null | undefined): Date | null {
  if (iso === null || iso === undefined) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Time of day as the control room reads it (24 h with seconds by default). */
export function clock(iso: string | number | null | undefined): string {
  const d = toDate(iso);
  return d ? current.time(d) : '—';
}

/** Date and time (`2026-12-07 08:15:30` by default). */
export function dateTime(iso: string | number | null | undefined): string {
  const d = toDate(iso);
  return d ? `${current.date(d)} ${current.time(d)}` : '—';
}

/**
 * A moment that may be today or days ago (a last good read, an outage's start): time of day when it is today
 * in the user's time zone, else date and time; a bare time from yesterday would read as today's.
 */
export function dayTime(iso: string | number | null | undefined, now = Date.now()): string {
  const d = toDate(iso);
  if (!d) return '—';
  return current.date(d) === current.date(new Date(now)) ? current.time(d) : `${current.date(d)} ${current.time(d)}`;
}

/** Date only (`2026-12-07` by default). */
export function dateOnly(t: number): string {
  return current.date(new Date(t));
}

/** Hours and minutes (`08:15` by default), with seconds when `seconds`. */
export function hoursMinutes(t: number, seconds = false): string {
  const d = new Date(t);
  return seconds ? current.time(d) : current.hm(d);
}

/** The chosen zone's offset from UTC at `t`, in ms (for ticks on round local times). */
export function zoneOffsetMs(t: number): number {
  const p = current.parts(new Date(t));
  const asUtc = Date.UTC(Number(p.y), Number(p.mo) - 1, Number(p.d), Number(p.h), Number(p.mi), Number(p.s));
  return asUtc - Math.floor(t / 1000) * 1000;
}

/** A value with a sensible number of digits for its size (tabular numerals keep the width steady). */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

/** A code as words for people: `rate_of_change` → "rate of change". */
export function codeWords(code: string): string {
  return code.replace(/_/g, ' ');
}

/** A length of time as the control room reads it: `45 s`, `12 min 03 s`, `2 h 05 min`, `3 d 4 h`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${two(s % 60)} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${two(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}
