import type { AnomalyEpisode } from '@idm/contracts';
import { describe, expect, it } from 'vitest';
import { episodeBands, RATIO_FLOOR, shapeHealth, topContributors } from './asset-chart';

const T = 1_700_000_000_000;
const episode = (over: Partial<AnomalyEpisode>): AnomalyEpisode => ({
  id: 'e1', sensor_id: 'asset:pump-1', timestamp: new Date(T + 60_000).toISOString(), anomaly_type: 'multivariate', resolved: false, score: 0.9, severity: 'high',
  evidence: { expected_lo: null, expected_hi: null, statistic: 5, threshold: 1, detail: '', contributions: [{ sensor_id: 'FT-1', share: 0.3 }, { sensor_id: 'PT-1', share: 0.55 }] },
  end_timestamp: new Date(T + 120_000).toISOString(), samples: 60, active: false, alarm_id: null, asset_id: 'pump-1', ...over,
});

describe('asset health chart', () => {
  it('floors quiet ratios for the log axis, keeps gaps, and tops the axis at a power of ten over the peak', () => {
    const m = shapeHealth(
      [
        { t: T, ratio: null, state: 'training' },
        { t: T + 10_000, ratio: null, state: 'training' },
        { t: T + 20_000, ratio: 0.001, state: 'scored' },
        { t: T + 30_000, ratio: 37, state: 'scored' },
        { t: T + 40_000, ratio: null, state: 'missing' },
      ],
      [],
      T,
      T + 60_000,
      T + 60_000,
      10_000,
    );
    expect(m.points.map((p) => p.ratio)).toEqual([null, null, RATIO_FLOOR, 37, null]);
    expect(m.yDomain).toEqual([RATIO_FLOOR, 100]);
    expect(m.unscored).toEqual([
      { x1: T, x2: T + 20_000, state: 'training' },
      { x1: T + 40_000, x2: T + 50_000, state: 'missing' },
    ]);
    expect(shapeHealth([{ t: T, ratio: 0.5, state: 'scored' }], [], T, T + 1, T + 1, 10_000).yDomain).toEqual([RATIO_FLOOR, 10]);
  });

  it('shades episodes from start to end, an active one to now, clipped to the range', () => {
    expect(episodeBands([episode({})], T, T + 90_000, T + 200_000)).toEqual([{ id: 'e1', x1: T + 60_000, x2: T + 90_000, active: false }]);
    expect(episodeBands([episode({ active: true })], T, T + 300_000, T + 200_000)).toEqual([{ id: 'e1', x1: T + 60_000, x2: T + 200_000, active: true }]);
    expect(episodeBands([episode({})], T + 130_000, T + 300_000, T + 300_000)).toEqual([]);
  });

  it('names the contributing sensors, largest share first, in percent', () => {
    expect(topContributors(episode({}))).toEqual([{ sensor_id: 'PT-1', percent: 55 }, { sensor_id: 'FT-1', percent: 30 }]);
  });
});
