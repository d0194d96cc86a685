/** Sparkplug B 3.0 message types (topic `spBv1.0/<group>/<type>/<edge node>[/<device>]`). */
export const SPARKPLUG_NAMESPACE = 'spBv1.0';
export type SparkplugMessageType = 'NBIRTH' | 'NDEATH' | 'DBIRTH' | 'DDEATH' | 'NDATA' | 'DDATA' | 'NCMD' | 'DCMD';
const TYPES: readonly string[] = ['NBIRTH', 'NDEATH', 'DBIRTH', 'DDEATH', 'NDATA', 'DDATA', 'NCMD', 'DCMD'];

export interface SparkplugTopic {
  group: string;
  type: SparkplugMessageType;
  edgeNode: string;
  device?: string;
}

/** The parts of a Sparkplug topic, or null for anything else (including `spBv1.0/STATE/<host>`). */
export function parseSparkplugTopic(topic: string): SparkplugTopic | null {
  const p = topic.split('/');
  if (p[0] !== SPARKPLUG_NAMESPACE || p.length < 4 || p.length > 5 || !TYPES.includes(p[2])) return null;
  const type = p[2] as SparkplugMessageType;
  const deviceType = type[0] === 'D';
  if (deviceType !== (p.length === 5)) return null;
  return { group: p[1], type, edgeNode: p[3], ...(deviceType ? { device: p[4] } : {}) };
}

export function sparkplugTopic(t: SparkplugTopic): string {
  return [SPARKPLUG_NAMESPACE, t.group, t.type, t.edgeNode, ...(t.device ? [t.device] : [])].join('/');
}

/** A metric value after decoding: 64-bit integers as numbers; arrays, data sets and templates as `unsupported`. */
export type SparkplugValue = number | boolean | string | null | { unsupported: string };

export interface SparkplugMetric {
  name?: string;
  alias?: number;
  /** Datatype name as sparkplug-payload gives it (`Double`, `Int32`, `Boolean`, ...). */
  type?: string;
  value: SparkplugValue;
  timestamp?: number;
  isNull?: boolean;
  properties?: Record<string, unknown>;
}

export interface SparkplugPayload {
  timestamp?: number;
  seq?: number;
  metrics: SparkplugMetric[];
}

interface LongLike {
  toNumber(): number;
}
const isLong = (v: unknown): v is LongLike => typeof v === 'object' && v !== null && typeof (v as LongLike).toNumber === 'function';
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : isLong(v) ? v.toNumber() : undefined);

/**
 * A payload as decoded by sparkplug-payload (protobuf objects with Long integers) reduced to plain values.
 * Property sets become `{ name: value }`.
 */
export function normalizeSparkplugPayload(decoded: unknown): SparkplugPayload {
  const d = (decoded ?? {}) as { timestamp?: unknown; seq?: unknown; metrics?: unknown[] };
  const metrics = (Array.isArray(d.metrics) ? d.metrics : []).map((m): SparkplugMetric => {
    const r = m as { name?: string; alias?: unknown; type?: string; value?: unknown; timestamp?: unknown; isNull?: boolean; properties?: Record<string, { value?: unknown }> };
    let value: SparkplugValue;
    const v = r.value;
    if (v === undefined || v === null) value = null;
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') value = v;
    else if (isLong(v)) value = v.toNumber();
    else value = { unsupported: r.type ?? 'object' };
    const props: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(r.properties ?? {})) {
      const pv = p?.value;
      props[k] = isLong(pv) ? pv.toNumber() : pv;
    }
    return {
      ...(r.name !== undefined && r.name !== '' ? { name: r.name } : {}),
      ...(num(r.alias) !== undefined ? { alias: num(r.alias) } : {}),
      ...(r.type ? { type: r.type } : {}),
      value,
      ...(num(r.timestamp) !== undefined ? { timestamp: num(r.timestamp) } : {}),
      ...(r.isNull ? { isNull: true } : {}),
      ...(Object.keys(props).length ? { properties: props } : {}),
    };
  });
  return {
    ...(num(d.timestamp) !== undefined ? { timestamp: num(d.timestamp) } : {}),
    ...(num(d.seq) !== undefined ? { seq: num(d.seq) } : {}),
    metrics,
  };
}
