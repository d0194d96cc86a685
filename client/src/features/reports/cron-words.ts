/**
 * A digest schedule in words for the common shapes of a five-field cron (`0 6 * * *` → `every day at 06:00`),
 * so a supervisor need not read cron. Anything else returns null and the screen shows the cron alone.
 */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const intIn = (s: string, lo: number, hi: number): number | null => (/^\d{1,2}$/.test(s) && +s >= lo && +s <= hi ? +s : null);

/** `1-5` → Mon–Fri, `0,6` → Sat, Sun (listed Monday first, as a shift plan reads); null when not plain days. */
function days(field: string): string | null {
  const picked = new Set<number>();
  for (const part of field.split(',')) {
    const [a, b] = part.split('-');
    const from = intIn(a, 0, 7);
    const to = b === undefined ? from : intIn(b, 0, 7);
    if (from === null || to === null || to < from) return null;
    for (let d = from; d <= to; d++) picked.add(d % 7);
  }
  const order = [1, 2, 3, 4, 5, 6, 0].filter((d) => picked.has(d));
  if (order.length === 7) return null;
  if (order.join() === '1,2,3,4,5') return 'Mon–Fri';
  return order.map((d) => DAYS[d]).join(', ');
}

export function cronWords(cron: string): string | null {
  const f = cron.trim().split(/\s+/);
  if (f.length !== 5 || f[2] !== '*' || f[3] !== '*') return null;
  const [min, hour, , , dow] = f;
  const m = intIn(min, 0, 59);
  if (m === null) return null;
  const on = dow === '*' ? 'every day' : days(dow) && `every ${days(dow)}`;
  if (!on) return null;
  const mm = String(m).padStart(2, '0');
  if (hour === '*') return dow === '*' ? `every hour at :${mm}` : null;
  const hours = hour.split(',').map((h) => intIn(h, 0, 23));
  if (hours.some((h) => h === null)) return null;
  const times = hours.map((h) => `${String(h).padStart(2, '0')}:${mm}`);
  return `${on} at ${times.length > 1 ? `${times.slice(0, -1).join(', ')} and ${times.at(-1)}` : times[0]}`;
}

/** Each field's name and range, seconds first when a cron has six fields (as the server's parser reads it). */
const FIELDS = [
  ['second', 0, 59],
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['weekday', 0, 7],
] as const;

/**
 * What is wrong with a cron's numbers, in words, as the user types (`hour 25 is not in 0–23`); null when
 * nothing is found. Names, `L`, `W`, `#` and `?` are left to the server's parser, which has the last word.
 */
export function cronProblem(cron: string): string | null {
  const f = cron.trim().split(/\s+/).filter(Boolean);
  if (f.length < 5 || f.length > 6) return `cron must have 5 fields (minute hour day month weekday) or 6 with seconds first; this has ${f.length}`;
  const fields = f.length === 6 ? FIELDS : FIELDS.slice(1);
  for (const [i, field] of f.entries()) {
    const [name, lo, hi] = fields[i];
    for (const part of field.split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m) {
        if (/^[\w*?/#-]+$/.test(part)) continue;
        return `cron: the ${name} field has characters cron does not know (${part})`;
      }
      const [, , a, b, step] = m;
      for (const v of [a, b]) if (v !== undefined && (+v < lo || +v > hi)) return `cron: ${name} ${v} is not in ${lo}–${hi}`;
      if (a !== undefined && b !== undefined && +b < +a) return `cron: the ${name} range ${a}-${b} runs backwards`;
      if (step !== undefined && +step === 0) return `cron: the ${name} step must be at least 1`;
    }
  }
  return null;
}
