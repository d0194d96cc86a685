import { ApiProperty } from '@nestjs/swagger';
import { ALARM_EVENT_KINDS, ALARM_PRIORITIES, ALARM_READING_KINDS, ALARM_STATES } from '@idm/contracts';
import type { AlarmAuditEntryDto, AlarmDetailDto, AlarmDto, AlarmEventKindName, AlarmPriorityName, AlarmReadingKind, AlarmStateName } from '@idm/contracts';

/** OpenAPI shape of `AlarmDto` (the wire types live in @idm/contracts). */
export class AlarmResponse implements AlarmDto {
  @ApiProperty({ example: 'sensor:TT-101|limit', description: '`sensor:<sensor_id>|<condition>` or `device:<device_id>|comm_failure`' }) id!: string;
  @ApiProperty({ enum: ['sensor', 'device', 'asset'] }) source_type!: 'sensor' | 'device' | 'asset';
  @ApiProperty({ description: "the sensor's sensor_id or the device's id" }) source_id!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'PLC 02 (Turbine hall)',
    description: "the name an operator knows the source by: a device's or an asset's name, a tag's description; null when nothing names it",
  })
  source_name!: string | null;
  @ApiProperty({ type: String, nullable: true }) sensor_id!: string | null;
  @ApiProperty({ example: 'limit', description: 'the anomaly type for a sensor, comm_failure for a device' }) condition!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ enum: ALARM_PRIORITIES }) priority!: AlarmPriorityName;
  @ApiProperty({ enum: ALARM_STATES }) state!: AlarmStateName;
  @ApiProperty() active!: boolean;
  @ApiProperty() acknowledged!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) raised_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cleared_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acked_at!: string | null;
  @ApiProperty({ type: String, nullable: true }) acked_by!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) shelved_until!: string | null;
  @ApiProperty({ type: String, nullable: true }) shelved_by!: string | null;
  @ApiProperty({ type: String, nullable: true }) shelve_reason!: string | null;
  @ApiProperty({ type: Number, nullable: true }) last_value!: number | null;
  @ApiProperty({
    enum: ALARM_READING_KINDS,
    nullable: true,
    description: 'What last_value is: a measurement (good), a reading its source flagged (bad, comm_failure, stale: the value is a placeholder) or not a number (NaN, +Inf, -Inf: last_value is null). Null without a reading.',
  })
  last_reading!: AlarmReadingKind | null;
  @ApiProperty() activation_count!: number;
  @ApiProperty({ description: 'raised while an alarm flood was in progress' }) in_flood!: boolean;
  @ApiProperty({
    type: [String],
    example: ['TT-101|1767225600000'],
    description: 'the anomaly episodes behind the current activation, oldest first (at most the last 20); each has this alarm as alarm_id in GET /anomalies/history. Empty once the alarm is back to normal',
  })
  anomaly_ids!: string[];
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

/** OpenAPI shape of `AlarmAuditEntryDto`. */
export class AlarmAuditEntryResponse implements AlarmAuditEntryDto {
  @ApiProperty() alarm_id!: string;
  @ApiProperty({ enum: ALARM_EVENT_KINDS }) kind!: AlarmEventKindName;
  @ApiProperty({ enum: ALARM_STATES }) from!: AlarmStateName;
  @ApiProperty({ enum: ALARM_STATES }) to!: AlarmStateName;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true, description: 'who did it; null for the plant itself' }) by!: string | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
}

/** OpenAPI shape of `AlarmDetailDto`. */
export class AlarmDetailResponse extends AlarmResponse implements AlarmDetailDto {
  @ApiProperty({ type: [AlarmAuditEntryResponse], description: 'newest first (at most 200)' }) history!: AlarmAuditEntryResponse[];
}
