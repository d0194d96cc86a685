import { resolveConfig } from './config';
import { safeBelow } from './cycle-profile';
import { DetectorBank, EVIDENCE_INDEX, firstNAtMost, fixedRatio, SensorDetector, SensorState } from './sensor-detector';

/** The largest double below x (x finite, not 0). */
function nextDown(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, x > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}

/**
 * The detector skips work per sample only where the skipped arithmetic cannot change a number: these
 * pin the claims the shortcuts rest on, for settings the verdict digests (`verdict-identity.spec.ts`,
 * default settings) do not cover.
 */
describe('exact shortcuts of the per-sample path', () => {
  it('firstNAtMost: from that n on, and only from there, max(alpha, 1/n) is alpha', () => {
    const alphas = [0.5, 0.3, 0.1, 1 / 3, 0.01, 0.002, 1e-4, 1 / 4000, 0.0007];
    for (const p of [100, 1000, 10_000, 60_000, 300_000]) alphas.push(resolveConfig(p, {}).alpha, resolveConfig(p, {}).alpha / 4);
    let seed = 7;
    for (let i = 0; i < 40; i++) {
      seed = (seed * 48271) % 2147483647;
      alphas.push(Math.pow(10, -1 - (4 * seed) / 2147483647));
    }
    for (const alpha of alphas) {
      const first = firstNAtMost(alpha);
      expect(Number.isInteger(first)).toBe(true);
      for (let n = Math.max(1, first - 50); n <= first + 50; n++) {
        if ((Math.max(alpha, 1 / n) === alpha) !== n >= first) throw new Error(`alpha ${alpha}: n ${n}, first ${first}`);
      }
    }
    expect(firstNAtMost(0)).toBe(Infinity);
    expect(firstNAtMost(1)).toBe(1);
  });

  it('holds the run rules zone codes of every kind through a snapshot, oldest first', () => {
    const zones = [-4, -3, -2, -1, 1, 2, 3, 4, -4];
    const saved: SensorState = { ...new SensorDetector().snapshot(), zones };
    expect(new SensorDetector({}, saved).snapshot().zones).toEqual(zones);
    // A state holding fewer than the run rules' memory, and one holding more (only the newest are kept).
    expect(new SensorDetector({}, { ...saved, zones: [3, -2] }).snapshot().zones).toEqual([3, -2]);
    expect(new SensorDetector({}, { ...saved, zones: [1, 1, ...zones] }).snapshot().zones).toEqual(zones);
  });

  it('counts the held zones in the run rules windows as the codes say (9 on one side is a run)', () => {
    // Learned on a steady signal, then nine loaded codes just above the mean: one more sample above is the tenth.
    const d = new SensorDetector();
    const t0 = Date.UTC(2026, 0, 5);
    for (let i = 0; i < 3000; i++) d.update(t0 + i * 60_000, 10 + ((i * 7919) % 13) / 13);
    const state = d.snapshot();
    const above = new SensorDetector({}, { ...state, zones: [1, 1, 1, 1, 1, 1, 1, 1, 1] });
    const mixed = new SensorDetector({}, { ...state, zones: [1, 1, 1, 1, -1, 1, 1, 1, 1] });
    const ts = t0 + 3000 * 60_000;
    const v = state.mean + 0.1 * Math.sqrt(state.variance);
    expect(above.step(ts, v).evidence?.detail ?? '').toContain('9 in a row');
    expect(mixed.step(ts, v).anomaly_type).not.toBe('run_rule');
  });

  it('safeBelow: every time below the bound is in bucket k or an earlier one, so the cycle model skips the division', () => {
    // Bucket widths as CycleProfile.for builds them (whole samples of the period: fractional periods too).
    const widths = [10_000, 9_000, 10_002, 7.5 * 1333, (10_000 / 3) * 3, 1000 * (1 / 3) * 30, 0.1 * 99_999, 12_345.678];
    const ks = [0, 1, -1, -2, 12, 177_777_777, 180_000_000, 2 ** 31, 2 ** 39, 2 ** 40 - 2, -(2 ** 40) + 2, 3 ** 25];
    let seed = 11;
    for (let i = 0; i < 200; i++) {
      seed = (seed * 48271) % 2147483647;
      ks.push(Math.floor((seed / 2147483647) * 2 ** 40) * (i % 2 ? 1 : -1));
    }
    for (const b of widths) {
      for (const k of ks) {
        const bound = safeBelow(k, b);
        if (bound === -Infinity) throw new Error(`k ${k}: no bound`);
        // The largest time below the bound, and a spread of times just under it.
        for (let t = nextDown(bound), j = 0; j < 20; j++, t = nextDown(t)) {
          if (Math.floor(t / b) > k) throw new Error(`b ${b}, k ${k}: t ${t} floors to ${Math.floor(t / b)}`);
        }
        // It skips most of the bucket (a bucket starts at k·b).
        expect(bound - k * b).toBeGreaterThan(0.99 * b);
      }
    }
    // Out of the proven range, or before any bucket: no shortcut.
    expect(safeBelow(2 ** 40, 10_000)).toBe(-Infinity);
    expect(safeBelow(NaN, 10_000)).toBe(-Infinity);
  });

  it('a fixed score reports the ratio fixedRatio works out beforehand (run rules at any score, limits, physical range)', () => {
    const t0 = Date.UTC(2026, 0, 5);
    for (const runRuleScore of [0.3, 0.45, 0.7, 0.999, 1]) {
      const d = new SensorDetector({ runRuleScore });
      for (let i = 0; i < 3000; i++) d.update(t0 + i * 60_000, 10 + ((i * 7919) % 13) / 13);
      const state = d.snapshot();
      const run = new SensorDetector({ runRuleScore }, { ...state, zones: [1, 1, 1, 1, 1, 1, 1, 1, 1] });
      run.update(t0 + 3000 * 60_000, state.mean + 0.1 * Math.sqrt(state.variance));
      expect(run.lastEvidence[EVIDENCE_INDEX.run_rule]).toBe(runRuleScore >= 1 ? 1e12 : runRuleScore / (1 - runRuleScore));
    }
    expect(fixedRatio(0.95)).toBe(0.95 / (1 - 0.95));
    expect(fixedRatio(0.75)).toBe(0.75 / (1 - 0.75));
    expect(fixedRatio(1)).toBe(1e12);
    const limited = new SensorDetector({ limits: { hi: 20, hihi: 30 }, physicalMax: 40 });
    const t1 = Date.UTC(2026, 0, 5);
    limited.update(t1, 25);
    expect(limited.lastEvidence[EVIDENCE_INDEX.limit]).toBe(0.75 / (1 - 0.75));
    limited.update(t1 + 1000, 35);
    expect(limited.lastEvidence[EVIDENCE_INDEX.limit]).toBe(0.95 / (1 - 0.95));
    limited.update(t1 + 2000, 45);
    expect(limited.lastEvidence[EVIDENCE_INDEX.out_of_range]).toBe(1e12);
  });

  it('the run rules quote the spread the sample was judged on (worked out once per sample)', () => {
    const t0 = Date.UTC(2026, 0, 5);
    for (const minSigma of [0, 0.5]) {
      const d = new SensorDetector({ minSigma });
      for (let i = 0; i < 3000; i++) d.update(t0 + i * 60_000, 10 + ((i * 7919) % 13) / 13);
      const state = d.snapshot();
      const sd = Math.max(Math.sqrt(state.variance), minSigma, 1e-6 * Math.abs(state.mean), 1e-9);
      // Four of the last five beyond 1σ above (zone code 2), and a fifth sample there: "4 of 5 beyond 1σ".
      const run = new SensorDetector({ minSigma }, { ...state, zones: [-1, -1, -1, -1, -1, 2, 2, 2, -1] });
      const v = run.step(t0 + 3000 * 60_000, state.mean + 1.2 * sd);
      expect(v.evidence?.detail).toContain('4 of 5');
      expect(v.evidence?.expected_lo).toBe(state.mean - sd);
      expect(v.evidence?.expected_hi).toBe(state.mean + sd);
    }
  });

  it('evidence written when asked for is what each sample had, however many other detectors ran since', () => {
    // Three sensors (one on a bank row) updated in turn with update(); one is asked for its evidence only
    // now and then, after the others have overwritten the shared findings. Against the same sensors, each
    // asked at once after every sample.
    const t0 = Date.UTC(2026, 0, 5);
    const signal = (k: number, i: number) => 50 + 10 * Math.sin(i / (60 + 20 * k)) + ((i * (7919 + k)) % 101) / 50 + (i % 997 === 0 ? 30 : 0);
    const bank = new DetectorBank();
    const make = () => [new SensorDetector(), new SensorDetector({}, undefined, bank.row()), new SensorDetector({ limits: { hi: 58 } })];
    const lazy = make();
    const eager = make();
    let lastOf: [number[], number, unknown] = [[], 0, null];
    for (let i = 0; i < 6000; i++) {
      for (let k = 0; k < 3; k++) {
        const ts = t0 + i * 1000;
        const v = eager[k].step(ts, signal(k, i));
        const evidence = Array.from(eager[k].lastEvidence);
        const combined = eager[k].lastCombined;
        lazy[k].update(ts, signal(k, i));
        // Asked for the first sensor's evidence two sensors later (the others ran meanwhile), for the others at once.
        if (k === 2 && i % 7 === 0) {
          expect(Array.from(lazy[0].lastEvidence)).toEqual(lastOf[0]);
          expect(lazy[0].lastCombined).toBe(lastOf[1]);
          expect(lazy[0].lastVerdict()).toEqual(lastOf[2]);
        }
        if (k === 0) lastOf = [evidence, combined, v];
        else if (i % 5 === 0) {
          expect(lazy[k].lastVerdict()).toEqual(v);
          expect(Array.from(lazy[k].lastEvidence)).toEqual(evidence);
        }
      }
    }
  });
  it('a detector rebuilt on a row starts with no evidence, whatever its predecessor left unwritten', () => {
    const bank = new DetectorBank();
    const row = bank.row();
    const old = new SensorDetector({}, undefined, row);
    const t0 = Date.UTC(2026, 0, 5);
    // Past the warm-up, ending on a spike: findings whose evidence is left unwritten.
    for (let i = 0; i < 3000; i++) old.update(t0 + i * 60_000, 10 + (i % 7) + (i === 2999 ? 50 : 0));
    expect(old.lastBest).toBeGreaterThanOrEqual(0);
    const rebuilt = new SensorDetector({ zThreshold: 5 }, old.snapshot(), row);
    new SensorDetector().update(t0, 1); // another detector's sample: the old one's findings would be written now
    const fresh = new SensorDetector({ zThreshold: 5 }, old.snapshot());
    expect(Array.from(rebuilt.lastEvidence)).toEqual(Array.from(fresh.lastEvidence));
    expect(rebuilt.lastCombined).toBe(fresh.lastCombined);
  });

  it('the run rules counted from the packed codes fire exactly as their definitions on the last 3, 5 and 9 zones', () => {
    const t0 = Date.UTC(2026, 0, 5);
    const learn = new SensorDetector({ runRuleScore: 0.99 });
    for (let i = 0; i < 3000; i++) learn.update(t0 + i * 60_000, 10 + ((i * 7919) % 13) / 13);
    const state = learn.snapshot();
    const sd = Math.max(Math.sqrt(state.variance), 1e-6 * Math.abs(state.mean), 1e-9);
    const codes = [-4, -3, -2, -1, 1, 2, 3, 4];
    let seed = 5;
    const pick = () => {
      seed = (seed * 48271) % 2147483647;
      return codes[seed % codes.length];
    };
    const fired = { '2 of 3': 0, '4 of 5': 0, '9 in a row': 0, none: 0 };
    for (let trial = 0; trial < 3000; trial++) {
      // Mostly one-sided runs, so every rule fires often.
      const bias = trial % 3 === 0 ? 0 : trial % 3 === 1 ? 1 : -1;
      const held = Array.from({ length: (trial % 9) + 1 }, () => (bias ? bias * Math.abs(pick()) : pick()));
      const zone = bias ? bias * Math.abs(pick()) : pick();
      const last = [...held, zone];
      const side = (w: number, min: number) => {
        const tail = last.slice(-w);
        return tail.length < w ? 0 : Math.max(tail.filter((z) => z >= min).length, tail.filter((z) => z <= -min).length);
      };
      const expected = side(3, 3) >= 2 ? ['2 of 3', side(3, 3)] : side(5, 2) >= 4 ? ['4 of 5', side(5, 2)] : side(9, 1) >= 9 ? ['9 in a row', 9] : null;
      const d = new SensorDetector({ runRuleScore: 0.99 }, { ...state, zones: held });
      const z = Math.sign(zone) * (Math.abs(zone) - 0.5);
      const v = d.step(t0 + 3000 * 60_000, state.mean + z * sd);
      if (expected) {
        expect(v.anomaly_type).toBe('run_rule');
        expect(v.evidence?.detail).toContain(expected[0] as string);
        expect(v.evidence?.statistic).toBe(expected[1]);
        fired[expected[0] as keyof typeof fired]++;
      } else {
        expect(d.lastEvidence[EVIDENCE_INDEX.run_rule]).toBe(0);
        fired.none++;
      }
    }
    for (const n of Object.values(fired)) expect(n).toBeGreaterThan(50);
  });
});
