import type { AnomalyEpisode } from '@idm/contracts';
import { decodeCursor, encodeCursor, episodesToCsv } from './history-format';

describe('history cursor and CSV', () => {
  it('round-trips a cursor and rejects anything else', () => {
    const c = encodeCursor(1767225600000, 'TT-101|1767225600000');
    expect(decodeCursor(c)).toEqual({ timestampMs: 1767225600000, id: 'TT-101|1767225600000' });
    expect(decodeCursor('not-a-cursor')).toBeNull();
    expect(decodeCursor(Buffer.from('{"$gt":1}').toString('base64url'))).toBeNull();
  });

  it('writes one row per episode with quoting and no formula injection', () => {
    const e: AnomalyEpisode = {
      id: 'a|1',
      sensor_id: 'TT-1',
      area: '=cmd',
      timestamp: '2026-01-01T00:00:00.000Z',
      end_timestamp: '2026-01-01T00:01:00.000Z',
      anomaly_type: 'spike',
      resolved: true,
      active: false,
      score: 0.75,
      severity: 'medium',
      samples: 2,
      evidence: { expected_lo: -1, expected_hi: 1, statistic: 6, threshold: 5, detail: 'z = 6, "high"' },
      alarm_id: 'sensor:TT-1|spike',
    };
    const lines = episodesToCsv([e]).trim().split('\r\n');
    expect(lines[0]).toBe('id,sensor_id,area,timestamp,end_timestamp,anomaly_type,severity,score,resolved,samples,expected_lo,expected_hi,statistic,threshold,detail,alarm_id,active');
    expect(lines[1]).toBe(`a|1,TT-1,'=cmd,2026-01-01T00:00:00.000Z,2026-01-01T00:01:00.000Z,spike,medium,0.75,true,2,-1,1,6,5,"z = 6, ""high""",sensor:TT-1|spike,false`);
  });
});
