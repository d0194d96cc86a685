import { MultivariateDetector, MultivariateVerdict } from './multivariate-detector';

/** Deterministic PRNG (mulberry32) and a standard normal from it. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

const IDS = ['flow', 'pressure', 'current', 'temperature'];

/**
 * A pump: a common load drives flow, pressure and current together (pressure against flow); temperature
 * wanders on its own. `broken` makes pressure follow the load the wrong way round, with every value still
 * inside its healthy range.
 */
function plant(seed: number) {
  const n = rng(seed);
  let load = 0;
  let temp = 0;
  return (broken = false): number[] => {
    load = 0.98 * load + 0.2 * n();
    temp = 0.95 * temp + 0.3 * n();
    const l = Math.max(-1, Math.min(1, load));
    return [50 + 10 * l + 0.3 * n(), 4 + (broken ? 1 : -1) * 0.8 * l + 0.03 * n(), 12 + 2 * l + 0.08 * n(), 60 + temp];
  };
}

function run(d: MultivariateDetector, rows: number[][], t0 = 0): MultivariateVerdict[] {
  return rows.map((r, i) => d.update((t0 + i) * 1000, r));
}

describe('MultivariateDetector', () => {
  const TRAIN = 400;

  function healthyRows(sample: (broken?: boolean) => number[], count: number): number[][] {
    return Array.from({ length: count }, () => sample());
  }

  it('stays quiet on healthy correlated data', () => {
    const sample = plant(1);
    const d = new MultivariateDetector(IDS, { trainSamples: TRAIN });
    const verdicts = run(d, healthyRows(sample, TRAIN + 5000));
    expect(verdicts.slice(0, TRAIN).every((v) => v.status === 'training')).toBe(true);
    const scored = verdicts.slice(TRAIN);
    expect(scored.every((v) => v.status === 'scored')).toBe(true);
    const alarms = scored.filter((v) => v.anomaly).length;
    expect(alarms / scored.length).toBeLessThan(0.01);
  });

  it('detects a break of correlation with every sensor inside its normal range, and names the sensor', () => {
    const sample = plant(2);
    const d = new MultivariateDetector(IDS, { trainSamples: TRAIN });
    const train = healthyRows(sample, TRAIN + 1000);
    const ranges = IDS.map((_, i) => [Math.min(...train.map((r) => r[i])), Math.max(...train.map((r) => r[i]))]);
    run(d, train);
    const broken = Array.from({ length: 300 }, () => sample(true));
    // Every single value of the faulty stretch lies inside what that sensor did while healthy.
    const inRange = broken.filter((r) => r.every((v, i) => v >= ranges[i][0] && v <= ranges[i][1]));
    expect(inRange.length).toBeGreaterThan(250);
    const verdicts = run(d, inRange, TRAIN + 1000);
    const flagged = verdicts.filter((v) => v.anomaly);
    expect(flagged.length / verdicts.length).toBeGreaterThan(0.5);
    const top = flagged.map((v) => v.contributions[0].sensorId);
    const counts = IDS.map((id) => top.filter((t) => t === id).length);
    expect(IDS[counts.indexOf(Math.max(...counts))]).toBe('pressure');
    // Temperature has nothing to do with it.
    const temperatureShare = flagged.reduce((a, v) => a + v.contributions.find((c) => c.sensorId === 'temperature')!.share, 0) / flagged.length;
    expect(temperatureShare).toBeLessThan(0.2);
    const shares = flagged[flagged.length - 1].contributions.reduce((a, c) => a + c.share, 0);
    expect(shares).toBeCloseTo(1, 9);
  });

  it('is not fooled by one sensor alone leaving its range: the asset statistic still names it', () => {
    const sample = plant(3);
    const d = new MultivariateDetector(IDS, { trainSamples: TRAIN });
    run(d, healthyRows(sample, TRAIN + 500));
    const verdicts = run(
      d,
      Array.from({ length: 50 }, () => {
        const r = sample();
        r[3] += 15;
        return r;
      }),
      TRAIN + 500,
    );
    const last = verdicts[verdicts.length - 1];
    expect(last.anomaly).toBe(true);
    expect(last.contributions[0].sensorId).toBe('temperature');
  });

  it('round-trips its state with identical verdicts afterwards', () => {
    const sample = plant(4);
    const rows = healthyRows(sample, TRAIN + 700).concat(Array.from({ length: 200 }, () => sample(true)));
    const a = new MultivariateDetector(IDS, { trainSamples: TRAIN, refitEvery: 37 });
    run(a, rows.slice(0, TRAIN + 333));
    const b = MultivariateDetector.fromState(JSON.parse(JSON.stringify(a.toState())));
    const rest = rows.slice(TRAIN + 333);
    expect(run(b, rest, TRAIN + 333)).toEqual(run(a, rest, TRAIN + 333));
    // Also mid-training.
    const c = new MultivariateDetector(IDS, { trainSamples: TRAIN });
    run(c, rows.slice(0, 100));
    const c2 = MultivariateDetector.fromState(JSON.parse(JSON.stringify(c.toState())));
    expect(run(c2, rows.slice(100), 100)).toEqual(run(c, rows.slice(100), 100));
    expect(() => MultivariateDetector.fromState({ ...a.toState(), version: 9 } as never)).toThrow(/version 9/);
  });

  it('reports a missing sensor instead of scoring on a stale value, and holds values within maxHoldMs', () => {
    const sample = plant(5);
    const d = new MultivariateDetector(IDS, { trainSamples: TRAIN, maxHoldMs: 2500 });
    run(d, healthyRows(sample, TRAIN + 100));
    let t = (TRAIN + 100) * 1000;
    const row = sample();
    // Current arrives late: its last value is held for up to 2.5 s.
    const held = d.update(t, [row[0], row[1], null, row[3]]);
    expect(held.status).toBe('scored');
    t += 1000;
    expect(d.update(t, [row[0], row[1], null, row[3]]).status).toBe('scored');
    t += 1000;
    const v = d.update(t, [row[0], row[1], NaN, row[3]]);
    expect(v.status).toBe('missing');
    expect(v.missing).toEqual(['current']);
    expect(v.anomaly).toBe(false);
    // Sensors reported one by one on the asset's clock.
    IDS.forEach((id, i) => d.observe(id, t + 300 + i * 100, row[i]));
    expect(d.tick(t + 1000).status).toBe('scored');
    expect(d.tick(t + 1000).missing).toEqual([]);
  });

  it('never scores before its first complete vector, and refuses bad definitions', () => {
    const d = new MultivariateDetector(IDS);
    d.observe('flow', 0, 1);
    expect(d.tick(0)).toMatchObject({ status: 'missing', missing: ['pressure', 'current', 'temperature'] });
    expect(() => new MultivariateDetector(['a'])).toThrow(/at least 2/);
    expect(() => new MultivariateDetector(['a', 'a'])).toThrow(/distinct/);
    expect(() => new MultivariateDetector(['a', 'b'], { explainedVariance: 1 })).toThrow(/explainedVariance/);
  });

  it('says how far training has come, and nothing once fitted', () => {
    const sample = plant(7);
    const d = new MultivariateDetector(IDS, { trainSamples: TRAIN });
    expect(d.trainingProgress).toEqual({ samples: 0, needed: TRAIN });
    run(d, healthyRows(sample, 150));
    expect(d.trainingProgress).toEqual({ samples: 150, needed: TRAIN });
    // A row with a sensor missing is not learned.
    d.tick(10_000_000);
    expect(d.trainingProgress).toEqual({ samples: 150, needed: TRAIN });
    run(d, healthyRows(sample, TRAIN - 150), 10_000);
    expect(d.trained).toBe(true);
    expect(d.trainingProgress).toBeNull();
  });

  it('keeps its state bounded: no training rows once trained, k² numbers after', () => {
    const sample = plant(6);
    const d = new MultivariateDetector(IDS, { trainSamples: TRAIN });
    run(d, healthyRows(sample, TRAIN + 2000));
    const st = d.toState();
    expect(st.train).toEqual([]);
    expect(JSON.stringify(st).length).toBeLessThan(4000);
  });
});

