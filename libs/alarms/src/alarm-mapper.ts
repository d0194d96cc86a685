import type { AlarmAuditEntryDto, AlarmDto } from '@idm/contracts';
import type { Alarm, AlarmAudit } from './alarm.schema';

const iso = (ms: number | null): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** `sourceName`: what the alarms service names the source by now (the registry's name, else the stored one). */
export function toAlarmDto(a: Alarm, sourceName: string | null): AlarmDto {
  return {
    id: a._id,
    source_type: a.source_type,
    source_id: a.source_id,
    source_name: sourceName,
    sensor_id: a.sensor_id,
    condition: a.condition,
    message: a.message,
    priority: a.priority,
    state: a.state,
    active: a.active,
    acknowledged: a.acked,
    raised_at: iso(a.raised_at),
    cleared_at: iso(a.cleared_at),
    acked_at: iso(a.acked_at),
    acked_by: a.acked_by,
    shelved_until: iso(a.shelved_until),
    shelved_by: a.shelved_by,
    shelve_reason: a.shelve_reason,
    last_value: a.last_value,
    // Stored before readings were told apart: unknown.
    last_reading: a.last_reading ?? null,
    activation_count: a.activation_count,
    in_flood: a.in_flood,
    anomaly_ids: [...a.anomaly_ids],
    updated_at: new Date(a.updated_at).toISOString(),
  };
}

export function toAuditDto(e: AlarmAudit): AlarmAuditEntryDto {
  return {
    alarm_id: e.alarm_id,
    kind: e.kind as AlarmAuditEntryDto['kind'],
    from: e.from as AlarmAuditEntryDto['from'],
    to: e.to as AlarmAuditEntryDto['to'],
    at: new Date(e.at).toISOString(),
    by: e.by,
    comment: e.comment,
  };
}
