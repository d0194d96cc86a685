import { expect, test } from 'vitest';
import type { AnomalyEpisode } from '@idm/contracts';
import { niceDomain, shapeChart } from './chart-data';

const T0 = Date.parse('2026-11-27T00:00:00Z');
const min = (n: number) => T0 + n * 60_000;
const bucket = (n: number, lo: number, hi: number, mean: number) => ({ t: min(n), min: lo, max: hi, mean });
const episode = (over: Partial<AnomalyEpisode>): AnomalyEpisode => ({
  id: 'e1',
  sensor_id: 'TT-1',
  timestamp: new Date(min(5)).toISOString(),
  anomaly_type: 'level_shift',
  resolved: true,
  active: false,
  score: 0.9,
  severity: 'high',
  evidence: { expected_lo: 0, expected_hi: 1, statistic: 9, threshold: 5 },
  end_timestamp: new Date(min(7)).toISOString(),
  samples: 3,
  alarm_id: null,
  ...over,
});

test('buckets become a min/max band with the mean, in time order, keeping the spikes', () => {
  const m = shapeChart({ from: min(0), to: min(10), buckets: [bucket(2, 9, 30, 11), bucket(1, 10, 12, 11)] });
  expect(m.points).toEqual([
    { t: min(1), band: [10, 12], mean: 11 },
    { t: min(2), band: [9, 30], mean: 11 },
  ]);
  expect(m.domain).toEqual([min(0), min(10)]);
});

test('live samples extend the history after its last bucket, without duplicates or points outside the range', () => {
  const m = shapeChart({
    from: min(0),
    to: min(10),
    buckets: [bucket(1, 10, 12, 11), bucket(2, 10, 12, 11)],
    live: [
      { t: min(1.5), value: 99 }, // covered by history: history wins
      { t: min(3), value: 13 },
      { t: min(3), value: 13 },
      { t: min(4), value: 14 },
      { t: min(11), value: 15 }, // after the range
    ],
  });
  expect(m.points.map((p) => [p.t, p.mean])).toEqual([
    [min(1), 11],
    [min(2), 11],
    [min(3), 13],
    [min(4), 14],
  ]);
  expect(m.points[2].band).toEqual([13, 13]);
});

test('a hole in the data breaks the line instead of bridging it', () => {
  const m = shapeChart({ from: min(0), to: min(30), buckets: [1, 2, 3, 4, 20, 21].map((n) => bucket(n, 1, 2, 1.5)) });
  const gap = m.points.find((p) => p.mean === null);
  expect(gap).toEqual({ t: min(5), band: null, mean: null });
  expect(m.points).toHaveLength(7);
});

test('anomaly episodes span first to last anomalous sample, clipped to the range, resolved or not', () => {
  const m = shapeChart({
    from: min(6),
    to: min(20),
    buckets: [],
    episodes: [
      episode({}),
      episode({ id: 'e2', timestamp: new Date(min(15)).toISOString(), end_timestamp: new Date(min(16)).toISOString(), resolved: false, severity: 'critical', anomaly_type: 'out_of_range' }),
      episode({ id: 'e3', timestamp: new Date(min(18)).toISOString(), end_timestamp: new Date(min(25)).toISOString(), resolved: false }),
      episode({ id: 'old', timestamp: new Date(min(1)).toISOString(), end_timestamp: new Date(min(2)).toISOString() }),
    ],
  });
  expect(m.episodes).toEqual([
    { id: 'e1', x1: min(6), x2: min(7), severity: 'high', label: 'level shift', open: false, active: false },
    { id: 'e2', x1: min(15), x2: min(16), severity: 'critical', label: 'out of range', open: true, active: false },
    { id: 'e3', x1: min(18), x2: min(20), severity: 'high', label: 'level shift', open: true, active: false },
  ]);
});

test('an episode still going on is shaded up to now (the live edge), not to its stored last sample', () => {
  const ongoing = episode({ id: 'live', timestamp: new Date(min(5)).toISOString(), end_timestamp: new Date(min(5)).toISOString(), samples: 1, resolved: false, active: true });
  // Live window: `to` is now.
  expect(shapeChart({ from: min(0), to: min(10), now: min(10), buckets: [], episodes: [ongoing] }).episodes).toEqual([
    { id: 'live', x1: min(5), x2: min(10), severity: 'high', label: 'level shift', open: true, active: true },
  ]);
  // A range reaching past now stops at now; a range in the past at its end.
  expect(shapeChart({ from: min(0), to: min(30), now: min(12), buckets: [], episodes: [ongoing] }).episodes[0].x2).toBe(min(12));
  expect(shapeChart({ from: min(0), to: min(8), now: min(12), buckets: [], episodes: [ongoing] }).episodes[0].x2).toBe(min(8));
  // Once closed, back to its stored end.
  expect(shapeChart({ from: min(0), to: min(10), now: min(10), buckets: [], episodes: [{ ...ongoing, active: false }] }).episodes[0].x2).toBe(min(5));
});

test('the value axis always shows the limit lines', () => {
  const m = shapeChart({ from: min(0), to: min(10), buckets: [bucket(1, 50, 60, 55)], limits: { lo: 20, hi: 80, hihi: 90 } });
  expect(m.limits.map((l) => l.label)).toEqual(['HH 90', 'H 80', 'L 20']);
  expect(m.yDomain[0]).toBeLessThan(20);
  expect(m.yDomain[1]).toBeGreaterThan(90);
});

test('the value axis runs between round numbers', () => {
  expect(niceDomain(48.33, 73.85)).toEqual([40, 80]);
  expect(niceDomain(0.12, 0.97)).toEqual([0, 1]);
  expect(niceDomain(-3.2, 11.7)).toEqual([-5, 15]);
});
