import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { DEVICE_PROTOCOLS, deviceProtocol, MQTT_MODES, OPCUA_SECURITY_MODES, OPCUA_SECURITY_POLICIES } from '@idm/contracts';
import type { DeviceProtocol, MqttAutoAdoptRule, MqttMode, OpcuaSecurityMode, OpcuaSecurityPolicy } from '@idm/contracts';

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** `opc.tcp://host:port[/path]`; host a name, an IPv4 address or a bracketed IPv6 address. */
export const OPCUA_ENDPOINT_PATTERN = /^opc\.tcp:\/\/(?:[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9A-Fa-f:.]+\]):(\d{1,5})(?:\/\S*)?$/;

/** Fields only a device of the other protocol has: given for this one, they are refused rather than ignored. */
export const MODBUS_DEVICE_FIELDS = ['host', 'port', 'unit_id', 'poll_interval_ms', 'block_gap'] as const;
export const OPCUA_DEVICE_FIELDS = ['endpoint_url', 'security_mode', 'security_policy', 'username', 'password', 'publishing_interval_ms'] as const;
export const MQTT_DEVICE_FIELDS = [
  'broker_url', 'client_id', 'mode', 'group_id', 'host_id', 'rebirth_requests', 'auto_adopt', 'username', 'password',
  'tls_ca', 'tls_cert', 'tls_key', 'tls_key_set', 'tls_reject_unauthorized',
] as const;
/** The protocol-specific fields of each protocol's devices (username and password are OPC UA's and MQTT's). */
export const DEVICE_FIELDS_OF: Record<DeviceProtocol, readonly string[]> = { modbus: MODBUS_DEVICE_FIELDS, opcua: OPCUA_DEVICE_FIELDS, mqtt: MQTT_DEVICE_FIELDS };

const isModbus = (o: { protocol?: DeviceProtocol }) => deviceProtocol(o) === 'modbus';
const isOpcua = (o: { protocol?: DeviceProtocol }) => o.protocol === 'opcua';
const isMqtt = (o: { protocol?: DeviceProtocol }) => o.protocol === 'mqtt';

export class CreateDeviceDto {
  @ApiPropertyOptional({ example: 'plc-01', description: 'Stable slug; made from the name when omitted' })
  @IsOptional()
  @IsString()
  @Matches(DEVICE_ID_PATTERN, { message: 'id must be 1-64 letters, digits, "-", "_" or "." and start with a letter or digit' })
  id?: string;

  @ApiProperty({ example: 'Boiler PLC' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ enum: DEVICE_PROTOCOLS, default: 'modbus', description: 'How IDM reads the device; the other fields and the tag bindings follow it. Cannot be changed by PATCH.' })
  @IsOptional()
  @IsIn(DEVICE_PROTOCOLS as unknown as string[], { message: `protocol must be one of ${DEVICE_PROTOCOLS.join(', ')}` })
  protocol?: DeviceProtocol;

  @ApiPropertyOptional({ example: '192.168.10.21', description: 'Modbus: required' })
  @ValidateIf(isModbus)
  @IsString()
  @Matches(/^[A-Za-z0-9.:\-[\]]{1,253}$/, { message: 'host must be a host name or IP address' })
  host?: string;

