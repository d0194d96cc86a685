import type { AlarmPriorityName } from './alarms';
import type { AnomalyType } from './anomalies';
import type { AssetDto } from './assets';

/** Modbus register area a tag is read from (IDM only ever reads: function codes 1, 2, 3, 4). */
export const REGISTER_TYPES = ['holding', 'input', 'coil', 'discrete_input'] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];

export const MODBUS_DATA_TYPES = ['bool', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'] as const;
export type ModbusDataType = (typeof MODBUS_DATA_TYPES)[number];

/** `big`: most significant first (Modbus standard). Word order applies across registers, byte order within one. */
export const ENDIANNESS = ['big', 'little'] as const;
export type Endianness = (typeof ENDIANNESS)[number];

/** Alarm limits of a tag, in engineering units (after scale and offset). */
export interface TagLimits {
  lolo?: number;
  lo?: number;
  hi?: number;
  hihi?: number;
  /** Hysteresis a value must move back past a limit before it counts as returned to normal. */
  deadband?: number;
}

/**
 * The rationalized alarm priority of a tag (ISA-18.2: an engineering decision, not a statistic): one
 * priority for all of its conditions, or one per condition (an anomaly type, e.g. `{limit: critical}`);
 * conditions it does not name keep the priority derived from the episode's severity.
 */
/** Words a `bool` tag shows for its two states on screens, e.g. `{ "0": "STOP", "1": "RUN" }` (default OFF / ON). */
export interface TagStateWords {
  '0': string;
  '1': string;
}

export type TagAlarmPriority = AlarmPriorityName | Partial<Record<AnomalyType, AlarmPriorityName>>;

/** How IDM talks to a device. A device without `protocol` (stored before sources existed, version-1 files) is `modbus`. */
export const DEVICE_PROTOCOLS = ['modbus', 'opcua', 'mqtt'] as const;
export type DeviceProtocol = (typeof DEVICE_PROTOCOLS)[number];

/** Where a Modbus tag's value lives in its device and how its registers are decoded. */
export interface ModbusTagBinding {
  register_type: RegisterType;
  /** 0-based protocol address (register 40001 in 1-based PLC notation is holding address 0). */
  address: number;
  data_type: ModbusDataType;
  word_order: Endianness;
  byte_order: Endianness;
}

export const OPCUA_SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
export type OpcuaSecurityMode = (typeof OPCUA_SECURITY_MODES)[number];
/** The common OPC UA security policies (names as in the specification's policy URIs). */
export const OPCUA_SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export type OpcuaSecurityPolicy = (typeof OPCUA_SECURITY_POLICIES)[number];

/** An OPC UA server IDM subscribes to (read-only: IDM never calls Write, Call or any service that changes it). */
export interface OpcuaDeviceDto {
  id: string;
  name: string;
  protocol: 'opcua';
  /** e.g. `opc.tcp://plc-07:4840/UA/Server` */
  endpoint_url: string;
  security_mode: OpcuaSecurityMode;
  security_policy: OpcuaSecurityPolicy;
  /** User name and password; both absent: anonymous. */
  username?: string;
  /** Write-only: accepted on create/update/import, never returned by the API nor written in an export. */
  password?: string;
  /** In API answers: a password is stored (the password itself is never returned). */
  password_set?: boolean;
  /** How often the server sends the subscription's changed values. */
  publishing_interval_ms: number;
  /** Connect/request timeout; also how long without a publish/keep-alive before comm failure. */
  timeout_ms: number;
  enabled: boolean;
}

export const OPCUA_DEADBAND_TYPES = ['none', 'absolute', 'percent'] as const;
export type OpcuaDeadbandType = (typeof OPCUA_DEADBAND_TYPES)[number];

/** Where an OPC UA tag's value lives: a Variable node, watched by a monitored item. */
export interface OpcuaTagBinding {
  /** NodeId in the standard string form, e.g. `ns=2;s=Boiler.Drum.Pressure` or `ns=3;i=1001`. */
  node_id: string;
  /** Server-side sampling interval; absent: the device's publishing interval. */
  sampling_interval_ms?: number;
  /** Values the server queues between publishes (absent: 1 = latest only). */
  queue_size?: number;
  /** Data-change filter: report only changes beyond the deadband (percent = of the node's EURange). */
  deadband_type?: OpcuaDeadbandType;
  deadband_value?: number;
}

/** A PLC polled over Modbus TCP. `id` is a stable slug (e.g. `plc-01`) other records refer to. */
export interface ModbusDeviceDto {
  id: string;
  name: string;
  protocol: 'modbus';
  host: string;
  port: number;
  unit_id: number;
  poll_interval_ms: number;
  timeout_ms: number;
  enabled: boolean;
  /** Unused registers/bits that may be read over to merge two tags into one request (0 = only contiguous). */
  block_gap?: number;
}

/** A device of any protocol; `protocol` says which shape (and which tag binding its tags carry). */
export type DeviceDto = ModbusDeviceDto | OpcuaDeviceDto | MqttDeviceDto;

/** A tag's binding to its device: its shape is given by the device's protocol. */
export type TagSource = ModbusTagBinding | OpcuaTagBinding | MqttTagBinding;

/**
 * A sensor: the fields every protocol shares, plus `source`, where its value lives in its device (shape by
 * the device's protocol). `S` narrows the binding, e.g. `TagDto<ModbusTagBinding>` inside the Modbus source.
 */
export interface TagDto<S extends TagSource = TagSource> {
  /** Unique; the key every other module (historian, detection, alarms) uses. */
  sensor_id: string;
  device_id: string;
  /** Plant area, e.g. "Boiler house" (the client groups tiles by area and device). */
  area: string;
  source: S;
  /** value = raw * scale + offset */
  scale: number;
  offset: number;
  unit: string;
  description: string;
  limits?: TagLimits;
  /** Physically possible range; a decoded value outside it gets quality `bad`. */
  physical_min?: number;
  physical_max?: number;
  /** Fixed alarm priority of this tag's alarms; absent: derived from each episode's severity. */
  alarm_priority?: TagAlarmPriority;
  /** Two-state tags only (Modbus `bool`, OPC UA Boolean): the words for 0 and 1 on screens. */
  state_words?: TagStateWords;
}

/** The device's protocol; a device stored before protocols existed has none and is Modbus. */
export function deviceProtocol(d: { protocol?: DeviceProtocol }): DeviceProtocol {
  return d.protocol ?? 'modbus';
}

export function isModbusDevice(d: DeviceDto): d is ModbusDeviceDto {
  return deviceProtocol(d) === 'modbus';
}

export function isOpcuaDevice(d: DeviceDto): d is OpcuaDeviceDto {
  return d.protocol === 'opcua';
}

export function isMqttDevice(d: DeviceDto): d is MqttDeviceDto {
  return d.protocol === 'mqtt';
}

export function isModbusBinding(s: TagSource | undefined | null): s is ModbusTagBinding {
  return !!s && typeof s === 'object' && 'register_type' in s;
}

export function isOpcuaBinding(s: TagSource | undefined | null): s is OpcuaTagBinding {
  return !!s && typeof s === 'object' && 'node_id' in s;
}

/** The fields an MQTT binding may carry; a binding with none of them is not an MQTT binding. */
export const MQTT_BINDING_FIELDS = ['topic', 'value_path', 'timestamp_path', 'edge_node_id', 'device_id', 'metric'] as const;

export function isMqttBinding(s: TagSource | undefined | null): s is MqttTagBinding {
  return !!s && typeof s === 'object' && !isModbusBinding(s) && !isOpcuaBinding(s) && MQTT_BINDING_FIELDS.some((k) => k in s);
}

/** The tag's Modbus binding, or undefined for a tag of another protocol. */
export function modbusBinding(t: Pick<TagDto, 'source'>): ModbusTagBinding | undefined {
  return isModbusBinding(t.source) ? t.source : undefined;
}

export function opcuaBinding(t: Pick<TagDto, 'source'>): OpcuaTagBinding | undefined {
  return isOpcuaBinding(t.source) ? t.source : undefined;
}

export function mqttBinding(t: Pick<TagDto, 'source'>): MqttTagBinding | undefined {
  return isMqttBinding(t.source) ? t.source : undefined;
}

/** True when the tag is known to hold one bit (a Modbus `bool`); OPC UA types are only known from the server. */
export function isBoolTag(t: { source?: TagSource }): boolean {
  return isModbusBinding(t.source) && t.source.data_type === 'bool';
}

/** The fields a version-1 device file and stored documents carried on the tag itself, before `source`. */
export const MODBUS_BINDING_FIELDS = ['register_type', 'address', 'data_type', 'word_order', 'byte_order'] as const;

/** A tag as version-1 device files and the first REST API wrote it: the Modbus binding flat on the tag. */
export type FlatModbusTagDto = Omit<TagDto, 'source'> & ModbusTagBinding;

/**
 * One file describing devices and their tags (JSON or YAML), for import/export and the simulator.
 * Version 2 carries each device's `protocol` and each tag's `source`; version 1 (Modbus only, the binding
 * flat on the tag) is still accepted on import.
 */
export interface DeviceFile {
  version: 2;
  devices: DeviceDto[];
  tags: TagDto[];
  /** Groups of tags of one piece of equipment (optional on import: a file without it has no assets). */
  assets?: AssetDto[];
}

export interface DeviceFileV1 {
  version: 1;
  devices: Array<Omit<ModbusDeviceDto, 'protocol'>>;
  tags: FlatModbusTagDto[];
}

export interface ImportResultDto {
  devices: number;
  tags: number;
  /** `replace` removed what was not in the file; `merge` upserted by id / sensor_id. */
  mode: 'merge' | 'replace';
  /** Nothing was written (`dry_run=true`): the answer says what the import would do. */
  dry_run: boolean;
  /** Devices and tags that `replace` removes (removed, or would remove on a dry run); empty for `merge`. */
  removed_devices: string[];
  removed_tags: string[];
  /** Assets in the file, and those `replace` removes (or would remove). */
  assets: number;
  removed_assets: string[];
  /** Devices whose settings or tags changed, whose connections restarted (empty on a dry run). */
  changed_devices: string[];
}

export type DeviceState = 'disabled' | 'connecting' | 'connected' | 'comm_failure';

/** `GET /devices/:id/status`: live poller state and counters since IDM started. */
export interface DeviceStatusDto {
  device_id: string;
  name: string;
  state: DeviceState;
  connected: boolean;
  /** Epoch ms of the last poll where every block was read, null if none yet. */
  last_good_poll_at: number | null;
  last_error: string | null;
  polls: number;
  requests: number;
  errors: number;
  consecutive_failures: number;
  /** Duration of the last completed poll (all blocks), ms. */
  last_poll_duration_ms: number | null;
  /** Modbus requests per poll with the current block plan. */
  requests_per_poll: number;
  tags: number;
  /** Epoch ms of the next reconnect attempt while in comm failure. */
  next_retry_at: number | null;
}

/** `GET /devices/:id/browse`: one child of a node in an OPC UA server's address space. */
export interface OpcuaBrowseNodeDto {
  node_id: string;
  browse_name: string;
  display_name: string;
  node_class: 'Object' | 'Variable';
  /** Variables only: the built-in type name (e.g. `Double`) or the data type's NodeId for other types. */
  data_type?: string;
  /** Variables only: -1 scalar, ≥ 0 an array. */
  value_rank?: number;
  /** IDM can bind a tag to it: a Variable of a numeric or Boolean scalar type. */
  readable: boolean;
  /** Variables with the EngineeringUnits property: its display name (e.g. `°C`), to prefill a tag's unit. */
  engineering_units?: string;
  /** Variables with the EURange property, to prefill a tag's physical range. */
  eu_range?: { low: number; high: number };
}

/** A server certificate IDM has met (`trusted` by an admin, or `rejected`: refused until an admin trusts it). */
export interface OpcuaCertificateDto {
  /** SHA-1 thumbprint, lower-case hex without separators. */
  thumbprint: string;
  subject: string;
  issuer: string;
  valid_from: string;
  valid_to: string;
  status: 'trusted' | 'rejected';
}

/** `GET /opcua/certificates`: IDM's own application certificate and the server certificates it has met. */
export interface OpcuaCertificatesDto {
  own: { thumbprint: string; subject: string; valid_to: string } | null;
  certificates: OpcuaCertificateDto[];
}

/**
 * `plain`: tags bind topics and read numbers (raw or a JSON field). `sparkplug`: IDM is a Sparkplug B 3.0
 * host application: edge nodes and devices are discovered from their births.
 */
export const MQTT_MODES = ['plain', 'sparkplug'] as const;
export type MqttMode = (typeof MQTT_MODES)[number];

/**
 * An MQTT broker IDM subscribes to (QoS 1, persistent session). IDM publishes nothing but its own Sparkplug
 * host `STATE` and, unless turned off, the `Node Control/Rebirth` command to an edge node.
 */
export interface MqttDeviceDto {
  id: string;
  name: string;
  protocol: 'mqtt';
  /** `mqtt://`, `mqtts://`, `ws://` or `wss://` with host and port, e.g. `mqtts://broker.plant:8883`. */
  broker_url: string;
  /** Fixed, so the broker keeps the persistent session (and its queued messages) while IDM restarts. */
  client_id: string;
  username?: string;
  /** Write-only: accepted on create/update/import, never returned by the API nor written in an export. */
  password?: string;
  /** In API answers: a password is stored (the password itself is never returned). */
  password_set?: boolean;
  /** TLS: the broker's CA, and a client certificate and key; each a file path or PEM text. */
  tls_ca?: string;
  tls_cert?: string;
  /** Write-only like the password: accepted on create/update/import, never returned by the API nor written in an export. */
  tls_key?: string;
  /** In API answers: a client key is stored (the key itself is never returned). */
  tls_key_set?: boolean;
  /** Default true: a broker certificate that does not verify against the CA is refused. */
  tls_reject_unauthorized?: boolean;
  mode: MqttMode;
  /** Sparkplug: the group whose edge nodes are read (`spBv1.0/<group_id>/#`). */
  group_id?: string;
  /** Sparkplug: IDM's host application id (its `spBv1.0/STATE/<host_id>` message). */
  host_id?: string;
  /** Sparkplug: ask an edge node for a rebirth on a sequence gap or unknown alias (default true). */
  rebirth_requests?: boolean;
  /** Sparkplug: rules that adopt metrics announced in births as tags, without an admin clicking Adopt. */
  auto_adopt?: MqttAutoAdoptRule[];
  /** Connect timeout, and the keep-alive after which a silent broker counts as lost. */
  timeout_ms: number;
  enabled: boolean;
}

/**
 * A rule adopting Sparkplug metrics as tags when a birth announces them (the first rule that matches decides).
 * A metric already bound to a tag of the device is never adopted again nor changed, so a rebirth adds nothing
 * twice and keeps what an admin edited.
 */
export interface MqttAutoAdoptRule {
  /** Glob over `<edge node>/<device>/<metric>` (`*` within a level, `**` across levels; a node's own metric has an empty device: `gw1//Uptime`). */
  match: string;
  /** Template of the new tag's sensor id with `{edge_node}`, `{device}`, `{metric}` (default `{edge_node}.{device}.{metric}`). */
  sensor_id?: string;
  area?: string;
  description?: string;
  alarm_priority?: AlarmPriorityName;
  /** Alarm limits of the adopted tags; a metric's own properties named `lolo`, `lo`, `hi`, `hihi`, `deadband` win. */
  limits?: TagLimits;
}

/**
 * Where an MQTT tag's value comes from. Plain mode: `topic` (wildcards `+`/`#` allowed) and `value_path`
 * (a JSON field path like `data.values[0].v`; absent: the payload is a raw number), optional
 * `timestamp_path` (epoch ms or ISO 8601). Sparkplug mode: `edge_node_id`, optional `device_id` (absent: a
 * node metric) and the `metric` name from the birth.
 */
export interface MqttTagBinding {
  topic?: string;
  value_path?: string;
  timestamp_path?: string;
  edge_node_id?: string;
  device_id?: string;
  metric?: string;
}

/** `GET /devices/:id/discovered`: a metric a Sparkplug edge node announced in its birth, for adopting as a tag. */
export interface SparkplugMetricDto {
  edge_node_id: string;
  /** Absent: a metric of the edge node itself. */
  device_id?: string;
  name: string;
  alias?: number;
  datatype?: string;
  /** The metric's `engUnit` property, to prefill the tag's unit. */
  unit?: string;
  properties: Record<string, unknown>;
  /** The tag already bound to this metric on this device, or null (not adopted yet). */
  sensor_id: string | null;
}
