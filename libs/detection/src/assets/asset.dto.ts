import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ALARM_PRIORITIES, ASSET_MODELS } from '@idm/contracts';
import type { AlarmPriorityName, AssetModel, AssetHealthHistoryDto, AssetHealthPointDto, AssetHealthSummaryDto, AssetInput, AssetSettings } from '@idm/contracts';

/** Ids are plain names: no `$` or `.` (operators, field paths) can reach a query. */
export const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9_\-:/ ]{0,99}$/;

export class AssetSettingsDto implements AssetSettings {
  @ApiPropertyOptional({ enum: ALARM_PRIORITIES }) @IsOptional() @IsIn(ALARM_PRIORITIES) alarm_priority?: AlarmPriorityName;
  @ApiPropertyOptional({ minimum: 1, maximum: 20 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(1) @Max(20) threshold_sigma?: number;
  @ApiPropertyOptional({ minimum: 50, maximum: 1_000_000 }) @IsOptional() @IsInt() @Min(50) @Max(1_000_000) train_samples?: number;
  @ApiPropertyOptional({ enum: ASSET_MODELS, description: "the detector's model: pca (default) or mewma (a MEWMA chart of the smoothed vector; see the README)" })
  @IsOptional()
  @IsIn(ASSET_MODELS, { message: `model must be one of ${ASSET_MODELS.join(', ')}` })
  model?: AssetModel;
}

export class AssetInputDto implements AssetInput {
  @ApiProperty({ example: 'plc-01-pump' }) @IsString() @Matches(ASSET_ID, { message: 'id must be 1-100 letters, digits, spaces or _-:/ (starting with a letter or digit)' }) id!: string;
  @ApiProperty({ example: 'Feed pump 1' }) @IsString() @MaxLength(200) name!: string;
  @ApiPropertyOptional({ nullable: true, example: 'Boiler house' }) @IsOptional() @IsString() @MaxLength(200) area?: string | null;
  @ApiProperty({ type: [String], minItems: 2, example: ['P01-FT-003', 'P01-PT-002', 'P01-IT-005'] })
  @IsArray()
  @ArrayMinSize(2, { message: 'sensor_ids must name at least 2 sensors' })
  @ArrayMaxSize(256)
  @IsString({ each: true })
  sensor_ids!: string[];
  @ApiPropertyOptional({ type: AssetSettingsDto }) @IsOptional() @ValidateNested() @Type(() => AssetSettingsDto) settings?: AssetSettingsDto;
}

/** Longest range of `GET /assets/{id}/health` (8 640 buckets of 10 s). */
export const HEALTH_MAX_RANGE_MS = 86_400_000;

export class AssetHealthQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'start of the range (ISO-8601); default: 1 h before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'end of the range (ISO-8601; at most 24 h after `from`); default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date-time' })
  to?: string;
}

class AssetHealthPointResponse implements AssetHealthPointDto {
  @ApiProperty({ description: 'bucket start, epoch ms' }) t!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'highest statistic/limit ratio scored in the bucket (1 = at the limit); null when nothing was scored' }) ratio!: number | null;
  @ApiProperty({ enum: ['training', 'scored', 'missing'] }) state!: AssetHealthPointDto['state'];
}

export class AssetHealthHistoryResponse implements AssetHealthHistoryDto {
  @ApiProperty() asset_id!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ example: 10_000 }) bucket_ms!: number;
  @ApiProperty({ enum: [1], description: 'the limit the ratio is measured against' }) limit!: 1;
  @ApiProperty({ type: [AssetHealthPointResponse], description: 'in time order, at most one per bucket_ms' }) points!: AssetHealthPointResponse[];
}

export class AssetLearningResponse {
  @ApiProperty({ description: 'complete samples learned' }) samples!: number;
  @ApiProperty({ description: 'complete samples the model needs before it scores' }) needed!: number;
}

export class AssetHealthSummaryResponse implements AssetHealthSummaryDto {
  @ApiProperty() asset_id!: string;
  @ApiProperty({ enum: ['learning', 'healthy', 'anomaly', 'missing', 'unknown'] }) state!: AssetHealthSummaryDto['state'];
  @ApiProperty({ type: Number, nullable: true }) ratio!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'epoch ms of the latest verdict' }) at!: number | null;
  @ApiProperty({ type: AssetLearningResponse, nullable: true, description: 'while learning: how far it has come; else null' }) learning!: AssetLearningResponse | null;
}