  @ApiPropertyOptional({ default: 502, description: 'Modbus' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ default: 1, description: 'Modbus: unit id (slave id), 0-255' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(255)
  unit_id?: number;

  @ApiPropertyOptional({ default: 1000, description: 'Modbus' })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  poll_interval_ms?: number;

  @ApiPropertyOptional({ default: 1000, description: 'Request timeout (OPC UA: also connect, and how long without a keep-alive before comm failure; default 10000)' })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(60_000)
  timeout_ms?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ default: 8, description: 'Modbus: unused registers that may be read over to merge two tags into one request' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(124)
  block_gap?: number;

  @ApiPropertyOptional({ example: 'opc.tcp://plc-07:4840/UA/Server', description: 'OPC UA: required' })
  @ValidateIf(isOpcua)
  @IsString()
  @MaxLength(500)
  @Matches(OPCUA_ENDPOINT_PATTERN, { message: 'endpoint_url must be opc.tcp://host:port[/path]' })
  endpoint_url?: string;

  @ApiPropertyOptional({ enum: OPCUA_SECURITY_MODES, default: 'None', description: 'OPC UA; None exactly when security_policy is None' })
  @IsOptional()
  @IsIn(OPCUA_SECURITY_MODES as unknown as string[], { message: `security_mode must be one of ${OPCUA_SECURITY_MODES.join(', ')}` })
  security_mode?: OpcuaSecurityMode;

  @ApiPropertyOptional({ enum: OPCUA_SECURITY_POLICIES, default: 'None', description: 'OPC UA' })
  @IsOptional()
  @IsIn(OPCUA_SECURITY_POLICIES as unknown as string[], { message: `security_policy must be one of ${OPCUA_SECURITY_POLICIES.join(', ')}` })
  security_policy?: OpcuaSecurityPolicy;

  @ApiPropertyOptional({ example: 'mqtts://broker.plant:8883', description: 'MQTT: required; mqtt://, mqtts://, ws:// or wss://' })
  @ValidateIf(isMqtt)
  @IsString()
  @MaxLength(500)
  broker_url?: string;

  @ApiPropertyOptional({ example: 'idm-plant-a', description: 'MQTT: required; fixed, it names the persistent session on the broker' })
  @ValidateIf(isMqtt)
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  client_id?: string;

  @ApiPropertyOptional({ enum: MQTT_MODES, description: 'MQTT: required; plain (tags bind topics) or sparkplug (IDM is a Sparkplug B host application)' })
  @ValidateIf(isMqtt)
  @IsIn(MQTT_MODES as unknown as string[], { message: `mode must be one of ${MQTT_MODES.join(', ')}` })
  mode?: MqttMode;

  @ApiPropertyOptional({ example: 'plant-a', description: 'MQTT sparkplug: required; the group whose edge nodes are read' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  group_id?: string;

  @ApiPropertyOptional({ example: 'idm', description: "MQTT sparkplug: IDM's host application id (its STATE message)" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  host_id?: string;

  @ApiPropertyOptional({ default: true, description: 'MQTT sparkplug: ask an edge node for a rebirth on a sequence gap or unknown alias' })
  @IsOptional()
  @IsBoolean()
  rebirth_requests?: boolean;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    example: [{ match: 'line1/*/Temp*', sensor_id: 'L1.{device}.{metric}', area: 'Line 1', alarm_priority: 'high', limits: { hi: 80 } }],
    description:
      'MQTT sparkplug: rules adopting metrics announced in births as tags: match (glob over <edge node>/<device>/<metric>), sensor_id template ' +
      '({edge_node}, {device}, {metric}), area, description, alarm_priority, limits. Checked as a whole (400 naming auto_adopt[i].field).',
  })
  @IsOptional()
  @IsArray()
  auto_adopt?: MqttAutoAdoptRule[];

  @ApiPropertyOptional({ description: "MQTT: the broker's CA (file path or PEM); needs mqtts:// or wss://" })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  tls_ca?: string;

  @ApiPropertyOptional({ description: 'MQTT: client certificate (file path or PEM), with tls_key' })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  tls_cert?: string;

  @ApiPropertyOptional({ writeOnly: true, description: 'MQTT: client key (file path or PEM), with tls_cert; write-only, never returned (answers say tls_key_set). Left out on update or import: the stored one is kept.' })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  tls_key?: string;

  @ApiPropertyOptional({ readOnly: true, description: 'MQTT, in answers: a client key is stored. Ignored when sent back.' })
  @IsOptional()
  @IsBoolean()
  tls_key_set?: boolean;

  @ApiPropertyOptional({ default: true, description: 'MQTT: refuse a broker certificate that does not verify against the CA' })
  @IsOptional()
  @IsBoolean()
  tls_reject_unauthorized?: boolean;

  @ApiPropertyOptional({ nullable: true, description: 'OPC UA / MQTT: user name (with password); absent: anonymous. null (in a PATCH) removes user name and password.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  username?: string | null;

  @ApiPropertyOptional({ writeOnly: true, description: 'OPC UA / MQTT: write-only, never returned (answers say password_set). Left out on update or import: the stored one is kept.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  password?: string;

  @ApiPropertyOptional({ readOnly: true, description: 'OPC UA / MQTT, in answers: a password is stored. Ignored when sent back.' })
  @IsOptional()
  @IsBoolean()
  password_set?: boolean;

  @ApiPropertyOptional({ default: 1000, description: 'OPC UA: how often the server publishes changed values, ms' })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  publishing_interval_ms?: number;
}

export class UpdateDeviceDto extends PartialType(OmitType(CreateDeviceDto, ['id'] as const)) {}
