import { JsonPath, selectPath } from './json-path';

export type PlainReading = { ok: true; value: number; timestamp: number | null } | { ok: false; error: string };

/** A selector compiled from a tag's binding: no path reads the payload as a raw number. */
export interface PlainSelector {
  value: JsonPath | null;
  timestamp: JsonPath | null;
}

/** A JSON or text value as a number: numbers, booleans (1/0) and numeric strings; nothing else. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Epoch ms from a number (seconds when it is below 1e11, else ms) or an ISO 8601 string. */
export function toTimestamp(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v < 1e11 ? Math.round(v * 1000) : Math.round(v);
  if (typeof v === 'string' && v.trim()) {
    if (/^\d+(\.\d+)?$/.test(v.trim())) return toTimestamp(Number(v));
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

const describe = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/**
 * A plain MQTT payload as a number (and the timestamp it carries, if its tag names one). Never throws:
 * a malformed payload is an error result, counted and logged by the caller while other tags go on.
 */
export function readPlain(payload: Buffer | string, sel: PlainSelector, parsed?: { doc?: unknown; error?: string }): PlainReading {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  if (!sel.value && !sel.timestamp) {
    const n = toNumber(text);
    return n === null ? { ok: false, error: `payload is not a number: ${describe(text)}` } : { ok: true, value: n, timestamp: null };
  }
  let doc: unknown;
  if (parsed && ('doc' in parsed || parsed.error)) {
    if (parsed.error) return { ok: false, error: parsed.error };
    doc = parsed.doc;
  } else {
    const p = parseJson(text);
    if (p.error) return { ok: false, error: p.error };
    doc = p.doc;
  }
  const raw = sel.value ? selectPath(doc, sel.value) : doc;
  if (raw === undefined) return { ok: false, error: `no field ${pathText(sel.value!)} in the payload` };
  const value = toNumber(raw);
  if (value === null) return { ok: false, error: `${sel.value ? pathText(sel.value) : 'payload'} is not a number: ${describe(raw)}` };
  let timestamp: number | null = null;
  if (sel.timestamp) {
    const t = selectPath(doc, sel.timestamp);
    timestamp = toTimestamp(t);
    if (timestamp === null) return { ok: false, error: `${pathText(sel.timestamp)} is not a timestamp (epoch or ISO 8601): ${describe(t)}` };
  }
  return { ok: true, value, timestamp };
}

/** Parsed once per message when several tags read the same topic. */
export function parseJson(text: string): { doc?: unknown; error?: string } {
  try {
    return { doc: JSON.parse(text) };
  } catch (err) {
    return { error: `payload is not JSON (${(err as Error).message}): ${describe(text)}` };
  }
}

function pathText(p: JsonPath): string {
  return p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
