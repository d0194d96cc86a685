import { MODBUS_BINDING_FIELDS, MQTT_BINDING_FIELDS } from '@idm/contracts';
import type { DeviceDto, ModbusDeviceDto, ModbusTagBinding, MqttDeviceDto, MqttTagBinding, OpcuaDeviceDto, OpcuaTagBinding, TagDto, TagSource } from '@idm/contracts';

/**
 * How registry records are read from their stored and posted forms. Pure: no Nest, no Mongoose.
 * Devices stored before protocols existed have no `protocol` (they are Modbus); tags stored then carry their
 * Modbus binding flat (`register_type`, `address`, ...) instead of in `source`. Both read as today's shape.
 */

type Stored = Record<string, unknown> & { _id: string };

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
const str = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);

export function deviceFromStored(d: Stored): DeviceDto {
  if (d.protocol === 'opcua') {
    const out: OpcuaDeviceDto = {
      id: d._id,
      name: str(d.name, d._id),
      protocol: 'opcua',
      endpoint_url: str(d.endpoint_url, ''),
      security_mode: (d.security_mode as OpcuaDeviceDto['security_mode']) ?? 'None',
      security_policy: (d.security_policy as OpcuaDeviceDto['security_policy']) ?? 'None',
      publishing_interval_ms: num(d.publishing_interval_ms, 1000),
      timeout_ms: num(d.timeout_ms, 10_000),
      enabled: d.enabled !== false,
    };
    if (typeof d.username === 'string') out.username = d.username;
    if (typeof d.password === 'string') out.password = d.password;
    return out;
  }
  if (d.protocol === 'mqtt') return mqttDeviceFromStored(d);
  const out: ModbusDeviceDto = {
    id: d._id,
    name: str(d.name, d._id),
    protocol: 'modbus',
    host: str(d.host, ''),
    port: num(d.port, 502),
    unit_id: num(d.unit_id, 1),
    poll_interval_ms: num(d.poll_interval_ms, 1000),
    timeout_ms: num(d.timeout_ms, 1000),
    enabled: d.enabled !== false,
    block_gap: num(d.block_gap, 8),
  };
  return out;
}

/** The MQTT fields of a stored or posted device; absent optional ones are left out (the driver has defaults). */
export const MQTT_OPTIONAL_FIELDS = ['username', 'password', 'tls_ca', 'tls_cert', 'tls_key', 'tls_reject_unauthorized', 'group_id', 'host_id', 'rebirth_requests'] as const;

function mqttDeviceFromStored(d: Stored): MqttDeviceDto {
  const out: MqttDeviceDto = {
    id: d._id,
    name: str(d.name, d._id),
    protocol: 'mqtt',
    broker_url: str(d.broker_url, ''),
    client_id: str(d.client_id, ''),
    mode: d.mode === 'sparkplug' ? 'sparkplug' : 'plain',
    timeout_ms: num(d.timeout_ms, 10_000),
    enabled: d.enabled !== false,
  };
  return withMqttOptionals(out, d);
}

/** Copies the optional MQTT fields present (strings and booleans) from `from` onto `d`. */
export function withMqttOptionals(d: MqttDeviceDto, from: Record<string, unknown>): MqttDeviceDto {
  const target = d as unknown as Record<string, unknown>;
  for (const k of MQTT_OPTIONAL_FIELDS) {
    const v = from[k];
    if (typeof v === 'string' || typeof v === 'boolean') target[k] = v;
  }
  // Rules as given (the registry rules check them); a copy, so the stored list is never shared.
  if (Array.isArray(from.auto_adopt) && from.auto_adopt.length) d.auto_adopt = JSON.parse(JSON.stringify(from.auto_adopt)) as MqttDeviceDto['auto_adopt'];
  return d;
}

export function tagFromStored(t: Stored): TagDto {
  const source = (t.source && typeof t.source === 'object' ? bindingWithDefaults(t.source as Record<string, unknown>) : flatModbusBinding(t)) as TagSource;
  const out: TagDto = {
    sensor_id: t._id,
    device_id: str(t.device_id, ''),
    area: str(t.area, ''),
    source,
    scale: num(t.scale, 1),
    offset: num(t.offset, 0),
    unit: str(t.unit, ''),
    description: str(t.description, ''),
  };
  const limits = t.limits as TagDto['limits'] | undefined;
  if (limits && Object.keys(limits).length) out.limits = { ...limits };
  if (typeof t.physical_min === 'number') out.physical_min = t.physical_min;
  if (typeof t.physical_max === 'number') out.physical_max = t.physical_max;
  const priority = t.alarm_priority as TagDto['alarm_priority'];
  if (priority) out.alarm_priority = typeof priority === 'string' ? priority : { ...priority };
  const words = t.state_words as TagDto['state_words'];
  if (words) out.state_words = { '0': words['0'], '1': words['1'] };
  return out;
}

