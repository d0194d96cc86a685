import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

export const SCREEN_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SCREEN_ID_MESSAGE = 'must be 1-64 lower-case letters, digits, "-" or "_" and start with a letter or digit';
/** JSON bodies are limited to 10 MB by the app; a drawing to what the sanitiser accepts. */
export const MAX_SVG_CHARS = 2_000_000;

export class CreateScreenDto {
  @ApiPropertyOptional({ example: 'boiler-house', description: 'Stable slug; made from the name when omitted' })
  @IsOptional()
  @IsString()
  @Matches(SCREEN_ID_PATTERN, { message: `id ${SCREEN_ID_MESSAGE}` })
  id?: string;

  @ApiProperty({ example: 'Boiler house' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'Boiler house', description: 'The plant area the screen shows' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  area!: string;

  @ApiPropertyOptional({ example: 'plant', nullable: true, description: 'The parent screen in the navigation tree (null or absent: a top-level screen)' })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsString()
  @Matches(SCREEN_ID_PATTERN, { message: `parent_id ${SCREEN_ID_MESSAGE}` })
  parent_id?: string | null;

  @ApiProperty({ description: 'The drawing as SVG text (sanitised; see README "Process graphics")' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SVG_CHARS)
  svg!: string;

  @ApiPropertyOptional({ example: 'first upload', description: 'What changed (kept with the version)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class UpdateScreenDto {
  @ApiProperty({ description: 'The new drawing as SVG text' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SVG_CHARS)
  svg!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  area?: string;

  @ApiPropertyOptional({ nullable: true, description: 'New parent in the navigation tree; null moves the screen to the top level' })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsString()
  @Matches(SCREEN_ID_PATTERN, { message: `parent_id ${SCREEN_ID_MESSAGE}` })
  parent_id?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class RollbackScreenDto {
  @ApiProperty({ example: 1, description: 'The version to restore; it becomes a new version' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class PatchBindingDto {
  @ApiProperty({ example: 'idm-12', description: 'The id of the element to bind' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  element_id!: string;

  @ApiPropertyOptional({ description: 'true removes the element’s data-idm-* binding (the other fields must be absent)' })
  @IsOptional()
  @IsBoolean()
  remove?: boolean;

  @ApiPropertyOptional({ enum: ['value', 'state', 'level', 'visible', 'link'] })
  @IsOptional()
  @IsIn(['value', 'state', 'level', 'visible', 'link'])
  kind?: 'value' | 'state' | 'level' | 'visible' | 'link';

  @ApiPropertyOptional({ example: 'TT-101' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,100}$/, { message: 'tag must be a sensor id (1-100 letters, digits, "_", ".", ":" or "-")' })
  tag?: string;

  @ApiPropertyOptional({ example: '0.0' })
  @IsOptional()
  @IsString()
  @Matches(/^0(\.0{1,6})?$/, { message: 'format must look like 0 or 0.0 (up to 6 decimals)' })
  format?: string;

  @ApiPropertyOptional({ example: '°C' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  unit?: string;

  @ApiPropertyOptional({ example: 0 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  min?: number;

  @ApiPropertyOptional({ example: 100 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  max?: number;

  @ApiPropertyOptional({ example: 'sensor:TT-101' })
  @IsOptional()
  @IsString()
  @Matches(/^(screen|sensor):[A-Za-z0-9_.:-]{1,100}$/, { message: 'link must be screen:<id> or sensor:<id>' })
  link?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
