import { ALARM_PRIORITIES, ANOMALY_TYPES } from '@idm/contracts';
import type { DeviceDto, ErrorDetail, TagDto } from '@idm/contracts';
import { isBitArea, MAX_ADDRESS, widthOf } from '../modbus/data-types';

type TagShape = Pick<TagDto, 'sensor_id' | 'device_id' | 'register_type' | 'address' | 'data_type' | 'scale' | 'offset' | 'limits' | 'physical_min' | 'physical_max' | 'alarm_priority' | 'state_words'>;

/**
 * Cross-field and cross-record rules of the registry (the shape of each field is checked by the DTOs).
 * Every message names the tag, because an engineer importing 500 tags needs to know which one to fix.
 * `tags` is the complete set the device(s) would have after the change.
 */
export function checkTags(tags: readonly TagShape[], deviceIds: ReadonlySet<string>): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const t of tags) {
    const at = (f: string) => `tags[${t.sensor_id}].${f}`;
    const name = `tag "${t.sensor_id}"`;
    if (seen.has(t.sensor_id)) out.push({ field: at('sensor_id'), rule: 'unique', message: `${name} is defined more than once` });
    seen.add(t.sensor_id);
    if (!deviceIds.has(t.device_id)) {
      out.push({ field: at('device_id'), rule: 'exists', message: `${name}: device "${t.device_id}" does not exist` });
    }
    const bits = isBitArea(t.register_type);
    if (bits !== (t.data_type === 'bool')) {
      out.push({
        field: at('data_type'),
        rule: 'matchesRegisterType',
        message: bits
          ? `${name}: a ${t.register_type} holds one bit, so data_type must be bool (got ${t.data_type})`
          : `${name}: data_type bool needs register_type coil or discrete_input (got ${t.register_type})`,
      });
    }
    const last = t.address + widthOf(t.data_type) - 1;
    if (last > MAX_ADDRESS) {
      out.push({
        field: at('address'),
        rule: 'inRange',
        message: `${name}: ${t.data_type} at address ${t.address} ends at ${last}, past the last Modbus address ${MAX_ADDRESS}`,
      });
    }
    if (t.scale === 0) out.push({ field: at('scale'), rule: 'notZero', message: `${name}: scale must not be 0` });
    if (t.data_type === 'bool') {
      // A bit reads as 0 or 1 and is never scaled: a scale or offset here would be silently ignored.
      if (t.scale !== undefined && t.scale !== 1) out.push({ field: at('scale'), rule: 'notForBool', message: `${name}: scale does not apply to a bool tag (got ${t.scale}; leave it out or use 1)` });
      if (t.offset !== undefined && t.offset !== 0) out.push({ field: at('offset'), rule: 'notForBool', message: `${name}: offset does not apply to a bool tag (got ${t.offset}; leave it out or use 0)` });
    }
    if (t.physical_min !== undefined && t.physical_max !== undefined && t.physical_min > t.physical_max) {
      out.push({ field: at('physical_min'), rule: 'ordered', message: `${name}: physical_min ${t.physical_min} is above physical_max ${t.physical_max}` });
    }
    const l = t.limits;
    if (l) {
      const order = (['lolo', 'lo', 'hi', 'hihi'] as const).filter((k) => l[k] !== undefined && l[k] !== null);
      for (let i = 1; i < order.length; i++) {
        if ((l[order[i - 1]] as number) > (l[order[i]] as number)) {
          out.push({
            field: at(`limits.${order[i]}`),
            rule: 'ordered',
            message: `${name}: limit ${order[i - 1]} (${l[order[i - 1]]}) must not be above ${order[i]} (${l[order[i]]})`,
          });
        }
      }
      if (l.deadband !== undefined && l.deadband !== null && l.deadband < 0) {
        out.push({ field: at('limits.deadband'), rule: 'min', message: `${name}: limits.deadband must not be negative` });
      }
    }
    out.push(...checkAlarmPriority(t.alarm_priority, name, at));
    if (t.state_words && t.data_type !== 'bool') {
      out.push({ field: at('state_words'), rule: 'boolOnly', message: `${name}: state_words are for bool tags (data_type is ${t.data_type})` });
    }
  }
  out.push(...checkOverlaps(tags));
  return out;
}

