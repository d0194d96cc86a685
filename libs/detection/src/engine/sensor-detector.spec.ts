import { DETECTOR_NAMES, DetectorName, DetectorSettings } from './config';
import { EngineVerdict, ewmaWidening, SensorDetector, sumWidening } from './sensor-detector';
import { cycling, Fault, gaussian, tsOf, withFault } from './testing/signals';

const N = 4000;
const AT = 3000; // fault start; warm-up at one sample a minute is 1440 samples (24 h)

function only(name: DetectorName, extra: DetectorSettings = {}): DetectorSettings {
  return { ...extra, enabled: Object.fromEntries(DETECTOR_NAMES.map((n) => [n, n === name])) };
}

function run(settings: DetectorSettings, values: number[]): EngineVerdict[] {
  const d = new SensorDetector(settings);
  return values.map((v, i) => d.step(tsOf(i), v));
}

/** Samples from the fault start to the first anomalous verdict (-1 if none), and false alarms before it. */
function outcome(verdicts: EngineVerdict[]) {
  const falseAlarms = verdicts.slice(0, AT).filter((v) => v.score >= 0.5).length;
  const first = verdicts.findIndex((v, i) => i >= AT && v.score >= 0.5);
  return { falseAlarms, delay: first < 0 ? -1 : first - AT, type: first < 0 ? null : verdicts[first].anomaly_type };
}

// Each detector alone, on a clean N(50, 1) signal that develops one fault at sample 1500.
const cases: { fault: Fault; detector: DetectorName; type: string; within: number }[] = [
  { fault: 'spike', detector: 'zscore', type: 'spike', within: 0 },
  { fault: 'spike', detector: 'rate', type: 'rate_of_change', within: 0 },
  { fault: 'step', detector: 'cusum', type: 'level_shift', within: 6 },
  { fault: 'step', detector: 'ewma', type: 'drift', within: 6 },
  { fault: 'drift', detector: 'ewma', type: 'drift', within: 80 }, // 0.02σ per sample
  { fault: 'drift', detector: 'cusum', type: 'level_shift', within: 80 },
  { fault: 'stuck', detector: 'stuck', type: 'stuck', within: 10 },
  { fault: 'noise', detector: 'noise', type: 'noise', within: 20 }, // σ × 4
];

