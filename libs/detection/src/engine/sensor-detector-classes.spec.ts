import { DETECTOR_NAMES, DetectorSettings } from './config';
import { EngineVerdict, SensorDetector, SensorState } from './sensor-detector';
import { EpisodeTracker } from './episode-tracker';
import { FIVE_MIN_MS, gaussian, HALF_HOUR_MS, MONDAY, smoothMachine, tsOf, weeklyRhythm } from './testing/signals';
import savedBeforeWeekly from './testing/state-saved-before-weekly.json';

function run(values: number[], stepMs: number, settings: DetectorSettings = {}): EngineVerdict[] {
  const d = new SensorDetector(settings);
  return values.map((v, i) => d.step(MONDAY + i * stepMs, v));
}
const anomalous = (v: EngineVerdict) => v.score >= 0.5;

describe('SensorDetector: weekly profile (seasonality found from the data)', () => {
  const WEEK = 7 * 48;
  const holiday = 4 * 7 + 2; // the Wednesday of week 5

  it('finds a weekday that behaves like a Sunday within 6 hours of its morning peak, and is quiet on weeks 3-5 before it', () => {
    for (const seed of [1, 2, 3]) {
      const verdicts = run(weeklyRhythm(6 * WEEK, seed, holiday), HALF_HOUR_MS);
      const start = holiday * 48;
      expect({ seed, before: verdicts.slice(2 * WEEK + 48, start).filter(anomalous).length }).toEqual({ seed, before: 0 });
      const first = verdicts.findIndex((v, i) => i >= start && anomalous(v));
      // The morning peak is at 08:30 (row 17 of the day); 6 hours after it at most.
      expect(first - start).toBeGreaterThanOrEqual(0);
      expect(first - start).toBeLessThanOrEqual(17 + 12);
      expect(verdicts[first].anomaly_type).toBe('pattern');
      expect(verdicts[first].evidence!.detail).toMatch(/time of week$/);
    }
  });

  it('keeps judging a signal without a weekly rhythm against its daily profile', () => {
    const daily = gaussian(6 * WEEK, 4, 0, 0.03).map((x, i) => 1000 * (1 + 0.5 * Math.sin((2 * Math.PI * (i % 48)) / 48)) * (1 + x));
    daily.fill(1000, 5 * WEEK + 10, 5 * WEEK + 34); // the cycle stops for half a day
    const verdicts = run(daily, HALF_HOUR_MS);
    const first = verdicts.findIndex((v, i) => i >= 5 * WEEK && anomalous(v));
    expect(first).toBeGreaterThanOrEqual(5 * WEEK + 10);
    expect(verdicts[first].evidence!.detail ?? '').not.toMatch(/time of week/);
    expect(verdicts.slice(2 * WEEK, 5 * WEEK).filter(anomalous)).toHaveLength(0);
  });
});

describe('SensorDetector: seasonal profiles on block means (a fast sensor)', () => {
  it('at one sample a minute, finds a day whose high fades away within an hour as pattern, quiet on the two days before', () => {
    const DAY = 1440;
    const from = 5 * DAY + 11 * 60; // day 6 from 11:00: the daily cycle fades out over an hour (no jump)
    const amplitude = (i: number) => (i < from || i >= from + 360 ? 1 : Math.max(0, 1 - (i - from) / 60));
    const x = gaussian(6 * DAY, 16, 0, 0.3).map((e, i) => 50 + amplitude(i) * 5 * Math.sin((2 * Math.PI * ((i % DAY) - 360)) / DAY) + e);
    const verdicts = run(x, 60_000);
    expect(verdicts.slice(3 * DAY, from).filter(anomalous)).toHaveLength(0);
    const first = verdicts.findIndex((v, i) => i >= from && anomalous(v));
    expect(first).toBeGreaterThanOrEqual(from);
    expect(first - from).toBeLessThanOrEqual(60);
    // The value-level charts follow the slow change; only the daily profile sees it.
    expect(verdicts[first].anomaly_type).toBe('pattern');
  });
});

