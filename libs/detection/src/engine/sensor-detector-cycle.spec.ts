import type { DetectorSettings } from './config';
import { EpisodeTracker } from './episode-tracker';
import { EngineVerdict, SensorDetector, SensorState } from './sensor-detector';
import { gaussian } from './testing/signals';

const T0 = Date.UTC(2026, 10, 2);
const HOUR_S = 3600;
const FAULT_S = 3 * HOUR_S;

/**
 * A simulator-like process value at 1 Hz (apps/plc-sim's plant model): a cycle of its own period plus
 * noise. `no_cycle`: the cycle dies out over one period from FAULT_S while level and noise stay. `slide`:
 * a departure of 10 noise + 2 amplitudes reached quadratically over 4 h.
 */
function signal(periodS: number, amplitude: number, noise: number, fault: 'none' | 'no_cycle' | 'slide', seed = 3): (i: number) => number {
  const e = gaussian(9 * HOUR_S, seed, 0, noise);
  return (i) => {
    const since = i - FAULT_S;
    const cycleFactor = fault === 'no_cycle' && since > 0 ? Math.max(0, 1 - since / periodS) : 1;
    const slide = fault === 'slide' && since > 0 ? (10 * noise + 2 * amplitude) * Math.min(1, since / (4 * HOUR_S)) ** 2 : 0;
    return 65 + cycleFactor * amplitude * Math.sin((2 * Math.PI * i) / periodS + seed) + e[i] + slide;
  };
}

/** Episodes opened (second, type, detail) from sample `from` to `to` of `value`. */
function run(d: SensorDetector, value: (i: number) => number, from: number, to: number, out: EngineVerdict[] = []) {
  const episodes = new EpisodeTracker(d.resolved.episodeClearSamples);
  const opened: { at: number; type: string; detail?: string }[] = [];
  for (let i = from; i < to; i++) {
    const v = d.step(T0 + i * 1000, value(i));
    out.push(v);
    const change = episodes.step(T0 + i * 1000, v);
    if (change?.kind === 'opened') opened.push({ at: i, type: change.episode.type, detail: v.evidence?.detail });
  }
  return opened;
}

describe('SensorDetector: a short cycle found from the data (simulator-like process values)', () => {
  it.each([
    ['temperature', 600, 5, 0.2],
    ['motor current', 120, 3, 0.8],
    ['level', 1200, 20, 0.3],
  ])('%s: quiet for 8 h while healthy; a stopped cycle found within 300 s, named as off its cycle', (_, periodS, amplitude, noise) => {
    expect(run(new SensorDetector(), signal(periodS, amplitude, noise, 'none'), 0, 8 * HOUR_S)).toEqual([]);
    const opened = run(new SensorDetector(), signal(periodS, amplitude, noise, 'no_cycle'), 0, FAULT_S + HOUR_S);
    expect(opened.length).toBeGreaterThan(0);
    expect(opened[0].at).toBeGreaterThanOrEqual(FAULT_S);
    expect(opened[0].at - FAULT_S).toBeLessThanOrEqual(300);
    expect(opened[0].type).toBe('pattern');
    expect(opened[0].detail).toMatch(new RegExp(`off its ${periodS} s cycle`));
  });

  it('finds a 4-hour slide of a cycling temperature within 1 h (before: the cycle counted as spread, never within 4 h)', () => {
    const opened = run(new SensorDetector(), signal(600, 5, 0.2, 'slide'), 0, FAULT_S + 4 * HOUR_S);
    expect(opened.length).toBeGreaterThan(0);
    expect(opened[0].at).toBeGreaterThanOrEqual(FAULT_S);
    expect(opened[0].at - FAULT_S).toBeLessThanOrEqual(HOUR_S);
  });

  it('without the cycle model (the seasonal detectors off) the stopped cycle goes unseen: the test above depends on it', () => {
    const settings: DetectorSettings = { enabled: { daily: false } };
    expect(run(new SensorDetector(settings), signal(600, 5, 0.2, 'no_cycle'), 0, FAULT_S + HOUR_S).filter((e) => e.at >= FAULT_S)).toEqual([]);
  });

  it('round-trips a state with an adopted cycle through JSON with identical verdicts', () => {
    const value = signal(600, 5, 0.2, 'no_cycle');
    const a = new SensorDetector();
    run(a, value, 0, FAULT_S - 600);
    const saved = JSON.parse(JSON.stringify(a.snapshot())) as SensorState;
    expect(saved.cycle).not.toBeNull();
    const b = new SensorDetector({}, saved);
    const va: EngineVerdict[] = [];
    const vb: EngineVerdict[] = [];
    run(a, value, FAULT_S - 600, FAULT_S + 1800, va);
    run(b, value, FAULT_S - 600, FAULT_S + 1800, vb);
    expect(vb).toEqual(va);
    expect(va.some((v) => v.evidence?.detail?.includes('off its 600 s cycle'))).toBe(true);
    expect(b.snapshot()).toEqual(a.snapshot());
  });

  it('loads a state saved before the cycle model (no `cycle` field), learns the cycle and still finds it stopping', () => {
    const value = signal(600, 5, 0.2, 'no_cycle');
    const a = new SensorDetector();
    run(a, value, 0, 3600);
    const old = JSON.parse(JSON.stringify(a.snapshot())) as Partial<SensorState>;
    delete old.cycle;
    const b = new SensorDetector({}, old as SensorState);
    expect(b.snapshot().cycle).not.toBeNull();
    const opened = run(b, value, 3600, FAULT_S + HOUR_S);
    expect(opened.length).toBeGreaterThan(0);
    expect(opened[0].at - FAULT_S).toBeLessThanOrEqual(300);
  });
});
