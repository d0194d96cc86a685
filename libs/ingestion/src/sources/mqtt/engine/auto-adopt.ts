import { ALARM_PRIORITIES } from '@idm/contracts';
import type { MqttAutoAdoptRule, TagDto, TagLimits } from '@idm/contracts';
import type { DiscoveredMetric } from './sparkplug-host';

/** The default `sensor_id` template of a rule: unique per metric of a group. */
export const DEFAULT_ADOPT_SENSOR_ID = '{edge_node}.{device}.{metric}';
const PLACEHOLDERS = ['edge_node', 'device', 'metric'] as const;
const RULE_FIELDS = ['match', 'sensor_id', 'area', 'alarm_priority', 'limits', 'description'] as const;
const LIMIT_KEYS = ['lolo', 'lo', 'hi', 'hihi', 'deadband'] as const;
/** Sparkplug datatypes a tag can read as a number (strings, bytes, data sets and templates cannot). */
const NUMERIC_TYPES = /^(U?Int(8|16|32|64)|Float|Double|Boolean|DateTime)$/;
const SENSOR_ID = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;

/**
 * What a rule's `match` is compared with: `<edge node>/<device>/<metric>`, a node's own metric with an
 * empty device (`gw1//Uptime`). Metric names may contain `/` themselves (`Motor 1/Speed`).
 */
export function adoptKey(m: Pick<DiscoveredMetric, 'edge_node_id' | 'device_id' | 'name'>): string {
  return `${m.edge_node_id}/${m.device_id ?? ''}/${m.name}`;
}

/** A glob: `*` any characters but `/`, `**` any characters, `?` one character but `/`; the rest literal. */
export function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[\\^$.|+(){}[\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The rule's sensor id for a metric: placeholders filled, characters a sensor id cannot hold made `_`. */
export function adoptedSensorId(template: string, m: Pick<DiscoveredMetric, 'edge_node_id' | 'device_id' | 'name'>): string {
  const values: Record<(typeof PLACEHOLDERS)[number], string> = { edge_node: m.edge_node_id, device: m.device_id ?? '', metric: m.name };
  const filled = template.replace(/\{(edge_node|device|metric)\}/g, (_, k: (typeof PLACEHOLDERS)[number]) => values[k]);
  // A node metric leaves its device empty: `gw..Uptime` reads as `gw.Uptime`.
  return filled.replace(/[^A-Za-z0-9_.:/-]/g, '_').replace(/([.:/-])\1+/g, '$1').replace(/^[^A-Za-z0-9]+/, '').slice(0, 128);
}

/**
 * What is wrong with a device's `auto_adopt` rules, each problem naming its field (`auto_adopt[1].match`).
 * The whole list is checked, so one answer names every mistake.
 */
export function autoAdoptRulesErrors(rules: unknown): { field: string; message: string }[] {
  if (rules === undefined) return [];
  if (!Array.isArray(rules)) return [{ field: 'auto_adopt', message: 'auto_adopt must be a list of rules ({match, sensor_id, area, alarm_priority, limits})' }];
  const out: { field: string; message: string }[] = [];
  if (rules.length > 100) out.push({ field: 'auto_adopt', message: 'auto_adopt holds at most 100 rules' });
  rules.forEach((r: unknown, i) => {
    const at = `auto_adopt[${i}]`;
    if (!r || typeof r !== 'object' || Array.isArray(r)) {
      out.push({ field: at, message: `${at} must be an object with match` });
      return;
    }
    const o = r as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!(RULE_FIELDS as readonly string[]).includes(k)) out.push({ field: `${at}.${k}`, message: `${at}.${k} is not a field of a rule (${RULE_FIELDS.join(', ')})` });
    if (typeof o.match !== 'string' || !o.match || o.match.length > 500 || (o.match.split('/').length < 3 && !o.match.includes('**'))) {
      out.push({ field: `${at}.match`, message: `${at}.match must be a glob over <edge node>/<device>/<metric>, e.g. "line1/*/Temp*" or "**" (got ${JSON.stringify(o.match)})` });
    }
    if (o.sensor_id !== undefined) {
      const t = o.sensor_id;
      const unknown = typeof t === 'string' ? [...t.matchAll(/\{([^}]*)\}/g)].map((x) => x[1]).filter((k) => !(PLACEHOLDERS as readonly string[]).includes(k)) : [];
      if (typeof t !== 'string' || !t.includes('{metric}') || unknown.length || !SENSOR_ID.test(adoptedSensorId(t, { edge_node_id: 'n', device_id: 'd', name: 'm' }))) {
        out.push({ field: `${at}.sensor_id`, message: `${at}.sensor_id must be a template with {metric} (and {edge_node}, {device}) giving a valid sensor id, e.g. "${DEFAULT_ADOPT_SENSOR_ID}" (got ${JSON.stringify(t)})` });
      }
    }
    for (const k of ['area', 'description'] as const) {
      if (o[k] !== undefined && (typeof o[k] !== 'string' || (o[k] as string).length > 200)) out.push({ field: `${at}.${k}`, message: `${at}.${k} must be a string of at most 200 characters` });
    }
    if (o.alarm_priority !== undefined && !(ALARM_PRIORITIES as readonly unknown[]).includes(o.alarm_priority)) {
      out.push({ field: `${at}.alarm_priority`, message: `${at}.alarm_priority must be one of ${ALARM_PRIORITIES.join(', ')}` });
    }
    if (o.limits !== undefined) {
      const l = o.limits as Record<string, unknown>;
      if (!l || typeof l !== 'object' || Array.isArray(l)) out.push({ field: `${at}.limits`, message: `${at}.limits must be an object with lolo, lo, hi, hihi, deadband` });
      else {
        for (const [k, v] of Object.entries(l)) {
          if (!(LIMIT_KEYS as readonly string[]).includes(k) || typeof v !== 'number' || !Number.isFinite(v)) out.push({ field: `${at}.limits.${k}`, message: `${at}.limits.${k}: limits are lolo, lo, hi, hihi and deadband, each a finite number` });
        }
      }
    }
  });
  return out;
}

