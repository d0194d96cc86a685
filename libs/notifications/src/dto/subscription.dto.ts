import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import type { AlarmPriorityName, DigestAttachmentFormat } from '@idm/contracts';

const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;

export class SubscriptionScopeDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) area?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) device_id?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  sensor_ids?: string[];
}

export class CreateSubscriptionDto {
  @ApiProperty({ example: 'Shift change digest' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name!: string;

  @ApiProperty({ type: [String], example: ['supervisor@plant.example'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each value in recipients must be an e-mail address' })
  recipients!: string[];

  @ApiPropertyOptional({ type: SubscriptionScopeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SubscriptionScopeDto)
  scope?: SubscriptionScopeDto;

  @ApiPropertyOptional({ enum: PRIORITIES, default: 'low' })
  @IsOptional()
  @IsIn(PRIORITIES)
  min_priority?: AlarmPriorityName;

  @ApiProperty({ example: '0 6,14,22 * * *', description: '5 fields, or 6 with seconds first' })
  @IsString()
  @MaxLength(100)
  cron!: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', default: 'UTC' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  time_zone?: string;

  @ApiPropertyOptional({ enum: ['pdf', 'csv', 'none'], default: 'pdf' })
  @IsOptional()
  @IsIn(['pdf', 'csv', 'none'])
  format?: DigestAttachmentFormat;

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() send_empty?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() critical_immediate?: boolean;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;

  @ApiPropertyOptional({ description: 'admins only: the user it belongs to' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  owner?: string;
}

export class UpdateSubscriptionDto extends PartialType(CreateSubscriptionDto) {}

export class SendNotificationDto {
  @ApiProperty({ enum: ['digest', 'message'] })
  @IsIn(['digest', 'message'])
  kind!: 'digest' | 'message';

  @ApiPropertyOptional({ description: 'digest: the subscription whose digest to send now' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  subscription_id?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each value in recipients must be an e-mail address' })
  recipients?: string[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) subject?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(20000) text?: string;
}
