import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

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

  @ApiProperty({ example: '192.168.10.21' })
  @IsString()
  @Matches(/^[A-Za-z0-9.:\-[\]]{1,253}$/, { message: 'host must be a host name or IP address' })
  host!: string;

  @ApiPropertyOptional({ default: 502 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ default: 1, description: 'Modbus unit id (slave id), 0-255' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(255)
  unit_id?: number;

  @ApiPropertyOptional({ default: 1000 })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  poll_interval_ms?: number;

  @ApiPropertyOptional({ default: 1000 })
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(60_000)
  timeout_ms?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ default: 8, description: 'Unused registers that may be read over to merge two tags into one request' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(124)
  block_gap?: number;
}

export class UpdateDeviceDto extends PartialType(OmitType(CreateDeviceDto, ['id'] as const)) {}