describe('SensorDetector: each detector on synthetic faults', () => {
  for (const c of cases) {
    for (const seed of [7, 8, 9]) {
      it(`${c.detector} detects a ${c.fault} within ${c.within} samples and is quiet before it (seed ${seed})`, () => {
        const r = outcome(run(only(c.detector), withFault(c.fault, N, AT, seed)));
        expect(r.falseAlarms).toBe(0);
        expect(r.delay).toBeGreaterThanOrEqual(0);
        expect(r.delay).toBeLessThanOrEqual(c.within);
        expect(r.type).toBe(c.type);
      });
    }
  }

  it('the default detector set catches every fault within its stated delay, with no false alarm on the clean part', () => {
    for (const c of cases) {
      const r = outcome(run({}, withFault(c.fault, N, AT, 11)));
      expect({ fault: c.fault, falseAlarms: r.falseAlarms }).toEqual({ fault: c.fault, falseAlarms: 0 });
      expect(r.delay).toBeGreaterThanOrEqual(0);
      expect(r.delay).toBeLessThanOrEqual(c.within);
    }
  });

  it('stays quiet on a long clean signal (no anomaly in 20,000 samples)', () => {
    const verdicts = run({}, gaussian(20_000, 3));
    expect(verdicts.filter((v) => v.score >= 0.5)).toHaveLength(0);
  });

  it('run rules flag a 1.5σ shift within 9 samples (score is configurable; weak evidence by default)', () => {
    const x = gaussian(N, 5);
    for (let i = AT; i < N; i++) x[i] += 1.5;
    const strong = outcome(run(only('runRules', { runRuleScore: 0.6 }), x));
    expect(strong.delay).toBeGreaterThanOrEqual(0);
    expect(strong.delay).toBeLessThanOrEqual(9);
    expect(strong.type).toBe('run_rule');
    // Rule hits on the clean part happen (that is why they are weak evidence) but rarely.
    expect(strong.falseAlarms).toBeLessThan(AT * 0.02);
    const weak = run(only('runRules'), x);
    expect(Math.max(...weak.map((v) => v.score))).toBeCloseTo(0.3);
  });

  it('reports no statistical anomaly while warming up, however wild the values', () => {
    const d = new SensorDetector();
    const x = gaussian(1440, 2);
    x[300] = 1e6;
    const verdicts = x.map((v, i) => d.step(tsOf(i), v));
    expect(verdicts.every((v) => v.score === 0)).toBe(true);
  });

  it('flags out-of-physical-range values at once, even while warming up', () => {
    const d = new SensorDetector({ physicalMin: 0, physicalMax: 100 });
    expect(d.step(tsOf(0), 50).score).toBe(0);
    const v = d.step(tsOf(1), 150);
    expect(v).toMatchObject({ score: 1, anomaly_type: 'out_of_range', evidence: { threshold: 100, statistic: 150 } });
    expect(d.step(tsOf(2), -1).anomaly_type).toBe('out_of_range');
  });

  it('applies static limits with deadband: active from the limit, cleared only past limit − deadband', () => {
    const d = new SensorDetector({ limits: { hi: 55, hihi: 60, lo: 40, deadband: 2 }, enabled: { zscore: false, rate: false, ewma: false, cusum: false, noise: false, runRules: false, stuck: false } });
    const seq = [50, 56, 54, 53.5, 52.9, 61, 59, 39, 41, 42.5];
    const got = seq.map((v, i) => {
      const r = d.step(tsOf(i), v);
      return r.anomaly_type ? `${r.evidence!.detail}` : 'normal';
    });
    expect(got).toEqual([
      'normal',
      'hi limit 55 crossed',
      'hi limit 55 crossed', // inside the deadband
      'hi limit 55 crossed',
      'normal', // below 55 − 2
      'hihi limit 60 crossed',
      'hihi limit 60 crossed',
      'lo limit 40 crossed',
      'lo limit 40 crossed',
      'normal',
    ]);
  });

  it('gives evidence: expected range around the baseline, the statistic and its threshold', () => {
    const v = run({}, withFault('spike', N, AT, 7))[AT];
    expect(v.anomaly_type).toBe('spike');
    const e = v.evidence!;
    expect(e.threshold).toBe(4.5);
    expect(e.statistic).toBeGreaterThan(8);
    // 50 ± 4.5σ with σ ≈ 1
    expect(e.expected_lo!).toBeGreaterThan(44.5);
    expect(e.expected_lo!).toBeLessThan(46.5);
    expect(e.expected_hi!).toBeGreaterThan(53.5);
    expect(e.expected_hi!).toBeLessThan(55.5);
    expect(v.score).toBeGreaterThan(0.5);
    expect(v.score).toBeLessThan(1);
  });

  it('treats a sensor that is constant from the start (an idle setpoint) as normal, not stuck', () => {
    const x = new Array(5000).fill(0);
    const verdicts = run(only('stuck'), x);
    expect(verdicts.filter((v) => v.score >= 0.5)).toHaveLength(0);
  });
});

