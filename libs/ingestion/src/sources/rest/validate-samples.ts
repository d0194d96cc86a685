import type { ErrorDetail, IngestedSample, SampleQuality, SampleStatus } from '@idm/contracts';
import { ingestedSample } from '@idm/contracts';
import { SENSOR_ID_PATTERN } from '../../dto/tag.dto';
const QUALITIES: readonly SampleQuality[] = ['good', 'bad', 'comm_failure', 'stale'];
const STATUSES: readonly SampleStatus[] = ['normal', 'anomaly'];
const ALLOWED = new Set(['sensor_id', 'timestamp', 'value', 'quality', 'status']);
// ISO-8601 date-time with an explicit zone: a timestamp without one would depend on the server's zone.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export interface SampleLimits {
  maxBatch: number;
  /** Oldest accepted timestamp, epoch ms. */
  minTimestamp: number;
  /** Newest accepted timestamp, epoch ms. */
  maxTimestamp: number;
}

export type ValidationResult = { ok: true; samples: IngestedSample[] } | { ok: false; message: string; details: ErrorDetail[] };

function fail(field: string, rule: string, message: string): ValidationResult {
  return { ok: false, message, details: [{ field, rule, message }] };
}

/**
 * Validates a whole `POST /sensors/data` body: one sample, `{samples: [...]}` or a bare array, into
 * ingestion samples (`source: 'rest'`). Stops at the first bad sample and names it (`samples[3].value`);
 * a rejected batch stores nothing.
 */
export function validateSampleBatch(body: unknown, limits: SampleLimits): ValidationResult {
  let items: unknown[];
  let prefix: (i: number) => string;
  if (Array.isArray(body)) {
    items = body;
    prefix = (i) => `[${i}]`;
  } else if (body && typeof body === 'object' && 'samples' in body) {
    const keys = Object.keys(body);
    if (keys.length !== 1) return fail(keys.find((k) => k !== 'samples') as string, 'whitelistValidation', `${keys.find((k) => k !== 'samples')} is not an allowed field next to samples`);
    const s = (body as { samples: unknown }).samples;
    if (!Array.isArray(s)) return fail('samples', 'isArray', 'samples must be an array');
    items = s;
    prefix = (i) => `samples[${i}]`;
  } else if (body && typeof body === 'object') {
    items = [body];
    prefix = () => '';
  } else {
    return fail('body', 'isObject', 'body must be a sample object, an array of samples or {samples: [...]}');
  }
  if (!items.length) return fail(Array.isArray(body) ? 'body' : 'samples', 'arrayNotEmpty', 'the batch has no samples');
  if (items.length > limits.maxBatch) {
    return fail(Array.isArray(body) ? 'body' : 'samples', 'arrayMaxSize', `a batch holds at most ${limits.maxBatch} samples (got ${items.length})`);
  }
  const out: IngestedSample[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const p = prefix(i);
    const f = (name: string) => (p ? `${p}.${name}` : name);
    const x = items[i] as Record<string, unknown>;
    if (!x || typeof x !== 'object' || Array.isArray(x)) return fail(p || 'body', 'isObject', `${p || 'body'} must be an object`);
    for (const k of Object.keys(x)) if (!ALLOWED.has(k)) return fail(f(k), 'whitelistValidation', `${f(k)} is not an allowed field`);
    const id = x.sensor_id;
    if (typeof id !== 'string') return fail(f('sensor_id'), 'isString', `${f('sensor_id')} must be a string`);
    if (!SENSOR_ID_PATTERN.test(id)) {
      return fail(f('sensor_id'), 'matches', `${f('sensor_id')} must be 1-128 letters, digits or _ . : / - starting with a letter or digit`);
    }
    const v = x.value;
    if (typeof v !== 'number' || !Number.isFinite(v)) return fail(f('value'), 'isFinite', `${f('value')} must be a finite number`);
    let t: number;
    const ts = x.timestamp;
    if (typeof ts === 'number') {
      if (!Number.isInteger(ts)) return fail(f('timestamp'), 'isTimestamp', `${f('timestamp')} must be epoch milliseconds (an integer) or an ISO-8601 string`);
      t = ts;
    } else if (typeof ts === 'string' && ISO_8601.test(ts) && Number.isFinite(Date.parse(ts))) {
      t = Date.parse(ts);
    } else {
      return fail(f('timestamp'), 'isTimestamp', `${f('timestamp')} must be epoch milliseconds or an ISO-8601 date-time with a time zone`);
    }
    if (t < limits.minTimestamp || t > limits.maxTimestamp) {
      return fail(f('timestamp'), 'inWindow', `${f('timestamp')} must be between ${new Date(limits.minTimestamp).toISOString()} and ${new Date(limits.maxTimestamp).toISOString()}`);
    }
    const q = x.quality ?? 'good';
    if (!QUALITIES.includes(q as SampleQuality)) return fail(f('quality'), 'isIn', `${f('quality')} must be one of ${QUALITIES.join(', ')}`);
    const s = x.status ?? 'normal';
    if (!STATUSES.includes(s as SampleStatus)) return fail(f('status'), 'isIn', `${f('status')} must be one of ${STATUSES.join(', ')}`);
    // `status` is detection's to set; a posted `anomaly` is kept (e.g. history replayed from another system).
    out[i] = ingestedSample(id, t, v, q as SampleQuality, 'rest', s === 'anomaly' ? 'anomaly' : undefined);
  }
  return { ok: true, samples: out };
}
