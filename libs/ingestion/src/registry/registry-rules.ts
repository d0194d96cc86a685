import { ALARM_PRIORITIES, ANOMALY_TYPES, isModbusBinding, isMqttBinding, isOpcuaBinding } from '@idm/contracts';
import type { DeviceDto, DeviceProtocol, ErrorDetail, ModbusTagBinding, MqttDeviceDto, MqttMode, MqttTagBinding, OpcuaTagBinding, TagDto } from '@idm/contracts';
import { OPCUA_ENDPOINT_PATTERN } from '../dto/device.dto';
import { isBitArea, MAX_ADDRESS, widthOf } from '../sources/modbus/data-types';
import { autoAdoptRulesErrors } from '../sources/mqtt/engine/auto-adopt';
import { mqttBindingError, mqttDeviceError } from '../sources/mqtt/engine/validate';

type TagShape = Pick<TagDto, 'sensor_id' | 'device_id' | 'source' | 'scale' | 'offset' | 'limits' | 'physical_min' | 'physical_max' | 'alarm_priority' | 'state_words'>;
type ModbusShape = TagShape & { source: ModbusTagBinding };

const IS_BINDING_OF: Record<DeviceProtocol, (s: TagShape['source']) => boolean> = { modbus: isModbusBinding, opcua: isOpcuaBinding, mqtt: isMqttBinding };

const BINDING_OF: Record<DeviceProtocol, string> = {
  modbus: 'a Modbus binding (register_type, address, data_type)',
  opcua: 'an OPC UA binding (node_id)',
  mqtt: 'an MQTT binding (topic, or edge_node_id and metric)',
};

/**
 * Cross-field and cross-record rules of the registry (the shape of each field is checked by the DTOs).
 * Every message names the tag, because an engineer importing 500 tags needs to know which one to fix.
 * `tags` is the complete set the device(s) would have after the change; `devices` maps each device id to its
 * protocol, which decides the binding (`source`) its tags carry; `mqttModes` maps each MQTT device to its mode,
 * which decides the fields of its tags' bindings (plain: topic; sparkplug: edge_node_id and metric).
 */
export function checkTags(tags: readonly TagShape[], devices: ReadonlyMap<string, DeviceProtocol>, mqttModes: ReadonlyMap<string, MqttMode> = new Map()): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const t of tags) {
    const at = (f: string) => `tags[${t.sensor_id}].${f}`;
    const name = `tag "${t.sensor_id}"`;
    if (seen.has(t.sensor_id)) out.push({ field: at('sensor_id'), rule: 'unique', message: `${name} is defined more than once` });
    seen.add(t.sensor_id);
    const protocol = devices.get(t.device_id);
    if (!protocol) {
      out.push({ field: at('device_id'), rule: 'exists', message: `${name}: device "${t.device_id}" does not exist` });
    } else if (!IS_BINDING_OF[protocol](t.source)) {
      out.push({ field: at('source'), rule: 'matchesProtocol', message: `${name}: device "${t.device_id}" speaks ${protocol}, so the tag needs ${BINDING_OF[protocol]}` });
    } else if (protocol === 'mqtt') {
      out.push(...checkMqttBinding(t.source as MqttTagBinding, mqttModes.get(t.device_id) ?? 'plain', name, at));
    }
    if (t.scale === 0) out.push({ field: at('scale'), rule: 'notZero', message: `${name}: scale must not be 0` });
    if (isModbusBinding(t.source)) out.push(...checkModbusBinding(t as ModbusShape, name, at));
    if (isOpcuaBinding(t.source)) out.push(...checkOpcuaBinding(t.source, name, at));
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
  }
  out.push(...checkOverlaps(tags.filter((t): t is ModbusShape => isModbusBinding(t.source))));
  out.push(...checkSameNode(tags));
  out.push(...checkSameMetric(tags, mqttModes));
  return out;
}

/** The MQTT source's own validator decides; its message starts with the field it is about. */
function checkMqttBinding(b: MqttTagBinding, mode: MqttMode, name: string, at: (f: string) => string): ErrorDetail[] {
  const error = mqttBindingError(mode, b);
  if (!error) return [];
  return [{ field: at(fieldOf(error, 'source')), rule: 'mqttBinding', message: `${name} (${mode} mode): ${error}` }];
}

/** The leading field name of a validator message (`source.topic: ...`, `client_id must ...`), else `fallback`. */
function fieldOf(message: string, fallback: string): string {
  return /^[a-z_]+(?:\.[a-z_]+)?/.exec(message)?.[0] ?? fallback;
}

