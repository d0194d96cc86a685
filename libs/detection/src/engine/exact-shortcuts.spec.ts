import { resolveConfig } from './config';
import { firstNAtMost, SensorDetector, SensorState } from './sensor-detector';

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
});