describe('MultivariateDetector, mewma model', () => {
  const TRAIN = 400;
  const MEWMA = { model: 'mewma', thresholdSigma: 3, smoothing: 0.1 } as const;

  /**
   * A pump like SKAB's: a flow transmitter quantised in whole units (mostly 32, now and then 31 or 33),
   * a noisy current, and a temperature that wanders on its own. `shift` moves the flow's share of low
   * readings: a valve closing a little, each reading still one the healthy pump gives.
   */
  function quantisedPump(seed: number) {
    const n = rng(seed);
    let temp = 0;
    return (shift = 0): number[] => {
      temp = 0.995 * temp + 0.05 * n();
      const flow = Math.round(32 + 0.45 * n() - shift);
      return [flow + 0.03 * n(), 1 + 0.27 * n(), 68 + temp];
    };
  }

  it('finds a small lasting shift of a quantised sensor, which the pca model misses, and stays quiet before it', () => {
    const flagged = (model: 'pca' | 'mewma') => {
      const sample = quantisedPump(8);
      const d = new MultivariateDetector(['flow', 'current', 'temperature'], model === 'mewma' ? MEWMA : {});
      const healthy = run(d, Array.from({ length: TRAIN + 600 }, () => sample()));
      const shifted = run(d, Array.from({ length: 300 }, () => sample(0.6)), TRAIN + 600);
      return { falseAlarms: healthy.filter((v) => v.anomaly).length, found: shifted.filter((v) => v.anomaly).length / shifted.length, top: shifted[shifted.length - 1].contributions[0].sensorId };
    };
    const mewma = flagged('mewma');
    expect(mewma.falseAlarms).toBe(0);
    expect(mewma.found).toBeGreaterThan(0.8);
    expect(mewma.top).toBe('flow');
    expect(flagged('pca').found).toBeLessThan(0.2);
  });

  it('detects the correlation break of the pump with the sensor named', () => {
    const sample = plant(3);
    const d = new MultivariateDetector(IDS, { ...MEWMA, trainSamples: TRAIN });
    run(d, Array.from({ length: TRAIN + 3000 }, () => sample()));
    const broken = run(d, Array.from({ length: 300 }, () => sample(true)), TRAIN + 3000);
    const flagged = broken.filter((v) => v.anomaly);
    expect(flagged.length / broken.length).toBeGreaterThan(0.5);
    expect(flagged[flagged.length - 1].contributions[0].sensorId).toBe('pressure');
    expect(flagged[flagged.length - 1].speLimit).toBeNull();
  });

  it('round-trips its state, and loads a version-1 state as the pca model it was', () => {
    const sample = plant(4);
    const rows = Array.from({ length: TRAIN + 700 }, () => sample()).concat(Array.from({ length: 200 }, () => sample(true)));
    const a = new MultivariateDetector(IDS, { ...MEWMA, trainSamples: TRAIN, refitEvery: 37 });
    run(a, rows.slice(0, TRAIN + 333));
    const b = MultivariateDetector.fromState(JSON.parse(JSON.stringify(a.toState())));
    expect(run(b, rows.slice(TRAIN + 333), TRAIN + 333)).toEqual(run(a, rows.slice(TRAIN + 333), TRAIN + 333));

    const p = new MultivariateDetector(IDS, { trainSamples: TRAIN });
    run(p, rows.slice(0, TRAIN + 333));
    const { wander: _w, shrinkage: _s, settings, ...rest } = p.toState();
    const { model: _m, ...oldSettings } = settings;
    const v1 = JSON.parse(JSON.stringify({ ...rest, version: 1, settings: oldSettings }));
    const restored = MultivariateDetector.fromState(v1);
    expect(restored.toState().settings.model).toBe('pca');
    expect(run(restored, rows.slice(TRAIN + 333), TRAIN + 333)).toEqual(run(p, rows.slice(TRAIN + 333), TRAIN + 333));
    expect(() => new MultivariateDetector(IDS, { model: 'lstm' as never })).toThrow(/model/);
  });
});