/** Two tags of one Sparkplug device reading the same metric would be one value under two names. */
function checkSameMetric(tags: readonly TagShape[], modes: ReadonlyMap<string, MqttMode>): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const byMetric = new Map<string, string>();
  for (const t of tags) {
    if (!isMqttBinding(t.source) || modes.get(t.device_id) !== 'sparkplug' || !t.source.metric) continue;
    const b = t.source;
    const k = [t.device_id, b.edge_node_id, b.device_id ?? '', b.metric].join('\u0000');
    const other = byMetric.get(k);
    if (other !== undefined) {
      out.push({
        field: `tags[${t.sensor_id}].source.metric`,
        rule: 'unique',
        message: `tag "${t.sensor_id}" binds metric "${b.metric}" of ${b.edge_node_id}${b.device_id ? `/${b.device_id}` : ''} on device "${t.device_id}", already bound by tag "${other}"`,
      });
    } else byMetric.set(k, t.sensor_id);
  }
  return out;
}

function checkModbusBinding(t: ModbusShape, name: string, at: (f: string) => string): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const b = t.source;
  const bits = isBitArea(b.register_type);
  if (bits !== (b.data_type === 'bool')) {
    out.push({
      field: at('source.data_type'),
      rule: 'matchesRegisterType',
      message: bits
        ? `${name}: a ${b.register_type} holds one bit, so data_type must be bool (got ${b.data_type})`
        : `${name}: data_type bool needs register_type coil or discrete_input (got ${b.register_type})`,
    });
  }
  const last = b.address + widthOf(b.data_type) - 1;
  if (last > MAX_ADDRESS) {
    out.push({
      field: at('source.address'),
      rule: 'inRange',
      message: `${name}: ${b.data_type} at address ${b.address} ends at ${last}, past the last Modbus address ${MAX_ADDRESS}`,
    });
  }
  if (b.data_type === 'bool') {
    // A bit reads as 0 or 1 and is never scaled: a scale or offset here would be silently ignored.
    if (t.scale !== undefined && t.scale !== 1) out.push({ field: at('scale'), rule: 'notForBool', message: `${name}: scale does not apply to a bool tag (got ${t.scale}; leave it out or use 1)` });
    if (t.offset !== undefined && t.offset !== 0) out.push({ field: at('offset'), rule: 'notForBool', message: `${name}: offset does not apply to a bool tag (got ${t.offset}; leave it out or use 0)` });
  } else if (t.state_words) {
    out.push({ field: at('state_words'), rule: 'boolOnly', message: `${name}: state_words are for bool tags (data_type is ${b.data_type})` });
  }
  return out;
}

function checkOpcuaBinding(b: OpcuaTagBinding, name: string, at: (f: string) => string): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const filtered = b.deadband_type === 'absolute' || b.deadband_type === 'percent';
  if (filtered && b.deadband_value === undefined) {
    out.push({ field: at('source.deadband_value'), rule: 'required', message: `${name}: deadband_type ${b.deadband_type} needs a deadband_value` });
  }
  if (!filtered && b.deadband_value !== undefined && b.deadband_value !== 0) {
    out.push({ field: at('source.deadband_type'), rule: 'required', message: `${name}: deadband_value needs deadband_type absolute or percent` });
  }
  if (b.deadband_type === 'percent' && (b.deadband_value ?? 0) > 100) {
    out.push({ field: at('source.deadband_value'), rule: 'max', message: `${name}: a percent deadband_value must be at most 100 (got ${b.deadband_value})` });
  }
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
export function checkOverlaps(tags: readonly ModbusShape[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const groups = new Map<string, ModbusShape[]>();
  for (const t of tags) {
    const k = `${t.device_id}\u0000${t.source.register_type}`;
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) => a.source.address - b.source.address || a.sensor_id.localeCompare(b.sensor_id));
    let reach: ModbusShape | null = null; // the tag reaching furthest so far
    for (const t of sorted) {
      if (reach && t.source.address <= lastOf(reach)) {
        out.push({
          field: `tags[${t.sensor_id}].source.address`,
          rule: 'noOverlap',
          message:
            `tag "${t.sensor_id}" (${t.source.register_type} ${t.source.address}..${lastOf(t)}) overlaps tag "${reach.sensor_id}" ` +
            `(${reach.source.register_type} ${reach.source.address}..${lastOf(reach)}) on device "${t.device_id}"`,
        });
      }
      if (!reach || lastOf(t) > lastOf(reach)) reach = t;
    }
  }
  return out;
}

