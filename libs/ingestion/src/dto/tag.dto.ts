import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsIn, IsNotEmpty, IsInt, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ALARM_PRIORITIES, ANOMALY_TYPES, ENDIANNESS, MODBUS_DATA_TYPES, REGISTER_TYPES } from '@idm/contracts';
import type { Endianness, ModbusDataType, RegisterType, TagAlarmPriority } from '@idm/contracts';
import { DEVICE_ID_PATTERN } from './device.dto';
import { ModbusTagBindingDto, MqttTagBindingDto, OpcuaTagBindingDto } from './tag-binding.dto';

/** Sensor ids: letters, digits and `_ - . : /`, starting with a letter or digit (the historian uses `|` to join `_id` parts). */
export const SENSOR_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;
const finite = { allowNaN: false, allowInfinity: false };

export class TagLimitsDto {
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) lolo?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) lo?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) hi?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) hihi?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(0) deadband?: number;
}

export class TagStateWordsDto {
  @ApiProperty({ example: 'STOP' }) @IsString() @IsNotEmpty() @MaxLength(16) '0'!: string;
  @ApiProperty({ example: 'RUN' }) @IsString() @IsNotEmpty() @MaxLength(16) '1'!: string;
}

@ApiExtraModels(ModbusTagBindingDto, OpcuaTagBindingDto, MqttTagBindingDto)
export class CreateTagDto {
  @ApiProperty({ example: 'TT-101' })
  @IsString()
  @Matches(SENSOR_ID_PATTERN, { message: 'sensor_id must be 1-128 letters, digits or "-_.:/" and start with a letter or digit' })
  sensor_id!: string;

  @ApiProperty({ example: 'plc-01' })
  @IsString()
  @Matches(DEVICE_ID_PATTERN, { message: 'device_id must be an existing device id' })
  device_id!: string;

  @ApiPropertyOptional({ example: 'Boiler house' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  area?: string;

  // Where the value lives in the device: `source`, shaped by the device's protocol (checked by the registry
  // service against the device, so its messages name the tag). The flat Modbus fields below are the first
  // API's form of a Modbus binding, still accepted.
  @ApiPropertyOptional({
    description: "The tag's binding to its device, shaped by the device's protocol (required unless the flat Modbus fields are given)",
    oneOf: [{ $ref: getSchemaPath(ModbusTagBindingDto) }, { $ref: getSchemaPath(OpcuaTagBindingDto) }, { $ref: getSchemaPath(MqttTagBindingDto) }],
  })
  @IsOptional()
  @IsObject({ message: 'source must be an object (the Modbus, OPC UA or MQTT binding of the tag)' })
  source?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: REGISTER_TYPES, deprecated: true, description: 'Modbus tags: same as source.register_type (first API form)' })
  @IsOptional()
  @IsIn(REGISTER_TYPES as unknown as string[], { message: `register_type must be one of ${REGISTER_TYPES.join(', ')}` })
  register_type?: RegisterType;

  @ApiPropertyOptional({ deprecated: true, description: 'Modbus tags: same as source.address (0-based protocol address)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  address?: number;

  @ApiPropertyOptional({ enum: MODBUS_DATA_TYPES, deprecated: true, description: 'Modbus tags: same as source.data_type' })
  @IsOptional()
  @IsIn(MODBUS_DATA_TYPES as unknown as string[], { message: `data_type must be one of ${MODBUS_DATA_TYPES.join(', ')}` })
  data_type?: ModbusDataType;

  @ApiPropertyOptional({ enum: ENDIANNESS, deprecated: true, description: 'Modbus tags: same as source.word_order' })
  @IsOptional()
  @IsIn(ENDIANNESS as unknown as string[], { message: 'word_order must be big or little' })
  word_order?: Endianness;

  @ApiPropertyOptional({ enum: ENDIANNESS, deprecated: true, description: 'Modbus tags: same as source.byte_order' })
  @IsOptional()
  @IsIn(ENDIANNESS as unknown as string[], { message: 'byte_order must be big or little' })
  byte_order?: Endianness;

  @ApiPropertyOptional({ default: 1 }) @IsOptional() @IsNumber(finite) scale?: number;
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsNumber(finite) offset?: number;
  @ApiPropertyOptional({ example: '°C' }) @IsOptional() @IsString() @MaxLength(32) unit?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;

  @ApiPropertyOptional({ type: TagLimitsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TagLimitsDto)
  limits?: TagLimitsDto;

  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) physical_min?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) physical_max?: number;

  // Its shape is checked with the registry rules (checkTags), whose messages name the tag.
  @ApiPropertyOptional({
    description:
      'Fixed alarm priority from alarm rationalization: one priority for every condition of the tag, or one per ' +
      'condition (anomaly type); conditions it does not name keep the priority derived from the episode severity. ' +
      'null (in a PATCH) removes it.',
    oneOf: [
      { type: 'string', enum: [...ALARM_PRIORITIES] },
      {
        type: 'object',
        properties: Object.fromEntries(ANOMALY_TYPES.map((c) => [c, { type: 'string', enum: [...ALARM_PRIORITIES] }])),
        additionalProperties: false,
        minProperties: 1,
      },
    ],
    nullable: true,
    example: { limit: 'critical', stuck: 'low' },
  })
  @Allow()
  alarm_priority?: TagAlarmPriority | null;

  @ApiPropertyOptional({
    type: TagStateWordsDto,
    nullable: true,
    description: 'bool tags only: the words screens show for 0 and 1 (default OFF / ON). null (in a PATCH) removes them.',
    example: { '0': 'STOP', '1': 'RUN' },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => TagStateWordsDto)
  state_words?: TagStateWordsDto | null;
}

export class UpdateTagDto extends PartialType(OmitType(CreateTagDto, ['sensor_id'] as const)) {}

