import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import type { DetectorKind, DetectorOverrides } from '@idm/contracts';

const finite = { allowNaN: false, allowInfinity: false };
const DAY = 86_400_000;

export class EnabledDetectorsDto implements Partial<Record<DetectorKind, boolean>> {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() limits?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() physical?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() zscore?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() rate?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() ewma?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() cusum?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() stuck?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() noise?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() runRules?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() daily?: boolean;
}

/** Overrides of the automatic detector configuration; every field optional, each with a sane range. */
export class DetectorOverridesDto implements DetectorOverrides {
  @ApiPropertyOptional({ description: 'half-life of the learned baseline (ms)' }) @IsOptional() @IsInt() @Min(1000) @Max(30 * DAY) baseline_half_life_ms?: number;
  @ApiPropertyOptional({ description: 'learning period without statistical anomalies (ms)' }) @IsOptional() @IsInt() @Min(0) @Max(30 * DAY) warmup_ms?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(1) @Max(50) z_threshold?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(1) @Max(100) rate_threshold?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(0.01) @Max(1) ewma_lambda?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(1) @Max(20) ewma_l?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(0) @Max(5) cusum_k?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(1) @Max(100) cusum_h?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(1e-12) @Max(0.5) stuck_probability?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(2) @Max(100_000) stuck_min_samples?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(1.1) @Max(50) noise_ratio?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(0) @Max(1) run_rule_score?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(10_000) episode_clear_samples?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber(finite) @Min(0) min_sigma?: number;

  @ApiPropertyOptional({ type: EnabledDetectorsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EnabledDetectorsDto)
  enabled?: EnabledDetectorsDto;
}
