import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { ANOMALY_SEVERITIES, ANOMALY_TYPES, EPISODE_TYPES } from '@idm/contracts';
import type { AnomalySeverity, AnomalyType, EpisodeType } from '@idm/contracts';
import { ASSET_ID } from '../assets/asset.dto';

/** Same rule as the tag registry's sensor_id. */
export const SENSOR_ID = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;
const SENSOR_ID_MESSAGE = 'sensor_id must be 1-128 letters, digits or "-_.:/" and start with a letter or digit';
export const MAX_CHECK_SAMPLES = 10_000;

/** Epoch milliseconds, or an ISO-8601 string; returns NaN for anything else. */
export function toEpochMs(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : NaN;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) return Date.parse(v);
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return NaN;
}

function IsTimestamp(options?: ValidationOptions) {
  return ValidateBy(
    { name: 'isTimestamp', validator: { validate: (v) => !Number.isNaN(toEpochMs(v)), defaultMessage: (a) => `${a?.property} must be epoch milliseconds or an ISO-8601 date` } },
    options,
  );
}

export class CheckSampleDto {
  @ApiProperty({ oneOf: [{ type: 'string', format: 'date-time' }, { type: 'number' }], description: 'ISO-8601 or epoch ms; ascending' })
  @IsTimestamp()
  timestamp!: string | number;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  value!: number;
}

export class CheckRequestDto {
  @ApiProperty({ example: 'TT-101' })
  @IsString()
  @Matches(SENSOR_ID, { message: SENSOR_ID_MESSAGE })
  sensor_id!: string;

  @ApiProperty({ type: [CheckSampleDto], maxItems: MAX_CHECK_SAMPLES })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_CHECK_SAMPLES)
  @ValidateNested({ each: true })
  @Type(() => CheckSampleDto)
  samples!: CheckSampleDto[];

  @ApiPropertyOptional({ description: "start from the sensor's live detector state instead of a fresh one", default: false })
  @IsOptional()
  @IsBoolean()
  use_live_state?: boolean;

  @ApiPropertyOptional({ description: 'store the episodes found (operator or above)', default: false })
  @IsOptional()
  @IsBoolean()
  store?: boolean;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', format: 'date-time' }, { type: 'number' }],
    description: 'samples up to this time (inclusive) are known normal: learned first, answered `training`, not judged; not with train_samples',
  })
  @IsOptional()
  @IsTimestamp()
  train_until?: string | number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_CHECK_SAMPLES, description: 'the first this many samples are known normal (at most the batch); not with train_until' })
  @IsOptional()
  @IsInt()
  @Min(0)
  train_samples?: number;
}

const list = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value);

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'the sensor id (with match=prefix: its beginning, any case, "p06" finds P06-PT-01)' })
  @IsOptional()
  @IsString()
  @Matches(SENSOR_ID, { message: SENSOR_ID_MESSAGE })
  sensor_id?: string;

  @ApiPropertyOptional({ description: 'plant area of the sensor (with match=prefix: its beginning, any case, "tank farm" finds "Tank farm 2")' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  area?: string;

  @ApiPropertyOptional({ description: "an asset's multivariate (equipment-health) episodes" })
  @IsOptional()
  @IsString()
  @Matches(ASSET_ID, { message: 'asset_id must be an asset id' })
  asset_id?: string;

  @ApiPropertyOptional({ description: `comma-separated: ${EPISODE_TYPES.join(', ')}` })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @IsIn(EPISODE_TYPES, { each: true, message: `anomaly_type must be among ${EPISODE_TYPES.join(', ')}` })
  anomaly_type?: EpisodeType[];

  @ApiPropertyOptional({ description: `comma-separated: ${ANOMALY_SEVERITIES.join(', ')}` })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @IsIn(ANOMALY_SEVERITIES, { each: true, message: `severity must be among ${ANOMALY_SEVERITIES.join(', ')}` })
  severity?: AnomalySeverity[];

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'resolved must be true or false' })
  resolved?: boolean;

  @ApiPropertyOptional({ description: 'episodes still going at or after this time (ISO-8601 or epoch ms)' })
  @IsOptional()
  @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ description: 'episodes started at or before this time (ISO-8601 or epoch ms)' })
  @IsOptional()
  @IsTimestamp()
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(600)
  cursor?: string;

  @ApiPropertyOptional({ enum: ['exact', 'prefix'], default: 'exact', description: 'how sensor_id and area match: exactly, or as a case-insensitive beginning (search boxes)' })
  @IsOptional()
  @IsIn(['exact', 'prefix'], { message: 'match must be exact or prefix' })
  match?: 'exact' | 'prefix';

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