describe('SensorDetector: robust start (wild values among the very first)', () => {
  it('a 60σ value at the second sample does not hide a 6σ spike right after the warm-up', () => {
    for (const at of [1, 2, 5]) {
      const x = gaussian(2000, 21);
      x[at] += 60;
      x[1500] += 6;
      const verdicts = run(x, 60_000);
      expect({ at, spike: anomalous(verdicts[1500]) }).toEqual({ at, spike: true });
      expect(verdicts.slice(1441, 1500).filter(anomalous)).toHaveLength(0);
    }
  });
});

describe('SensorDetector: irregular time steps', () => {
  it('does not report a rate of change across a gap of hours, and still does on regular steps', () => {
    const x = gaussian(3000, 12);
    const ts = x.map((_, i) => tsOf(i) + (i >= 2500 ? 6 * 3600_000 : 0)); // 6 hours missing before row 2500
    x[2500] += 3; // moved while nobody watched: 3σ over 6 hours is no jump
    const d = new SensorDetector({ enabled: Object.fromEntries(DETECTOR_NAMES.map((n) => [n, n === 'rate'])) });
    const verdicts = x.map((v, i) => d.step(ts[i], v));
    expect(verdicts[2500].score).toBe(0);
    x[2700] += 30;
    const d2 = new SensorDetector({ enabled: Object.fromEntries(DETECTOR_NAMES.map((n) => [n, n === 'rate'])) });
    expect(x.map((v, i) => d2.step(ts[i], v))[2700].anomaly_type).toBe('rate_of_change');
  });

  it('forgets over a gap as over the samples it missed: after two days without samples the baseline follows a new level at once', () => {
    const x = gaussian(2010, 13);
    const shifted = x.map((v, i) => (i >= 2000 ? v + 6 : v));
    const afterGap = new SensorDetector();
    const regular = new SensorDetector();
    shifted.forEach((v, i) => {
      afterGap.step(tsOf(i) + (i >= 2000 ? 2 * 86_400_000 : 0), v);
      regular.step(tsOf(i), v);
    });
    // Same samples; the two missed days count as time, so that baseline has moved most of the way to the
    // new level (56; a step per sample is clipped at 4.5σ), the other barely (half-life 6 h = 360 samples).
    expect(afterGap.snapshot().mean).toBeGreaterThan(53.5);
    expect(regular.snapshot().mean).toBeLessThan(51.5);
  });
});

describe('SensorDetector: count model (opt-in)', () => {
  /** Bursts at the start of every hour (5-minute samples), zero otherwise; from `stopAt` no bursts. */
  const counter = (n: number, seed: number, stopAt: number) =>
    gaussian(n, seed, 0, 0.5).map((x, i) => (i % 12 < 2 && i < stopAt ? Math.round(2e6 * Math.exp(x)) : 0));

  it('does not report ordinary bursts of a counter that is zero most of the time, and reports when they stop', () => {
    const stopAt = 2500;
    const verdicts = run(counter(3000, 5, stopAt), FIVE_MIN_MS, { countModel: true });
    expect(verdicts.slice(400, stopAt).filter(anomalous)).toHaveLength(0);
    const first = verdicts.findIndex((v, i) => i >= stopAt && anomalous(v));
    expect(first - stopAt).toBeGreaterThanOrEqual(0);
    expect(first - stopAt).toBeLessThanOrEqual(48);
    expect(verdicts[first].anomaly_type).toBe('stuck');
  });

  it('reports a burst far larger than the usual ones', () => {
    const values = counter(3000, 6, 3000);
    values[2400] = 2e6 * Math.exp(5);
    const verdicts = run(values, FIVE_MIN_MS, { countModel: true });
    expect(anomalous(verdicts[2400])).toBe(true);
  });
});

