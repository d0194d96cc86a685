import { computeAlarmFigures, maxInWindow } from './alarm-figures';
import type { AlarmFacts, AuditFact } from './report-input';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const MIN = 60_000;
const H = 3_600_000;

function alarm(id: string, source: string, condition: string, priority: AlarmFacts['priority'], extra: Partial<AlarmFacts> = {}): AlarmFacts {
  return { id, source_id: source, sensor_id: source, condition, priority, state: 'normal', active: false, raised_at: null, updated_at: T0 - 40 * 24 * H, ...extra };
}
const ev = (alarm_id: string, kind: string, from: string, to: string, at: number): AuditFact => ({ alarm_id, kind, from, to, at });

/**
 * Hand-computed fixture over one hour [T0, T0+1h):
 * A raised +5 min, acknowledged +6, cleared +15 (1 activation, 60 s to ack, 600 s to clear, 600 s in alarm);
 * B chatters: raised/cleared 3 times within 50 s from +20 min (10 s each);
 * C active since T0-2h, cleared +30 (1800 s in alarm in range, no activation in range);
 * D raised at T0-25h and still active (stale, 26 h); D2 active for 30 days with no audit in the window;
 * E shelved at +40; G0..G10 raised every 30 s from +50 (11 in one 10-minute period: a flood).
 */
function fixture() {
  const alarms = [
    alarm('A', 's1', 'spike', 'high'),
    alarm('B', 's2', 'limit', 'critical'),
    alarm('C', 'd1', 'comm_failure', 'medium'),
    alarm('D', 's3', 'stuck', 'low', { state: 'unack_active', active: true, raised_at: T0 - 25 * H, updated_at: T0 - 25 * H }),
    alarm('D2', 's5', 'stuck', 'low', { state: 'ack_active', active: true, raised_at: T0 - 30 * 24 * H, updated_at: T0 - 30 * 24 * H }),
    alarm('E', 's1', 'drift', 'low', { state: 'shelved' }),
    ...Array.from({ length: 11 }, (_, i) => alarm(`G${i}`, `g${i}`, 'limit', 'low')),
    alarm('X', 'other', 'limit', 'low'),
  ];
  const audit: AuditFact[] = [
    ev('A', 'raised', 'normal', 'unack_active', T0 + 5 * MIN),
    ev('A', 'acknowledged', 'unack_active', 'ack_active', T0 + 6 * MIN),
    ev('A', 'cleared', 'ack_active', 'normal', T0 + 15 * MIN),
    ev('B', 'raised', 'normal', 'unack_active', T0 + 20 * MIN),
    ev('B', 'cleared', 'unack_active', 'unack_rtn', T0 + 20 * MIN + 10_000),
    ev('B', 'raised', 'unack_rtn', 'unack_active', T0 + 20 * MIN + 20_000),
    ev('B', 'cleared', 'unack_active', 'unack_rtn', T0 + 20 * MIN + 30_000),
    ev('B', 'raised', 'unack_rtn', 'unack_active', T0 + 20 * MIN + 40_000),
    ev('B', 'cleared', 'unack_active', 'unack_rtn', T0 + 20 * MIN + 50_000),
    ev('C', 'raised', 'normal', 'unack_active', T0 - 2 * H),
    ev('C', 'cleared', 'unack_active', 'unack_rtn', T0 + 30 * MIN),
    ev('D', 'raised', 'normal', 'unack_active', T0 - 25 * H),
    ev('E', 'shelved', 'normal', 'shelved', T0 + 40 * MIN),
    ...Array.from({ length: 11 }, (_, i) => ev(`G${i}`, 'raised', 'normal', 'unack_active', T0 + 50 * MIN + i * 30_000)),
    // After the range: ignored.
    ev('A', 'raised', 'normal', 'unack_active', T0 + 2 * H),
  ];
  // X is not in scope: its entries are ignored.
  const inScope = alarms.filter((a) => a.id !== 'X');
  audit.push(ev('X', 'raised', 'normal', 'unack_active', T0 + 10 * MIN));
  return { alarms: inScope, audit };
}