/** A number among a metric's properties under one of `names` (Sparkplug property values are typed; strings are not taken). */
function numericProperty(props: Record<string, unknown>, names: RegExp): number | undefined {
  for (const [k, v] of Object.entries(props)) if (names.test(k) && typeof v === 'number' && Number.isFinite(v)) return v;
  return undefined;
}

export interface Adoption {
  tag: TagDto;
  /** Index of the rule that matched. */
  rule: number;
  /** `adoptKey` of the metric. */
  metric: string;
}

/**
 * The tags the rules adopt from metrics discovered in births: the first rule whose `match` fits a metric
 * decides; a metric already bound to a tag of this device is left alone (a rebirth adopts nothing twice and
 * never touches what an admin changed), and so is one whose sensor id is taken (`skipped`, with why).
 * Only metrics a tag can read (numeric and Boolean datatypes). Unit from the metric's `engUnit`, physical
 * range from `engLow`/`engHigh`, limits from the rule, overridden per metric by properties named like the
 * limits (`hi`, `hihi`, `lo`, `lolo`, `deadband`) where the edge node sends them.
 */
export function adoptions(
  deviceId: string,
  rules: readonly MqttAutoAdoptRule[],
  metrics: readonly DiscoveredMetric[],
  tags: readonly Pick<TagDto, 'sensor_id' | 'device_id' | 'source'>[],
): { adopt: Adoption[]; skipped: { metric: string; why: string }[] } {
  const adopt: Adoption[] = [];
  const skipped: { metric: string; why: string }[] = [];
  if (!rules.length) return { adopt, skipped };
  const compiled = rules.map((r) => globRegExp(r.match));
  const bound = new Set<string>();
  const taken = new Set<string>();
  for (const t of tags) {
    taken.add(t.sensor_id);
    const s = t.source as { edge_node_id?: string; device_id?: string; metric?: string };
    if (t.device_id === deviceId && s.edge_node_id && s.metric) bound.add(adoptKey({ edge_node_id: s.edge_node_id, device_id: s.device_id, name: s.metric }));
  }
  for (const m of metrics) {
    const key = adoptKey(m);
    if (bound.has(key)) continue;
    const i = compiled.findIndex((re) => re.test(key));
    if (i < 0) continue;
    if (m.datatype && !NUMERIC_TYPES.test(m.datatype)) continue;
    const rule = rules[i];
    const sensorId = adoptedSensorId(rule.sensor_id ?? DEFAULT_ADOPT_SENSOR_ID, m);
    if (taken.has(sensorId) || !SENSOR_ID.test(sensorId)) {
      skipped.push({ metric: key, why: taken.has(sensorId) ? `sensor id "${sensorId}" is taken by another tag` : `"${sensorId}" is not a valid sensor id` });
      continue;
    }
    taken.add(sensorId);
    bound.add(key);
    const tag: TagDto = {
      sensor_id: sensorId,
      device_id: deviceId,
      area: rule.area ?? '',
      source: { edge_node_id: m.edge_node_id, ...(m.device_id !== undefined ? { device_id: m.device_id } : {}), metric: m.name },
      scale: 1,
      offset: 0,
      unit: m.unit ?? '',
      description: rule.description ?? '',
    };
    const limits: TagLimits = { ...(rule.limits ?? {}) };
    for (const k of LIMIT_KEYS) {
      const v = numericProperty(m.properties, new RegExp(`^${k}$`, 'i'));
      if (v !== undefined) limits[k] = v;
    }
    if (Object.keys(limits).length) tag.limits = limits;
    const low = numericProperty(m.properties, /^eng_?low$/i);
    const high = numericProperty(m.properties, /^eng_?high$/i);
    if (low !== undefined && high !== undefined && low < high) {
      tag.physical_min = low;
      tag.physical_max = high;
    }
    if (rule.alarm_priority) tag.alarm_priority = rule.alarm_priority;
    adopt.push({ tag, rule: i, metric: key });
  }
  return { adopt, skipped };
}