describe('SensorDetector: a line that idles between batches (stuck judged against its own idle stretches)', () => {
  /** One sample a minute: 20 minutes counting about 60 a minute, 70 minutes at exactly 0; from `stopAt` only 0. */
  const line = (n: number, seed: number, stopAt: number) => gaussian(n, seed, 60, 3).map((x, i) => (i % 90 < 20 && i < stopAt ? Math.round(x) : 0));

  it('does not call its ordinary idle stretches stuck, and reports a stop within twice its longest idle stretch', () => {
    const stopAt = 2700; // the start of a batch that never comes
    const verdicts = run(line(3200, 3, stopAt), 60_000);
    // After the 24 h warm-up, no stuck finding on any ordinary idle stretch.
    expect(verdicts.slice(1500, stopAt).filter((v) => anomalous(v) && v.anomaly_type === 'stuck')).toHaveLength(0);
    const first = verdicts.findIndex((v, i) => i >= stopAt && anomalous(v) && v.anomaly_type === 'stuck');
    // Idle since the end of the last batch (sample 2720 - 90 + 20): judged stuck once the run passes 2 × 70.
    expect(first).toBeGreaterThan(stopAt);
    expect(first - (stopAt - 70)).toBeLessThanOrEqual(2 * 70 + 5);
  });

  it('a state saved before the idle stretches were learned (no flatRunMax) loads and learns them', () => {
    const x = line(3200, 4, 3200);
    const a = new SensorDetector();
    for (let i = 0; i < 1600; i++) a.step(tsOf(i), x[i]);
    const saved = a.snapshot() as Partial<SensorState>;
    expect(saved.flatRunMax).toBeGreaterThanOrEqual(60);
    delete saved.flatRunMax;
    const b = new SensorDetector({}, saved as SensorState);
    expect(b.snapshot().flatRunMax).toBe(0);
    // It learns the idle stretch from the next one on; later stretches are not stuck.
    const verdicts = x.slice(1600).map((v, i) => b.step(tsOf(1600 + i), v));
    expect(verdicts.slice(200).filter((v) => anomalous(v) && v.anomaly_type === 'stuck')).toHaveLength(0);
    expect(b.snapshot().flatRunMax).toBeGreaterThanOrEqual(60);
  });
});

describe('SensorDetector: a batch counter at 1 Hz (its jumps at run boundaries are its normal behaviour)', () => {
  /**
   * Pieces per minute read once a second, as the PLC simulator's counters: 420 s at exactly 0 (it starts
   * idle), then a 180 s batch at about 60; from `stopAt` only 0. `big`: a batch that starts at this value.
   */
  const batches = (n: number, seed: number, stopAt: number, big = -1, step = 1) =>
    gaussian(n, seed, 60, 3).map((x, i) => (i === big ? 200 : i % 600 >= 420 && i < stopAt ? Math.max(0, step * Math.round(x / step)) : 0));
  const run1s = (values: number[]) => run(values, 1000);
  const WARMUP = 5000; // the 24 h warm-up, capped at 5000 samples
  const stopAt = 16 * 600 + 420; // the start of a batch that never comes

  it('is quiet on healthy batches after the warm-up (no rate of change at their edges, no spike), and reports a stop within twice its idle stretch', () => {
    // Whole pieces, and coarser readings (multiples of 5) whose first batch values repeat (a MAD of 0).
    for (const [seed, step] of [[1, 1], [2, 1], [3, 1], [1, 5], [2, 5]]) {
      const verdicts = run1s(batches(12_000, seed, stopAt, -1, step));
      expect({ seed, step, falseFindings: verdicts.slice(WARMUP, stopAt).filter(anomalous).map((v) => v.anomaly_type) }).toEqual({ seed, step, falseFindings: [] });
      const first = verdicts.findIndex((v, i) => i >= stopAt && anomalous(v));
      // Idle since stopAt - 420: judged stuck once the run passes 2 × 420 (the stated delay, 420 s after stopAt).
      expect(verdicts[first].anomaly_type).toBe('stuck');
      expect(first - stopAt).toBeLessThanOrEqual(420 + 5);
    }
  });

  it('judges an edge against the usual edge jumps: a batch that starts at over three times its usual size is reported', () => {
    const big = 14 * 600 + 420;
    const verdicts = run1s(batches(12_000, 4, 12_000, big));
    expect(verdicts.slice(WARMUP, big).filter(anomalous)).toHaveLength(0);
    expect(anomalous(verdicts[big])).toBe(true);
    // The ordinary edge right after it (back to about 60) is again no finding.
    expect(verdicts.slice(big + 2, big + 180).filter(anomalous).map((v) => v.anomaly_type)).not.toContain('rate_of_change');
  });

  it('a state saved before the step model existed loads with its defaults and learns the edges again', () => {
    const x = batches(12_000, 5, 12_000);
    const a = new SensorDetector();
    for (let i = 0; i < 6000; i++) a.step(1000 * i, x[i]);
    const saved = a.snapshot() as Partial<SensorState>;
    expect(saved.edgeN).toBeGreaterThan(10);
    expect(saved.activeMean).toBeGreaterThan(100);
    for (const key of ['idleLevel', 'edgeN', 'edgeMean', 'edgeVariance', 'activeRun', 'activeMean', 'returns', 'robustPending'] as const) delete saved[key];
    const b = new SensorDetector({}, JSON.parse(JSON.stringify(saved)) as SensorState);
    expect(b.snapshot()).toMatchObject({ idleLevel: null, edgeN: 0, activeMean: 0, robustPending: 0 });
    const verdicts = x.slice(6000).map((v, i) => b.step(1000 * (6000 + i), v));
    // Until it has seen a few edges it may report them; after two batches it is quiet again.
    expect(verdicts.slice(1200).filter(anomalous)).toHaveLength(0);
    // And the new state round-trips with identical verdicts.
    const c = new SensorDetector({}, JSON.parse(JSON.stringify(b.snapshot())) as SensorState);
    const d2 = new SensorDetector({}, b.snapshot());
    for (let i = 0; i < 1200; i++) expect(c.step(1000 * (12_000 + i), x[i])).toEqual(d2.step(1000 * (12_000 + i), x[i]));
  });
});

