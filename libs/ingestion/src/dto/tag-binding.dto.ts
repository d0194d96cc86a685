import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ENDIANNESS, MODBUS_DATA_TYPES, OPCUA_DEADBAND_TYPES, REGISTER_TYPES } from '@idm/contracts';
import type { Endianness, ModbusDataType, OpcuaDeadbandType, RegisterType } from '@idm/contracts';

/** `source` of a tag on a Modbus device (version-1 files and the first API carry these fields flat on the tag). */
export class ModbusTagBindingDto {
  @ApiProperty({ enum: REGISTER_TYPES })
  @IsIn(REGISTER_TYPES as unknown as string[], { message: `register_type must be one of ${REGISTER_TYPES.join(', ')}` })
  register_type!: RegisterType;

  @ApiProperty({ description: '0-based protocol address', example: 0 })
  @IsInt()
  @Min(0)
  @Max(65535)
  address!: number;

  @ApiProperty({ enum: MODBUS_DATA_TYPES })
  @IsIn(MODBUS_DATA_TYPES as unknown as string[], { message: `data_type must be one of ${MODBUS_DATA_TYPES.join(', ')}` })
  data_type!: ModbusDataType;

  @ApiPropertyOptional({ enum: ENDIANNESS, default: 'big' })
  @IsOptional()
  @IsIn(ENDIANNESS as unknown as string[], { message: 'word_order must be big or little' })
  word_order?: Endianness;

  @ApiPropertyOptional({ enum: ENDIANNESS, default: 'big' })
  @IsOptional()
  @IsIn(ENDIANNESS as unknown as string[], { message: 'byte_order must be big or little' })
  byte_order?: Endianness;
}

/**
 * NodeId in the standard string form (OPC UA Part 6, 5.3.1.10): `i=<n>` (namespace 0) or
 * `ns=<n>;i=<uint32>|s=<string>|g=<guid>|b=<base64>`.
 */
export const NODE_ID_PATTERN =
  /^(?:ns=\d{1,5};)?(?:i=\d{1,10}|s=.+|g=[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|b=[A-Za-z0-9+/]+={0,2})$/s;

/** `source` of a tag on an OPC UA device: the Variable node a monitored item watches. */
export class OpcuaTagBindingDto {
  @ApiProperty({ example: 'ns=2;s=Boiler.Drum.Pressure', description: 'NodeId string: ns=<n>;i=<n> | s=<text> | g=<guid> | b=<base64>, or i=<n>' })
  @IsString()
  @MaxLength(4096)
  @Matches(NODE_ID_PATTERN, { message: 'node_id must be a NodeId like ns=2;s=Boiler.Pressure, ns=3;i=1001 or i=2258' })
  node_id!: string;

  @ApiPropertyOptional({ description: "Server sampling interval, ms (0: the server's fastest); absent: the device's publishing interval" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  sampling_interval_ms?: number;

  @ApiPropertyOptional({ default: 1, description: 'Values the server queues between publishes' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  queue_size?: number;

  @ApiPropertyOptional({ enum: OPCUA_DEADBAND_TYPES, default: 'none' })
  @IsOptional()
  @IsIn(OPCUA_DEADBAND_TYPES as unknown as string[], { message: `deadband_type must be one of ${OPCUA_DEADBAND_TYPES.join(', ')}` })
  deadband_type?: OpcuaDeadbandType;

  @ApiPropertyOptional({ description: 'absolute: engineering units; percent: 0-100 of the node EURange' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  deadband_value?: number;
}

/**
 * `source` of a tag on an MQTT device. Plain mode: `topic` (+ `value_path`, `timestamp_path`); Sparkplug mode:
 * `edge_node_id`, `device_id`, `metric`. Which fields the device's mode needs is a registry rule.
 */
export class MqttTagBindingDto {
  @ApiPropertyOptional({ example: 'plant/boiler/+/temperature', description: 'Plain: the topic (wildcards + and # allowed)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  topic?: string;

  @ApiPropertyOptional({ example: 'data.values[0].v', description: 'Plain: the JSON field with the value; absent: the payload is a raw number' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  value_path?: string;

  @ApiPropertyOptional({ example: 'ts', description: 'Plain: the JSON field with the timestamp (epoch ms or ISO 8601)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  timestamp_path?: string;

  @ApiPropertyOptional({ example: 'boiler-gw', description: 'Sparkplug: the edge node id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  edge_node_id?: string;

  @ApiPropertyOptional({ example: 'plc-01', description: 'Sparkplug: the device id under the edge node; absent: a node metric' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  device_id?: string;

  @ApiPropertyOptional({ example: 'Drum/Pressure', description: 'Sparkplug: the metric name from the birth' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  metric?: string;
}