/** The Modbus binding of a record that carries it flat (a stored document or a version-1 tag). */
function flatModbusBinding(t: Record<string, unknown>): ModbusTagBinding {
  return modbusBindingWithDefaults(Object.fromEntries(MODBUS_BINDING_FIELDS.filter((k) => t[k] !== undefined).map((k) => [k, t[k]])));
}

export function modbusBindingWithDefaults(b: Record<string, unknown>): ModbusTagBinding {
  return {
    register_type: b.register_type as ModbusTagBinding['register_type'],
    address: b.address as number,
    data_type: b.data_type as ModbusTagBinding['data_type'],
    word_order: (b.word_order as ModbusTagBinding['word_order']) ?? 'big',
    byte_order: (b.byte_order as ModbusTagBinding['byte_order']) ?? 'big',
  };
}

/** Only the fields an OPC UA binding has, absent ones left out (the driver applies its defaults). */
export function opcuaBindingWithDefaults(b: Record<string, unknown>): OpcuaTagBinding {
  const out: OpcuaTagBinding = { node_id: b.node_id as string };
  if (typeof b.sampling_interval_ms === 'number') out.sampling_interval_ms = b.sampling_interval_ms;
  if (typeof b.queue_size === 'number') out.queue_size = b.queue_size;
  if (typeof b.deadband_type === 'string') out.deadband_type = b.deadband_type as OpcuaTagBinding['deadband_type'];
  if (typeof b.deadband_value === 'number') out.deadband_value = b.deadband_value;
  return out;
}

/** Only the MQTT binding's string fields that are present. */
export function mqttBindingOf(b: Record<string, unknown>): MqttTagBinding {
  return Object.fromEntries(MQTT_BINDING_FIELDS.filter((k) => typeof b[k] === 'string').map((k) => [k, b[k]])) as MqttTagBinding;
}

export function bindingWithDefaults(b: Record<string, unknown>): TagSource {
  const protocol = bindingProtocol(b);
  if (protocol === 'opcua') return opcuaBindingWithDefaults(b);
  if (protocol === 'mqtt') return mqttBindingOf(b);
  return modbusBindingWithDefaults(b);
}

/** What protocol a posted binding is written for: by its fields (a binding carries no protocol of its own). */
export function bindingProtocol(b: Record<string, unknown>): 'modbus' | 'opcua' | 'mqtt' | null {
  if ('node_id' in b) return 'opcua';
  if (MODBUS_BINDING_FIELDS.some((k) => k in b)) return 'modbus';
  if (MQTT_BINDING_FIELDS.some((k) => k in b)) return 'mqtt';
  return null;
}

/** The flat Modbus fields present on a posted tag (the first API's and version-1 files' form). */
export function flatBindingFields(t: Record<string, unknown>): Record<string, unknown> | null {
  const present = MODBUS_BINDING_FIELDS.filter((k) => t[k] !== undefined);
  return present.length ? Object.fromEntries(present.map((k) => [k, t[k]])) : null;
}

/**
 * A device as the API shows it: secrets never leave IDM. The password (OPC UA, MQTT) and an MQTT client's TLS
 * private key (`tls_key`, PEM text or a path) are write-only; `password_set` and `tls_key_set` say one is stored.
 */
export function publicDevice(d: DeviceDto): DeviceDto {
  if (d.protocol === 'mqtt') {
    const { password, tls_key, ...rest } = d;
    return { ...rest, password_set: password !== undefined, tls_key_set: tls_key !== undefined };
  }
  if (d.protocol !== 'opcua') return d;
  const { password, ...rest } = d;
  return { ...rest, password_set: password !== undefined };
}

/** A device as written in a device file: no secrets, and no `password_set`/`tls_key_set` (not fields of the file). */
export function exportedDevice(d: DeviceDto): DeviceDto {
  if (d.protocol === 'mqtt') {
    const { password: _password, password_set: _set, tls_key: _key, tls_key_set: _keySet, ...rest } = d;
    return rest;
  }
  if (d.protocol !== 'opcua') return d;
  const { password: _password, password_set: _set, ...rest } = d;
  return rest;
}