describe('SensorDetector: a smooth machine temperature with ordinary stops (CUSUM widened by a consistent autocorrelation)', () => {
  // Five-minute samples: stops on days 2.5, 4 and 5, a slow slide towards failure from day 6.
  const stops = [720, 1150, 1450];
  const slideAt = 1728;
  const signal = (seed: number) => smoothMachine(slideAt + 200, seed, stops, slideAt);

  it.each([1, 2, 3])('seed %i: no sustained-shift finding on the ordinary stops, and the slide found within 6 hours', (seed) => {
    const verdicts = run(signal(seed), FIVE_MIN_MS);
    // The stops are departures (drift) for the engine; the CUSUM, widened by the signal's own lag-1
    // autocorrelation, must not call one a sustained fall. Before, that autocorrelation was the
    // autocovariance over the baseline variance, which a stop widens at once: it collapsed during the
    // stop, and the CUSUM reported 5 or more sustained falls on each of these series.
    expect(verdicts.slice(300, slideAt).filter((v) => anomalous(v) && v.anomaly_type === 'level_shift')).toHaveLength(0);
    const found = verdicts.findIndex((v, i) => i >= slideAt && anomalous(v));
    expect(found).toBeGreaterThan(slideAt);
    expect(found - slideAt).toBeLessThanOrEqual(72);
  });

  it('round-trips its state (with the autocorrelation\'s own variance) through JSON with identical verdicts', () => {
    const x = signal(4);
    const a = new SensorDetector();
    for (let i = 0; i < 1200; i++) a.step(MONDAY + i * FIVE_MIN_MS, x[i]);
    const saved = a.snapshot();
    expect(saved.acovVariance).toBeGreaterThan(0);
    // A correlation: the autocovariance never exceeds the variance of the same deviations.
    expect(saved.acov).toBeLessThanOrEqual(saved.acovVariance);
    const b = new SensorDetector({}, JSON.parse(JSON.stringify(saved)) as SensorState);
    for (let i = 1200; i < x.length; i++) expect(b.step(MONDAY + i * FIVE_MIN_MS, x[i])).toEqual(a.step(MONDAY + i * FIVE_MIN_MS, x[i]));
  });

  it('a state saved before the field existed loads with the baseline variance in its place and continues', () => {
    const x = signal(5);
    const a = new SensorDetector();
    for (let i = 0; i < 1200; i++) a.step(MONDAY + i * FIVE_MIN_MS, x[i]);
    const old = a.snapshot() as Partial<SensorState>;
    delete old.acovVariance;
    const b = new SensorDetector({}, old as SensorState);
    expect(b.snapshot().acovVariance).toBe(old.variance);
    // As if it had been saved with that value, and it learns its own from there on.
    const c = new SensorDetector({}, { ...(old as SensorState), acovVariance: old.variance! });
    for (let i = 1200; i < x.length; i++) expect(b.step(MONDAY + i * FIVE_MIN_MS, x[i])).toEqual(c.step(MONDAY + i * FIVE_MIN_MS, x[i]));
    expect(b.snapshot().acovVariance).not.toBe(old.variance);
  });
});