describe('computeAlarmFigures (hand-computed fixture)', () => {
  const { alarms, audit } = fixture();
  const f = computeAlarmFigures({ from: T0, to: T0 + H, alarms, audit, auditFrom: T0 - 7 * 24 * H, floodThreshold: 10 });

  it('counts activations in the range by sensor, type and priority', () => {
    expect(f.alarms).toBe(15);
    expect(f.by_priority).toEqual([
      { key: 'critical', count: 3 },
      { key: 'high', count: 1 },
      { key: 'medium', count: 0 },
      { key: 'low', count: 11 },
    ]);
    expect(f.by_type).toEqual([{ key: 'limit', count: 14 }, { key: 'spike', count: 1 }]);
    expect(f.by_sensor[0]).toEqual({ key: 's2', count: 3 });
    expect(f.by_sensor).toHaveLength(13);
  });

  it('measures time in alarm, time to acknowledge and time to return to normal', () => {
    // A 600 + B 30 + C 1800 + D 3600 + D2 3600 + G (11*600 - 30*55 = 4950)
    expect(f.time_in_alarm_s).toBe(14580);
    expect(f.acknowledged).toBe(1);
    expect(f.mtta_s).toBe(60);
    expect(f.returned_to_normal).toBe(4);
    expect(f.mttr_s).toBe(157.5);
  });

  it('ranks the bad actors and their share', () => {
    expect(f.bad_actors).toHaveLength(10);
    expect(f.bad_actors[0]).toMatchObject({ alarm_id: 'B', activations: 3, share_pct: 20, time_in_alarm_s: 30 });
    expect(f.bad_actors[1]).toMatchObject({ alarm_id: 'A', activations: 1, time_in_alarm_s: 600 });
    expect(f.kpis.top10_share_pct).toBe(80);
  });

  it('computes the EEMUA 191 KPIs', () => {
    expect(f.kpis.periods_10min).toBe(6);
    expect(f.kpis.avg_alarms_per_10min).toBe(2.5);
    expect(f.kpis.periods_in_flood).toBe(1);
    expect(f.kpis.flood_pct).toBe(16.67);
    expect(f.kpis.peak_10min).toBe(11);
    expect(f.kpis.priority_split_pct).toEqual({ critical: 20, high: 6.67, medium: 0, low: 73.33 });
    expect(f.kpis.chattering).toEqual([{ alarm_id: 'B', source_id: 's2', condition: 'limit', max_per_minute: 3, activations: 3 }]);
    expect(f.kpis.stale.map((s) => [s.alarm_id, s.active_hours])).toEqual([['D2', 721], ['D', 26]]);
    expect(f.kpis.shelve_actions).toBe(1);
    expect(f.kpis.shelved_at_end).toBe(1);
  });

  it('draws the trend in one-minute buckets over an hour', () => {
    expect(f.trend.bucket_s).toBe(60);
    expect(f.trend.points).toHaveLength(60);
    expect(f.trend.points[5].count).toBe(1);
    expect(f.trend.points[20].count).toBe(3);
    expect(f.trend.points.reduce((s, p) => s + p.count, 0)).toBe(15);
  });

  it('needs no audit history before the range: the first entry in it tells what was already active', () => {
    const short = computeAlarmFigures({ from: T0, to: T0 + H, alarms, audit, auditFrom: T0, floodThreshold: 10 });
    expect(short).toEqual(f);
  });

  it('gives empty figures for an empty range', () => {
    const e = computeAlarmFigures({ from: T0, to: T0 + H, alarms: [], audit: [], auditFrom: T0, floodThreshold: 10 });
    expect(e.alarms).toBe(0);
    expect(e.mtta_s).toBeNull();
    expect(e.kpis.avg_alarms_per_10min).toBe(0);
    expect(e.kpis.flood_pct).toBe(0);
  });
});

describe('maxInWindow', () => {
  it('finds the most events within a sliding minute', () => {
    expect(maxInWindow([0, 10_000, 59_999, 60_000, 61_000], 60_000)).toBe(4); // 10 s to 61 s
    expect(maxInWindow([0, 30_000, 59_999, 90_000], 60_000)).toBe(3);
    expect(maxInWindow([0, 60_000, 120_000], 60_000)).toBe(1);
    expect(maxInWindow([], 60_000)).toBe(0);
  });
});
