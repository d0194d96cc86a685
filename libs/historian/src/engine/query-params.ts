import type { ErrorDetail } from '@idm/contracts';

export class QueryParamError extends Error {
  constructor(readonly detail: ErrorDetail) {
    super(detail.message);
  }
}

/** A time query parameter: ISO-8601 or epoch ms; `fallback` when absent. */
export function parseTimeParam(name: string, raw: unknown, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string') throw new QueryParamError({ field: name, rule: 'isTimestamp', message: `${name} must be given once` });
  const t = /^\d{1,15}$/.test(raw) ? Number(raw) : /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isFinite(t)) throw new QueryParamError({ field: name, rule: 'isTimestamp', message: `${name} must be an ISO-8601 date-time or epoch milliseconds` });
  return t;
}

export function parseIntParam(name: string, raw: unknown, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new QueryParamError({ field: name, rule: 'isInt', message: `${name} must be an integer from ${min} to ${max}` });
  return n;
}

/** [from, to) of a history query: `to` defaults to now, `from` to `defaultSpanMs` before `to`. */
export function parseRange(query: Record<string, unknown>, now: number, defaultSpanMs: number, maxSpanMs: number): { from: number; to: number } {
  const to = parseTimeParam('to', query.to, now);
  const from = parseTimeParam('from', query.from, to - defaultSpanMs);
  if (from >= to) throw new QueryParamError({ field: 'from', rule: 'before', message: 'from must be earlier than to' });
  if (to - from > maxSpanMs) throw new QueryParamError({ field: 'from', rule: 'maxSpan', message: `the range from..to may span at most ${Math.round(maxSpanMs / 86_400_000)} days` });
  return { from, to };
}
