import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { ALARM_EVENT_KINDS, ALARM_PRIORITIES, ALARM_STATES } from '@idm/contracts';
import type { AlarmEventKindName, AlarmJournalEntryDto, AlarmJournalPageDto, AlarmPriorityName, AlarmStateName } from '@idm/contracts';
import { isTimeZone } from '../engine/alarm-journal';
import { csvList } from './alarm-actions.dto';

/** `GET /alarms/journal`: every value is taken as literal text or a validated name, never as a query operator. */
export class AlarmJournalQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'start of the range (ISO-8601, inclusive); default: 8 h before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'end of the range (ISO-8601, exclusive; at most 31 days after `from`); default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date-time' })
  to?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'text to find (any case) in the message, comment, alarm, sensor, area, condition or user' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'plant area (exact, any case)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  area?: string;

  @ApiPropertyOptional({ maxLength: 128, description: 'a sensor_id or device id (exact, any case)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  sensor_id?: string;

  @ApiPropertyOptional({ description: `comma-separated: ${ALARM_PRIORITIES.join(', ')}`, example: 'critical,high' })
  @IsOptional()
  @Transform(csvList)
  @IsArray()
  @ArrayMaxSize(ALARM_PRIORITIES.length)
  @IsIn(ALARM_PRIORITIES, { each: true, message: `priority must be among ${ALARM_PRIORITIES.join(', ')}` })
  priority?: AlarmPriorityName[];

  @ApiPropertyOptional({ description: `comma-separated kinds of event: ${ALARM_EVENT_KINDS.join(', ')}`, example: 'raised,acknowledged' })
  @IsOptional()
  @Transform(csvList)
  @IsArray()
  @ArrayMaxSize(ALARM_EVENT_KINDS.length)
  @IsIn(ALARM_EVENT_KINDS, { each: true, message: `event must be among ${ALARM_EVENT_KINDS.join(', ')}` })
  event?: AlarmEventKindName[];

  @ApiPropertyOptional({ description: 'who acted (username)' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,32}$/, { message: 'user must be a username: 1–32 letters, digits, ".", "_" or "-"' })
  user?: string;

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc', description: 'newest first (desc) or oldest first (asc)' })
  @IsOptional()
  @IsIn(['desc', 'asc'])
  order?: 'desc' | 'asc';

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: every matching event (no paging) as a file' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC', description: "IANA time zone of the CSV's time_local column" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @ValidateBy({ name: 'isTimeZone', validator: { validate: (v) => typeof v === 'string' && isTimeZone(v), defaultMessage: () => 'tz must be an IANA time zone, e.g. Europe/Berlin' } })
  tz?: string;
}

/** OpenAPI shape of `AlarmJournalEntryDto`. */
export class AlarmJournalEntryResponse implements AlarmJournalEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ALARM_EVENT_KINDS }) kind!: AlarmEventKindName;
  @ApiProperty({ example: 'sensor:TT-101|limit' }) alarm_id!: string;
  @ApiProperty({ enum: ['sensor', 'device', 'asset'] }) source_type!: 'sensor' | 'device' | 'asset';
  @ApiProperty() source_id!: string;
  @ApiProperty({ type: String, nullable: true, example: 'PLC 02 (Turbine hall)', description: "the source's name, as source_name of the alarm list" }) source_name!: string | null;
  @ApiProperty({ type: String, nullable: true }) sensor_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) area!: string | null;
  @ApiProperty() condition!: string;
  @ApiProperty({ enum: ALARM_PRIORITIES, nullable: true, description: 'the priority at that time' }) priority!: AlarmPriorityName | null;
  @ApiProperty({ enum: ALARM_STATES }) from!: AlarmStateName;
  @ApiProperty({ enum: ALARM_STATES }) to!: AlarmStateName;
  @ApiProperty({ type: String, nullable: true, description: 'who did it (null for process events)' }) user!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the alarm's message at that time" }) message!: string | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
}

export class AlarmJournalPageResponse implements AlarmJournalPageDto {
  @ApiProperty({ type: [AlarmJournalEntryResponse] }) items!: AlarmJournalEntryResponse[];
  @ApiProperty({ description: 'events matching in the whole range' }) total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() pages!: number;
  @ApiProperty({ format: 'date-time', description: 'the range as resolved: pass it back to page through the same events' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
}
