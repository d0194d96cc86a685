import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsNumber, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { ALARM_PRIORITIES, ALARM_STATES } from '@idm/contracts';
import type { AlarmPriorityName, AlarmStateName } from '@idm/contracts';

export class AcknowledgeDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'why, or what was done' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  comment?: string;
}

export class BulkAcknowledgeDto extends AcknowledgeDto {
  @ApiProperty({ type: [String], maxItems: 500 })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  ids!: string[];
}

export class ShelveDto {
  @ApiProperty({ minimum: 0.01, maximum: 1440, description: 'how long to shelve, in minutes (fractions allowed; at most 24 h)' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(1440)
  duration_minutes!: number;

  @ApiProperty({ minLength: 3, maxLength: 500 })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}

export class CommentDto {
  @ApiProperty({ minLength: 1, maxLength: 1000 })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  text!: string;
}

export class OutOfServiceDto {
  @ApiProperty({ minLength: 3, maxLength: 500 })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}

export const csvList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value);

export class AlarmListQueryDto {
  @ApiPropertyOptional({ description: 'comma-separated priorities', example: 'critical,high' })
  @IsOptional()
  @Transform(csvList)
  @IsIn(ALARM_PRIORITIES, { each: true })
  priority?: AlarmPriorityName[];

  @ApiPropertyOptional({ description: 'comma-separated states', example: 'unack_active,unack_rtn' })
  @IsOptional()
  @Transform(csvList)
  @IsIn(ALARM_STATES, { each: true })
  state?: AlarmStateName[];

  @ApiPropertyOptional({ description: 'a sensor_id or device id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source_id?: string;

  @ApiPropertyOptional({ description: 'also list alarms in the normal state' })
  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  include_normal?: boolean;
}
