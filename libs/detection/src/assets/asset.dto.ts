import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ALARM_PRIORITIES } from '@idm/contracts';
import type { AlarmPriorityName, AssetInput, AssetSettings } from '@idm/contracts';

/** Ids are plain names: no `$` or `.` (operators, field paths) can reach a query. */
export const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9_\-:/ ]{0,99}$/;

export class AssetSettingsDto implements AssetSettings {
  @ApiPropertyOptional({ enum: ALARM_PRIORITIES }) @IsOptional() @IsIn(ALARM_PRIORITIES) alarm_priority?: AlarmPriorityName;
  @ApiPropertyOptional({ minimum: 1, maximum: 20 }) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(1) @Max(20) threshold_sigma?: number;
  @ApiPropertyOptional({ minimum: 50, maximum: 1_000_000 }) @IsOptional() @IsInt() @Min(50) @Max(1_000_000) train_samples?: number;
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
