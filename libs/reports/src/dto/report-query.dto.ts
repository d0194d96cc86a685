import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { AlarmPriorityName, ReportFormat } from '@idm/contracts';

const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
const csvList = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value);

/** Which part of the plant: all by default; filters combine with AND. */
export class ReportScopeDto {
  @ApiPropertyOptional({ description: 'plant area, as in the tag registry' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  area?: string;

  @ApiPropertyOptional({ description: 'device id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  device_id?: string;

  @ApiPropertyOptional({ description: 'sensor ids (comma-separated in a query string)', type: [String] })
  @IsOptional()
  @Transform(csvList)
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  sensor_ids?: string[];

  @ApiPropertyOptional({ enum: PRIORITIES, description: 'only alarms of this priority or higher' })
  @IsOptional()
  @IsIn(PRIORITIES)
  min_priority?: AlarmPriorityName;
}

export class ReportQueryDto extends ReportScopeDto {
  @ApiPropertyOptional({ description: 'start (ISO-8601); default 24 h before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'end, exclusive (ISO-8601); default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv', 'pdf'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv', 'pdf'])
  format?: ReportFormat;
}

/** `POST /reports/jobs` body. */
export class ReportJobRequestDto {
  @ApiPropertyOptional({ description: 'start (ISO-8601); default 24 h before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'end, exclusive (ISO-8601); default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ type: ReportScopeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReportScopeDto)
  scope?: ReportScopeDto;

  @ApiPropertyOptional({ enum: ['json', 'csv', 'pdf'], default: 'pdf' })
  @IsOptional()
  @IsIn(['json', 'csv', 'pdf'])
  format?: ReportFormat;
}