describe('SensorDetector: signals whose successive samples are alike (a cycling process value)', () => {
  const SECOND = 1000;
  const hours = (h: number) => h * 3600;
  /** Verdicts at one sample a second (warm-up: 5000 samples). */
  const runAt1s = (values: number[]) => {
    const d = new SensorDetector();
    return values.map((v, i) => d.step(Date.UTC(2026, 0, 1) + i * SECOND, v));
  };

  it('widens the EWMA and CUSUM charts by the lag-1 autocorrelation: not at all for independent samples, fully for a slow cycle', () => {
    expect(ewmaWidening(0, 0.1)).toBe(1);
    expect(sumWidening(0)).toBe(1);
    // As ρ → 1 the EWMA's spread is the signal's own: λ/(2−λ) · (2−λ)/λ = 1.
    expect(ewmaWidening(1, 0.1)).toBeCloseTo((2 - 0.1) / 0.1, 10);
    expect(ewmaWidening(0.9, 0.1)).toBeGreaterThan(ewmaWidening(0.5, 0.1));
    expect(sumWidening(0.5)).toBeCloseTo(3, 10);
  });

  it('raises nothing on a loop oscillating ±5 with a 10-minute period and 0.2 noise, over 8 hours at 1 s', () => {
    for (const seed of [1, 2, 3]) {
      const verdicts = runAt1s(cycling(hours(8), seed));
      expect({ seed, anomalies: verdicts.filter((v) => v.score >= 0.5).length }).toEqual({ seed, anomalies: 0 });
    }
  });

  it('learns the autocorrelation quickly for a state saved before it existed (an upgrade), then stays quiet', () => {
    const values = cycling(hours(6), 7);
    const t = (i: number) => Date.UTC(2026, 0, 1) + i * SECOND;
    // Three hours with the charts as they were (a state with no autocorrelation fields, as an older IDM saved it).
    const before = new SensorDetector();
    for (let i = 0; i < hours(3); i++) before.step(t(i), values[i]);
    const old = before.snapshot() as unknown as Record<string, unknown>;
    for (const k of ['acov', 'prevDev', 'acovN', 'dayAcov', 'dayPrevResidual']) delete old[k];
    const upgraded = new SensorDetector({}, old as unknown as ReturnType<SensorDetector['snapshot']>);
    const verdicts = values.slice(hours(3)).map((v, j) => upgraded.step(t(hours(3) + j), v));
    // A few minutes to learn, then nothing for the remaining hours.
    expect(verdicts.slice(300).filter((v) => v.score >= 0.5)).toHaveLength(0);
  });

  it('still catches a step, a drift and a stuck transmitter on that loop', () => {
    const at = hours(3);
    const n = at + 1200;
    const first = (values: number[]) => runAt1s(values).findIndex((v, i) => i >= at && v.score >= 0.5) - at;
    const step = cycling(n, 4).map((v, i) => (i >= at ? v + 7 : v));
    const drift = cycling(n, 5).map((v, i) => (i >= at ? v + (3.5 * (i - at)) / 60 : v)); // 3.5 units a minute
    const stuck = cycling(n, 6).map((v, i, all) => (i >= at ? all[at] : v));
    expect(first(step)).toBeGreaterThanOrEqual(0);
    expect(first(step)).toBeLessThanOrEqual(2);
    expect(first(drift)).toBeGreaterThanOrEqual(0);
    expect(first(drift)).toBeLessThanOrEqual(360);
    expect(first(stuck)).toBeGreaterThanOrEqual(0);
    expect(first(stuck)).toBeLessThanOrEqual(15);
  });
});

describe('SensorDetector: state', () => {
  it('round-trips through JSON mid-stream with identical subsequent verdicts', () => {
    const x = withFault('step', 4000, 3000, 21);
    const settings: DetectorSettings = { limits: { hi: 53, deadband: 1 } };
    const a = new SensorDetector(settings);
    for (let i = 0; i < 2000; i++) a.step(tsOf(i), x[i]);
    const restored = new SensorDetector(settings, JSON.parse(JSON.stringify(a.snapshot())));
    for (let i = 2000; i < 4000; i++) expect(restored.step(tsOf(i), x[i])).toEqual(a.step(tsOf(i), x[i]));
  });

  it('keeps bounded memory: the state does not grow with the number of samples', () => {
    const d = new SensorDetector();
    const week = 7 * 1440;
    const x = gaussian(6 * week, 6);
    const filled = 3 * week + 1440; // every daily- and weekly-profile bin at its full count
    x.slice(0, filled).forEach((v, i) => d.step(tsOf(i), v));
    const small = JSON.stringify(d.snapshot()).length;
    x.slice(filled).forEach((v, i) => d.step(tsOf(i + filled), v));
    expect(JSON.stringify(d.snapshot()).length).toBeLessThanOrEqual(small + 50); // digits only
  });

  it('ignores non-finite values without touching its state', () => {
    const d = new SensorDetector();
    d.step(tsOf(0), 1);
    const before = d.snapshot();
    expect(d.step(tsOf(1), Number.NaN)).toEqual({ score: 0, anomaly_type: null, evidence: null, combined: 0 });
    expect(d.snapshot()).toEqual(before);
  });
});
