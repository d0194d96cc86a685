import { AlertScorer, AlertScorerOptions } from '../../../libs/detection/src/engine';
import { FIVE_MIN_MS, rng, T0, withFault } from '../../../libs/detection/src/engine/testing/signals';
import type { NabSeries } from './nab-corpus';
import { nestedSmoothed, perSplit, perturbations, perturbed, recordEngine, replayScores, smoothedCv, smoothedDifference, smoothedSpread } from './smoothing';

const FAULTS = ['spike', 'step', 'drift', 'stuck', 'noise'] as const;

/** Faulty series at about five minutes with jittered steps and a gap, a window around each fault. */
function corpus(): NabSeries[] {
  return FAULTS.flatMap((fault, f) =>
    [0, 1].map((copy) => {
      const values = withFault(fault, 2500, 1600 + 100 * copy, 10 * f + copy + 1);
      const r = rng(f * 2 + copy + 3);
      const timestamps: number[] = [];
      let t = T0;
      for (let i = 0; i < values.length; i++) {
        t += i === 1200 ? 6 * FIVE_MIN_MS : Math.round(FIVE_MIN_MS * (0.8 + 0.4 * r()));
        timestamps.push(t);
      }
      const at = 1600 + 100 * copy;
      return { name: `${copy ? 'b' : 'a'}/${fault}.csv`, timestamps, values, windows: [[timestamps[at - 60], timestamps[at + 60]]] as [number, number][] };
    }),
  );
}

describe('smoothed Monte-Carlo score', () => {
  it('draws the same factors for the same seed, jointly log-uniform within ±ln(span), others for another seed', () => {
    const a = perturbations(2, 200, 7, 1.3);
    expect(perturbations(2, 200, 7, 1.3)).toEqual(a);
    expect(perturbations(2, 200, 8, 1.3)).not.toEqual(a);
    const all = a.flat();
    expect(a.every((d) => d.length === 2)).toBe(true);
    expect(Math.min(...all)).toBeGreaterThanOrEqual(1 / 1.3);
    expect(Math.max(...all)).toBeLessThanOrEqual(1.3);
    // Log-uniform: the logs fill the range, about half of them below 0, and the two options differ.
    const logs = all.map(Math.log);
    expect(Math.min(...logs)).toBeLessThan(-0.9 * Math.log(1.3));
    expect(Math.max(...logs)).toBeGreaterThan(0.9 * Math.log(1.3));
    expect(logs.filter((x) => x < 0).length / logs.length).toBeGreaterThan(0.4);
    expect(logs.filter((x) => x < 0).length / logs.length).toBeLessThan(0.6);
    expect(a.filter(([x, y]) => x === y)).toEqual([]);
  });

  it('scales each named option from the setting, else from its default, and refuses one without a default', () => {
    expect(perturbed({ holdoffHalfLife: 200, ownWeight: 0.5 }, ['holdoffHalfLife', 'renotifyFactor'], [1.25, 0.5])).toEqual({ holdoffHalfLife: 250, renotifyFactor: 1.25, ownWeight: 0.5 });
    expect(() => perturbed({}, ['renotifyRelease'], [1.1])).toThrow(/renotifyRelease/);
    expect(perturbed({ renotifyRelease: 0.5 }, ['renotifyRelease'], [1.2]).renotifyRelease).toBeCloseTo(0.6, 12);
  });

  it('replays a recorded engine to the same alert scores as the live one, under other options too', () => {
    const options: AlertScorerOptions[] = [{}, { holdoffHalfLife: 61, renotifyFactor: 2.2 }, { renotifyRelease: 0.6, ownEvidence: ['pattern', 'drift'], recurrenceMargin: 1.2 }, { timeScaled: false, combine: false }];
    let reported = 0;
    for (const s of corpus()) {
      const record = recordEngine(s);
      for (const o of options) {
        const live = new AlertScorer({}, o);
        const expected = s.values.map((v, i) => live.step(s.timestamps[i], v));
        reported += expected.filter((x) => x > 0).length;
        expect(replayScores(record, s.timestamps, o)).toEqual(expected);
      }
    }
    // The comparison means something only if alerts were reported.
    expect(reported).toBeGreaterThan(20);
  });

  describe('over splits and draws', () => {
    const series = corpus();
    const records = series.map((s) => recordEngine(s));
    const seeds = [1, 2, 3, 4];
    const factors = perturbations(2, 4, 3);
    const options: (keyof AlertScorerOptions)[] = ['holdoffHalfLife', 'renotifyFactor'];
    const base = smoothedCv(series, records, {}, options, factors, seeds);
    const other = smoothedCv(series, records, { holdoffHalfLife: 20, renotifyFactor: 1.2 }, options, factors, seeds);

    it('pairs a setting with itself at exactly 0, and another at its mean difference', () => {
      const same = smoothedDifference(smoothedCv(series, records, {}, options, factors, seeds), base);
      expect(same.map((d) => [d.mean, d.se])).toEqual([[0, 0], [0, 0], [0, 0]]);
      const diff = smoothedDifference(other, base);
      const o = smoothedSpread(other);
      const b = smoothedSpread(base);
      diff.forEach((d, k) => expect(d.mean).toBeCloseTo(o[k].splits.mean - b[k].splits.mean, 9));
      expect(diff.some((d) => Math.abs(d.mean) > 0.1)).toBe(true);
    });

    it('averages each split over the draws, and the splits mean equals the mean of the draws means', () => {
      const held = perSplit(base);
      expect(held[0]).toHaveLength(2 * seeds.length);
      expect(held[0][3]).toBeCloseTo(base.draws.reduce((s, d) => s + d.heldOut[0][3], 0) / factors.length, 12);
      const s = smoothedSpread(base);
      s.forEach((p) => expect(p.splits.mean).toBeCloseTo(p.draws.mean, 9));
    });

    it('nested: chooses on the training half by its draw-averaged score, and scores the choice on the other half', () => {
      const nested = nestedSmoothed([base, other]);
      const held = [perSplit(base), perSplit(other)];
      for (let k = 0; k < 3; k++) {
        expect(nested.chosen[k][0] + nested.chosen[k][1]).toBe(2 * seeds.length);
        nested.heldOut[k].forEach((x, s) => {
          const trained = [base, other].map((c) => c.draws.reduce((sum, d) => sum + d.trained![k][s], 0));
          expect(x).toBe(held[trained[1] > trained[0] ? 1 : 0][k][s]);
        });
      }
      // Equal candidates: the first wins, so nesting the defaults with themselves is the defaults.
      const self = nestedSmoothed([base, base]);
      expect(self.chosen.map((c) => c[1])).toEqual([0, 0, 0]);
      expect(self.heldOut).toEqual(perSplit(base));
    });
  });
});