describe('SensorDetector: a state saved by the previous version (flat daily profile, no weekly profile)', () => {
  const old = savedBeforeWeekly as unknown as SensorState & { dayMean: number[] };

  it('loads, keeps what the daily profile learned, and continues quietly', () => {
    expect(old.version).toBe(1);
    const d = new SensorDetector({}, old);
    const state = d.snapshot();
    expect(state.version).toBe(2);
    expect(state.day.mean).toEqual(old.dayMean);
    expect(state.mean).toBe(old.mean);
    expect('dayMean' in state).toBe(false);
    const x = gaussian(3000, 32);
    const verdicts = x.map((v, i) => d.step(tsOf(3000 + i), v));
    expect(verdicts.filter(anomalous)).toHaveLength(0);
  });

  it('round-trips the new state through JSON with identical verdicts', () => {
    const x = weeklyRhythm(5 * 7 * 48, 9, 4 * 7 + 1);
    const a = new SensorDetector();
    const half = 3 * 7 * 48;
    for (let i = 0; i < half; i++) a.step(MONDAY + i * HALF_HOUR_MS, x[i]);
    const b = new SensorDetector({}, JSON.parse(JSON.stringify(a.snapshot())));
    for (let i = half; i < x.length; i++) expect(b.step(MONDAY + i * HALF_HOUR_MS, x[i])).toEqual(a.step(MONDAY + i * HALF_HOUR_MS, x[i]));
  });
});

describe('SensorDetector: the score-only path', () => {
  it('update() + lastVerdict() give what step() gives, sample by sample (faults, limits, non-finite values included)', () => {
    const x = gaussian(4000, 14);
    x[3000] += 15;
    x[3100] = Number.NaN;
    for (let i = 3200; i < 4000; i++) x[i] += 3;
    const settings: DetectorSettings = { limits: { hi: 56, deadband: 1 } };
    const a = new SensorDetector(settings);
    const b = new SensorDetector(settings);
    x.forEach((v, i) => {
      const verdict = a.step(tsOf(i), v);
      const score = b.update(tsOf(i), v);
      expect(score).toBe(verdict.score);
      expect(b.lastVerdict()).toEqual(verdict);
      expect(b.lastCombined).toBe(verdict.combined);
      expect(Array.from(b.lastEvidence)).toEqual(Array.from(a.lastEvidence));
    });
  });

  it('EpisodeTracker.observe() opens, updates and closes episodes as step() does', () => {
    const x = gaussian(4000, 15);
    for (let i = 3000; i < 3050; i++) x[i] += 8;
    const a = new SensorDetector();
    const b = new SensorDetector();
    const ea = new EpisodeTracker(12);
    const eb = new EpisodeTracker(12);
    const changes: [unknown, unknown][] = [];
    x.forEach((v, i) => changes.push([ea.step(tsOf(i), a.step(tsOf(i), v)), eb.observe(tsOf(i), b, b.update(tsOf(i), v))]));
    for (const [viaStep, viaObserve] of changes) expect(viaObserve).toEqual(viaStep);
    expect(changes.filter(([c]) => c !== null).length).toBeGreaterThan(1);
  });
});
