import type { AlarmPriorityName } from './alarms';
import type { AnomalyType } from './anomalies';

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
  password?: string;
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
export interface DeviceDto {
  id: string;
  name: string;
  host: string;
  port: number;
  unit_id: number;
  poll_interval_ms: number;
  timeout_ms: number;
  enabled: boolean;
  /** Unused registers/bits that may be read over to merge two tags into one request (0 = only contiguous). */
  block_gap?: number;
}

/** A sensor: where its value lives in a device and how to turn registers into engineering units. */
export interface TagDto {
  /** Unique; the key every other module (historian, detection, alarms) uses. */
  sensor_id: string;
  device_id: string;
  /** Plant area, e.g. "Boiler house" (the client groups tiles by area and device). */
  area: string;
  register_type: RegisterType;
  /** 0-based protocol address (register 40001 in 1-based PLC notation is holding address 0). */
  address: number;
  data_type: ModbusDataType;
  word_order: Endianness;
  byte_order: Endianness;
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
  /** `bool` tags only: the words for 0 and 1 on screens. */
  state_words?: TagStateWords;
}

/** One file describing devices and their tags (JSON or YAML), for import/export and the simulator. */
export interface DeviceFile {
  version: 1;
  devices: DeviceDto[];
  tags: TagDto[];
}

export interface ImportResultDto {
  devices: number;
  tags: number;
  /** `replace` removed what was not in the file; `merge` upserted by id / sensor_id. */
  mode: 'merge' | 'replace';
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
  password?: string;
  /** TLS: the broker's CA, and a client certificate and key; each a file path or PEM text. */
  tls_ca?: string;
  tls_cert?: string;
  tls_key?: string;
  /** Default true: a broker certificate that does not verify against the CA is refused. */
  tls_reject_unauthorized?: boolean;
  mode: MqttMode;
  /** Sparkplug: the group whose edge nodes are read (`spBv1.0/<group_id>/#`). */
  group_id?: string;
  /** Sparkplug: IDM's host application id (its `spBv1.0/STATE/<host_id>` message). */
  host_id?: string;
  /** Sparkplug: ask an edge node for a rebirth on a sequence gap or unknown alias (default true). */
  rebirth_requests?: boolean;
  /** Connect timeout, and the keep-alive after which a silent broker counts as lost. */
  timeout_ms: number;
  enabled: boolean;
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
