import type { AlarmDto, AnomalyReport } from '@idm/contracts';
import { composeCriticalAlert, composeDigest, formatInZone, waitingForAck } from './digest';

function report(alarms: number, critical: number, anomalies = 0): AnomalyReport {
  return {
    title: 't', generated_at: '', from: '', to: '', scope: {},
    totals: { alarms, anomalies, acknowledged: 1, returned_to_normal: 1, time_in_alarm_s: 600, mtta_s: 90, mttr_s: 300 },
    alarms_by_sensor: [], alarms_by_type: [],
    alarms_by_priority: [{ key: 'critical', count: critical }, { key: 'high', count: 0 }, { key: 'medium', count: 0 }, { key: 'low', count: alarms - critical }],
    anomalies_by_sensor: [], anomalies_by_type: [],
    bad_actors: alarms ? [
      { alarm_id: 'sensor:p1|spike', source_id: 'p1', condition: 'spike', priority: 'low', activations: 5, share_pct: 50, time_in_alarm_s: 60 },
      { alarm_id: 'sensor:t1|limit', source_id: 't1', condition: 'limit', priority: 'critical', activations: 1, share_pct: 10, time_in_alarm_s: 7200 },
    ] : [],
    trend: { bucket_s: 60, points: [] }, sensor_stats: [],
    kpis: { avg_alarms_per_10min: 1.5, periods_10min: 6, periods_in_flood: 0, flood_pct: 0, flood_threshold: 10, peak_10min: 3, top10_share_pct: 100,
      priority_split_pct: { critical: 0, high: 0, medium: 0, low: 0 }, chattering: [], stale: [], shelve_actions: 0, shelved_at_end: 0 },
  };
}

const unack = { id: 'sensor:t1|limit', source_id: 't1', priority: 'critical', state: 'unack_active', acknowledged: false, message: 't1: <limit> & more', raised_at: '2026-01-01T06:00:00.000Z' } as AlarmDto;
const descriptions = new Map([['t1', 'Tank 1 temperature'], ['p1', 'Feed pump pressure']]);

describe('composeDigest', () => {
  const base = { name: 'Night shift', timeZone: 'Europe/Paris', since: Date.parse('2026-01-01T21:00:00Z'), until: Date.parse('2026-01-02T05:00:00Z'), publicUrl: 'http://idm.local' };

  it('says what happened, worst alarms first by priority, and what waits for acknowledgement', () => {
    const m = composeDigest({ ...base, report: report(10, 1, 2), unacknowledged: [unack] });
    expect(m.empty).toBe(false);
    expect(m.subject).toBe('[IDM] Night shift: 10 alarms (1 critical), 1 unacknowledged');
    expect(m.text).toContain('2026-01-01 22:00 to 2026-01-02 06:00 (Europe/Paris)');
    expect(m.text).toContain('Alarms raised: 10');
    expect(m.text).toContain('Anomaly episodes: 2');
    expect(m.text.indexOf('t1 limit: 1 activation')).toBeLessThan(m.text.indexOf('p1 spike: 5'));
    expect(m.text).toContain('[critical] t1: <limit> & more');
    expect(m.html).toContain('t1: &lt;limit&gt; &amp; more');
    expect(m.html).not.toContain('<limit>');
  });

  it('names tags with their descriptions and local times, never internal alarm ids or UTC stamps', () => {
    const m = composeDigest({ ...base, report: report(10, 1), unacknowledged: [unack], descriptions });
    expect(m.text).toContain('[critical] t1 (Tank 1 temperature) limit: 1 activation');
    expect(m.text).toContain('[low] p1 (Feed pump pressure) spike: 5 activation');
    expect(m.text).toContain('t1: <limit> & more — Tank 1 temperature (since 2026-01-01 07:00)');
    expect(m.html).toContain('t1 (Tank 1 temperature) limit');
    expect(m.html).toContain('(since 2026-01-01 07:00)');
    for (const body of [m.text, m.html]) {
      expect(body).not.toContain('sensor:');
      expect(body).not.toContain('06:00:00.000Z');
    }
  });

  it("names a device's own alarm by the device's name, once", () => {
    const r = report(10, 1);
    r.bad_actors = [{ alarm_id: 'device:plc-03|comm_failure', source_id: 'plc-03', condition: 'comm_failure', priority: 'high', activations: 2, share_pct: 20, time_in_alarm_s: 60 }];
    const comm = { ...unack, id: 'device:plc-03|comm_failure', source_id: 'plc-03', source_type: 'device', message: 'Communication failure: PLC 03 (timeout)' } as AlarmDto;
    const m = composeDigest({ ...base, report: r, unacknowledged: [comm], descriptions: new Map([['plc-03', 'PLC 03']]) });
    expect(m.text).toContain('[high] plc-03 (PLC 03) comm_failure: 2 activation');
    expect(m.text).toContain('Communication failure: PLC 03 (timeout) (since');
    expect(m.text).not.toContain('— PLC 03');
  });

  it('leaves shelved, out-of-service and acknowledged alarms out of the waiting list', () => {
    const list = [
      unack,
      { ...unack, id: 'a2', state: 'shelved' },
      { ...unack, id: 'a3', state: 'out_of_service' },
      { ...unack, id: 'a4', state: 'ack_active', acknowledged: true },
      { ...unack, id: 'a5', state: 'unack_rtn', active: false },
    ] as AlarmDto[];
    expect(waitingForAck(list).map((a) => a.id)).toEqual(['sensor:t1|limit', 'a5']);
  });

  it('sends a first digest while anything waits for an acknowledgement, even if nothing happened since', () => {
    expect(composeDigest({ ...base, report: report(0, 0), unacknowledged: [unack], first: true }).empty).toBe(false);
    expect(composeDigest({ ...base, report: report(0, 0), unacknowledged: [unack], first: false }).empty).toBe(true);
    expect(composeDigest({ ...base, report: report(0, 0), unacknowledged: [], first: true }).empty).toBe(true);
  });

  it('is empty when no alarm was raised and no anomaly seen', () => {
    const m = composeDigest({ ...base, report: report(0, 0), unacknowledged: [] });
    expect(m.empty).toBe(true);
    expect(m.subject).toBe('[IDM] Night shift: no alarms, 0 unacknowledged');
  });
});

describe('composeCriticalAlert', () => {
  it('names a single alarm in the subject and counts a group', () => {
    expect(composeCriticalAlert('s', [unack], 'UTC', 'http://x').subject).toBe('[IDM] CRITICAL alarm: t1: <limit> & more');
    const g = composeCriticalAlert('Boiler', [unack, { ...unack, id: 'sensor:b|limit', source_id: 'b', message: 'b' }], 'Europe/Paris', 'http://x', descriptions);
    expect(g.subject).toBe('[IDM] 2 CRITICAL alarms raised (Boiler)');
    expect(g.text).toContain('2026-01-01 07:00 t1: <limit> & more — Tank 1 temperature');
    expect(g.text).toContain('2026-01-01 07:00 b\n');
    expect(g.text).not.toContain('sensor:');
  });

  it('formats times in the given zone', () => {
    expect(formatInZone(Date.parse('2026-07-01T12:00:00Z'), 'America/New_York')).toBe('2026-07-01 08:00');
  });
});
