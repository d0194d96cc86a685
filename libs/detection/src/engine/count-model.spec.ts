import type { DetectorSettings } from './config';
import { EngineVerdict, EVIDENCE_INDEX, SensorDetector, SensorState } from './sensor-detector';
import { FIVE_MIN_MS, gaussian, MONDAY, rng } from './testing/signals';

/**
 * The count model's optional parts (`countActivity`, `countLevelCharts`, `countSticky`; off by default,
 * see README, detection quality): a count signal whose ordinary bursts come denser than usual.
 */
const anomalous = (v: EngineVerdict) => v.score >= 0.5;
const ts = (i: number) => MONDAY + i * FIVE_MIN_MS;

/**
 * A byte counter sampled every 5 minutes: zero except for independent bursts (probability 0.1 a sample) of
 * log-normal size; from `denseAt` for `denseFor` samples the same bursts come with probability `dense`.
 */
function counter(n: number, seed: number, denseAt = n, denseFor = 0, dense = 0.1): number[] {
  const r = rng(seed);
  const sizes = gaussian(n, seed + 100, 0, 0.5);
  return sizes.map((x, i) => (r() < (i >= denseAt && i < denseAt + denseFor ? dense : 0.1) ? Math.round(2e6 * Math.exp(x)) : 0));
}

/** Verdicts, and per sample the activity test's statistic / threshold (the noise slot; ≥ 1: a finding). */
function run(values: number[], settings: DetectorSettings, start?: SensorState, from = 0): { verdicts: EngineVerdict[]; activity: number[]; detector: SensorDetector } {
  const detector = new SensorDetector(settings, start);
  const activity: number[] = [];
  const verdicts = values.map((v, i) => {
    const verdict = detector.step(ts(from + i), v);
    activity.push(detector.lastEvidence[EVIDENCE_INDEX.noise]);
    return verdict;
  });
  return { verdicts, activity, detector };
}
const findings = (ratios: number[]) => ratios.filter((r) => r >= 1).length;

const ACTIVITY: DetectorSettings = { countModel: true, countActivity: true };
const ALL: DetectorSettings = { countModel: true, countActivity: true, countLevelCharts: false, countSticky: true };

describe('SensorDetector: count model, activity denser than usual (countActivity, opt-in)', () => {
  const denseAt = 2000;
  const denseFor = 36; // three hours

  it('reports ordinary bursts coming 8 times as often within 2 hours, as activity, and finds nothing on the clean part', () => {
    for (const seed of [1, 2, 3]) {
      const { verdicts, activity } = run(counter(2400, seed, denseAt, denseFor, 0.8), ACTIVITY);
      // After the 24 h warm-up (288 samples) no activity finding on the clean part.
      expect({ seed, clean: findings(activity.slice(300, denseAt)) }).toEqual({ seed, clean: 0 });
      const first = activity.findIndex((r, i) => i >= denseAt && r >= 1);
      expect(first).toBeGreaterThanOrEqual(denseAt);
      expect(first - denseAt).toBeLessThanOrEqual(24);
      const reported = verdicts.slice(denseAt, denseAt + denseFor).find((v) => anomalous(v) && v.anomaly_type === 'noise');
      expect(reported?.evidence?.detail).toMatch(/^active \d+\.\d× as often as usual$/);
    }
  });

  it('the count model alone does not see it: the bursts are of ordinary size', () => {
    const { verdicts } = run(counter(2400, 1, denseAt, denseFor, 0.8), { countModel: true });
    expect(verdicts.slice(denseAt, denseAt + denseFor).filter((v) => anomalous(v) && (v.anomaly_type === 'spike' || v.anomaly_type === 'noise'))).toHaveLength(0);
  });

  it('with every option on, finds nothing on the clean part and reports the denser activity', () => {
    const { verdicts, activity } = run(counter(2400, 2, denseAt, denseFor, 0.8), ALL);
    expect(findings(activity.slice(300, denseAt))).toBe(0);
    expect(verdicts.slice(denseAt, denseAt + 24).some((v) => anomalous(v) && v.anomaly_type === 'noise')).toBe(true);
  });
});

describe('SensorDetector: count model, level charts and stickiness (countLevelCharts, countSticky, opt-in)', () => {
  it('without the level charts, a count signal gets no drift or level-shift finding', () => {
    const values = counter(2400, 4, 2000, 36, 0.8);
    const evidenceOf = (settings: DetectorSettings, type: 'drift' | 'level_shift') => {
      const { verdicts } = run(values, settings);
      return verdicts.filter((v) => v.anomaly_type === type && v.score > 0).length;
    };
    expect(evidenceOf({ countModel: true }, 'drift')).toBeGreaterThan(0);
    expect(evidenceOf({ countModel: true, countLevelCharts: false }, 'drift')).toBe(0);
    expect(evidenceOf({ countModel: true, countLevelCharts: false }, 'level_shift')).toBe(0);
  });

  it('stays a count signal through hours of dense activity only when sticky', () => {
    // Half a day with bursts in 80 % of the samples: the zero rate falls below one half, not below a quarter.
    const values = counter(2400, 5, 2000, 144, 0.8);
    const drifts = (settings: DetectorSettings) => run(values, settings).verdicts.slice(2000, 2144).filter((v) => v.anomaly_type === 'drift' && v.score > 0).length;
    // Not sticky: the signal is handed back to the Gaussian charts (which were off for it) during the dense stretch.
    expect(drifts({ countModel: true, countLevelCharts: false })).toBeGreaterThan(0);
    expect(drifts({ countModel: true, countLevelCharts: false, countSticky: true })).toBe(0);
  });
});

describe('SensorDetector: count model options in saved states', () => {
  it('round-trips the state through JSON with identical verdicts', () => {
    const values = counter(2400, 6, 2000, 36, 0.8);
    const a = new SensorDetector(ALL);
    for (let i = 0; i < 1500; i++) a.step(ts(i), values[i]);
    const saved = JSON.parse(JSON.stringify(a.snapshot())) as SensorState;
    expect(typeof saved.activity).toBe('number');
    expect(saved.countSignal).toBe(1);
    const b = new SensorDetector(ALL, saved);
    for (let i = 1500; i < values.length; i++) expect(b.step(ts(i), values[i])).toEqual(a.step(ts(i), values[i]));
    expect(b.snapshot()).toEqual(a.snapshot());
  });

  it('a state saved without the options (or by the previous version) keeps its shape, loads with them on and learns them', () => {
    const values = counter(2400, 7, 2000, 36, 0.8);
    const { detector } = run(values.slice(0, 1500), { countModel: true });
    const saved = detector.snapshot();
    expect('activity' in saved).toBe(false);
    expect('countSignal' in saved).toBe(false);
    const { activity, detector: b } = run(values.slice(1500), ALL, JSON.parse(JSON.stringify(saved)) as SensorState, 1500);
    // The activity EWMA starts at 0 (below the usual share: no finding while it learns), then reports the dense stretch.
    expect(findings(activity.slice(0, 500))).toBe(0);
    expect(findings(activity.slice(500, 524))).toBeGreaterThan(0);
    expect(b.snapshot().countSignal).toBe(1);
  });
});