const PRIORITY_LIST = ALARM_PRIORITIES.join(', ');

/**
 * `alarm_priority` is a priority name, or an object naming conditions (anomaly types) with a priority each.
 * Checked here rather than in the DTO so every message names the tag, on REST and in imported files alike.
 */
function checkAlarmPriority(value: unknown, name: string, at: (field: string) => string): ErrorDetail[] {
  if (value === undefined || value === null) return [];
  const isPriority = (v: unknown) => (ALARM_PRIORITIES as readonly unknown[]).includes(v);
  if (typeof value === 'string') {
    return isPriority(value) ? [] : [{ field: at('alarm_priority'), rule: 'isIn', message: `${name}: alarm_priority must be one of ${PRIORITY_LIST} (got ${JSON.stringify(value)})` }];
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return [
      {
        field: at('alarm_priority'),
        rule: 'alarmPriority',
        message: `${name}: alarm_priority must be one of ${PRIORITY_LIST}, or an object of condition: priority (got ${JSON.stringify(value)})`,
      },
    ];
  }
  const entries = Object.entries(value);
  if (!entries.length) return [{ field: at('alarm_priority'), rule: 'notEmpty', message: `${name}: alarm_priority must name at least one condition` }];
  const out: ErrorDetail[] = [];
  for (const [condition, priority] of entries) {
    const field = `alarm_priority.${condition}`;
    if (!(ANOMALY_TYPES as readonly string[]).includes(condition)) {
      out.push({ field: at(field), rule: 'isCondition', message: `${name}: ${field} is not a condition of a tag (one of ${ANOMALY_TYPES.join(', ')})` });
    } else if (!isPriority(priority)) {
      out.push({ field: at(field), rule: 'isIn', message: `${name}: ${field} must be one of ${PRIORITY_LIST} (got ${JSON.stringify(priority)})` });
    }
  }
  return out;
}

/** Two tags of one device and area must not share a register (or bit). */
export function checkOverlaps(tags: readonly TagShape[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const groups = new Map<string, TagShape[]>();
  for (const t of tags) {
    const k = `${t.device_id}\u0000${t.register_type}`;
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) => a.address - b.address || a.sensor_id.localeCompare(b.sensor_id));
    let reach: TagShape | null = null; // the tag reaching furthest so far
    for (const t of sorted) {
      if (reach && t.address <= lastOf(reach)) {
        out.push({
          field: `tags[${t.sensor_id}].address`,
          rule: 'noOverlap',
          message:
            `tag "${t.sensor_id}" (${t.register_type} ${t.address}..${lastOf(t)}) overlaps tag "${reach.sensor_id}" ` +
            `(${reach.register_type} ${reach.address}..${lastOf(reach)}) on device "${t.device_id}"`,
        });
      }
      if (!reach || lastOf(t) > lastOf(reach)) reach = t;
    }
  }
  return out;
}

function lastOf(t: TagShape): number {
  return t.address + widthOf(t.data_type) - 1;
}

type DeviceShape = Pick<DeviceDto, 'id' | 'host' | 'port' | 'unit_id' | 'timeout_ms' | 'poll_interval_ms'>;

/** Device ids are unique, and two devices may not point at the same PLC (it would be polled twice). */
export function checkDevices(devices: readonly DeviceShape[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const ids = new Set<string>();
  const endpoints = new Map<string, string>();
  for (const d of devices) {
    if (ids.has(d.id)) out.push({ field: `devices[${d.id}].id`, rule: 'unique', message: `device "${d.id}" is defined more than once` });
    ids.add(d.id);
    const ep = `${d.host.toLowerCase()}:${d.port}/${d.unit_id}`;
    const other = endpoints.get(ep);
    if (other && other !== d.id) {
      out.push({ field: `devices[${d.id}].host`, rule: 'unique', message: `device "${d.id}" points at the same PLC (${ep}) as device "${other}"` });
    } else endpoints.set(ep, d.id);
  }
  return out;
}