function lastOf(t: ModbusShape): number {
  return t.source.address + widthOf(t.source.data_type) - 1;
}

/** Two tags of one OPC UA device watching the same node would be one value under two names. */
function checkSameNode(tags: readonly TagShape[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const byNode = new Map<string, string>();
  for (const t of tags) {
    if (!isOpcuaBinding(t.source)) continue;
    const k = `${t.device_id}\u0000${t.source.node_id}`;
    const other = byNode.get(k);
    if (other !== undefined) {
      out.push({
        field: `tags[${t.sensor_id}].source.node_id`,
        rule: 'unique',
        message: `tag "${t.sensor_id}" binds node ${t.source.node_id} of device "${t.device_id}", already bound by tag "${other}"`,
      });
    } else byNode.set(k, t.sensor_id);
  }
  return out;
}

/**
 * Device ids are unique, two devices may not point at the same PLC (it would be polled twice), and an OPC UA
 * device's security mode, policy and credentials must agree with each other.
 */
export function checkDevices(devices: readonly DeviceDto[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const ids = new Set<string>();
  const endpoints = new Map<string, string>();
  for (const d of devices) {
    const at = (f: string) => `devices[${d.id}].${f}`;
    const name = `device "${d.id}"`;
    if (ids.has(d.id)) out.push({ field: at('id'), rule: 'unique', message: `${name} is defined more than once` });
    ids.add(d.id);
    if (d.protocol === 'opcua') {
      out.push(...checkOpcuaDevice(d, name, at));
      continue;
    }
    if (d.protocol === 'mqtt') {
      out.push(...checkMqttDevice(d, name, at));
      // One client id per broker: a second session with the same id makes the broker drop the first.
      const session = `${d.broker_url.toLowerCase()}#${d.client_id}`;
      const same = endpoints.get(session);
      if (same && same !== d.id) {
        out.push({ field: at('client_id'), rule: 'unique', message: `${name} uses client_id "${d.client_id}" on ${d.broker_url} like device "${same}" (the broker would drop one session for the other)` });
      } else endpoints.set(session, d.id);
      continue;
    }
    const ep = `${d.host.toLowerCase()}:${d.port}/${d.unit_id}`;
    const other = endpoints.get(ep);
    if (other && other !== d.id) {
      out.push({ field: at('host'), rule: 'unique', message: `${name} points at the same PLC (${ep}) as device "${other}"` });
    } else endpoints.set(ep, d.id);
  }
  return out;
}

function checkMqttDevice(d: MqttDeviceDto, name: string, at: (f: string) => string): ErrorDetail[] {
  const error = mqttDeviceError(d);
  const out: ErrorDetail[] = error ? [{ field: at(fieldOf(error, 'broker_url')), rule: 'mqttDevice', message: `${name}: ${error}` }] : [];
  if (d.auto_adopt !== undefined && d.mode !== 'sparkplug') {
    out.push({ field: at('auto_adopt'), rule: 'autoAdopt', message: `${name}: auto_adopt is for sparkplug mode (plain topics announce no metrics)` });
  }
  for (const p of autoAdoptRulesErrors(d.auto_adopt)) out.push({ field: at(p.field), rule: 'autoAdopt', message: `${name}: ${p.message}` });
  return out;
}

function checkOpcuaDevice(d: Extract<DeviceDto, { protocol: 'opcua' }>, name: string, at: (f: string) => string): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const port = Number(OPCUA_ENDPOINT_PATTERN.exec(d.endpoint_url)?.[1]);
  if (!(port >= 1 && port <= 65535)) {
    out.push({ field: at('endpoint_url'), rule: 'endpointUrl', message: `${name}: endpoint_url must be opc.tcp://host:port[/path] with a port 1-65535 (got ${JSON.stringify(d.endpoint_url)})` });
  }
  // Mode None is a plain channel; any policy but None needs a signed channel, and the reverse (OPC UA Part 4, 7.15).
  if ((d.security_mode === 'None') !== (d.security_policy === 'None')) {
    out.push({
      field: at('security_policy'),
      rule: 'matchesSecurityMode',
      message: d.security_mode === 'None'
        ? `${name}: security_mode None needs security_policy None (got ${d.security_policy})`
        : `${name}: security_mode ${d.security_mode} needs a security_policy other than None`,
    });
  }
  if ((d.username === undefined) !== (d.password === undefined)) {
    const missing = d.username === undefined ? 'username' : 'password';
    out.push({ field: at(missing), rule: 'credentials', message: `${name}: username and password go together (${missing} is missing; leave both out for anonymous)` });
  }
  return out;
}
