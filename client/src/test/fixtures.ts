import type { AlarmDto, AnomalyEpisode } from '@idm/contracts';

/** A sensor alarm as the server sends it (unacknowledged and active, low priority), with `over` applied. */
export function alarmFixture(id: string, over: Partial<AlarmDto> = {}): AlarmDto {
  return {
    id,
    source_type: 'sensor',
    source_id: id,
    source_name: null,
    sensor_id: id,
    condition: 'limit_hi',
    message: `${id} high`,
    priority: 'low',
    state: 'unack_active',
    active: true,
    acknowledged: false,
    raised_at: '2026-11-27T10:00:00Z',
    cleared_at: null,
    acked_at: null,
    acked_by: null,
    shelved_until: null,
    shelved_by: null,
    shelve_reason: null,
    last_value: 81.5,
    last_reading: 'good',
    activation_count: 1,
    in_flood: false,
    anomaly_ids: [],
    updated_at: '2026-11-27T10:00:00Z',
    ...over,
  };
}

/** A closed limit episode of `sensorId` starting at `start` (ISO), with no alarm unless `over` gives one. */
export function episodeFixture(sensorId: string, start: string, over: Partial<AnomalyEpisode> = {}): AnomalyEpisode {
  return {
    id: `${sensorId}|${Date.parse(start)}`,
    sensor_id: sensorId,
    timestamp: start,
    anomaly_type: 'limit',
    resolved: false,
    active: false,
    score: 0.9,
    severity: 'high',
    evidence: { expected_lo: null, expected_hi: 80, statistic: 83, threshold: 80, detail: 'hi limit 80 crossed' },
    end_timestamp: new Date(Date.parse(start) + 60_000).toISOString(),
    samples: 60,
    area: 'Boiler house',
    alarm_id: null,
    ...over,
  };
}
