import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { MAX_TREND_PENS, TREND_RANGE_KEYS } from '@idm/contracts';
import type { TrendGroupDto, TrendRangeKey } from '@idm/contracts';

/** Same rule as the tag registry's sensor_id. */
const SENSOR_ID = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;
export const MAX_TREND_GROUPS = 50;

export class TrendGroupBody implements TrendGroupDto {
  @ApiProperty({ minLength: 1, maxLength: 60, example: 'Boiler check' })
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  name!: string;

  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_TREND_PENS, example: ['TT-101', 'PT-102'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TREND_PENS)
  @IsString({ each: true })
  @Matches(SENSOR_ID, { each: true, message: 'each pen must be a sensor_id (letters, digits, "-_.:/")' })
  pens!: string[];

  @ApiProperty({ enum: ['own', 'shared'] })
  @IsIn(['own', 'shared'])
  axes!: 'own' | 'shared';

  @ApiProperty({ enum: TREND_RANGE_KEYS })
  @IsIn(TREND_RANGE_KEYS)
  range!: TrendRangeKey;
}

export class TrendGroupsBody {
  @ApiProperty({ type: [TrendGroupBody], maxItems: MAX_TREND_GROUPS, description: "the user's whole list (it replaces the saved one)" })
  @IsArray()
  @ArrayMaxSize(MAX_TREND_GROUPS)
  @ValidateNested({ each: true })
  @Type(() => TrendGroupBody)
  groups!: TrendGroupBody[];
}
