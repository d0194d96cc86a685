import { computeSensorStats, quantile } from './sensor-stats';

describe('computeSensorStats', () => {
  it('combines rollup buckets into exact mean, std, min, max and bucket-mean percentiles', () => {
    const rows = computeSensorStats(
      [
        // samples 1, 2
        { sensor_id: 's1', start: 0, count: 2, sum: 3, sum_sq: 5, min: 1, max: 2, anomaly_count: 0 },
        // samples 3, 4, 5
        { sensor_id: 's1', start: 60_000, count: 3, sum: 12, sum_sq: 50, min: 3, max: 5, anomaly_count: 2 },
      ],
      [{ sensor_id: 's1', unit: 'bar' }, { sensor_id: 's9', unit: 'degC' }],
    );
    expect(rows[0]).toEqual({
      sensor_id: 's1', unit: 'bar', samples: 5, mean: 3, std: 1.581139, min: 1, max: 5,
      p05: 1.625, p50: 2.75, p95: 3.875, anomalous_samples: 2,
    });
    expect(rows[1]).toMatchObject({ sensor_id: 's9', samples: 0, mean: null, std: null });
  });

  it('interpolates quantiles like NumPy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10], 0.95)).toBe(10);
  });
});
