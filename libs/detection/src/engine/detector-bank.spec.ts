import type { DetectorSettings } from './config';
import { DetectorBank, SensorDetector } from './sensor-detector';
import { tsOf, withFault } from './testing/signals';

/**
 * Detectors keeping their numbers in rows of a shared bank (as the ingestion stage keeps them) judge
 * exactly as detectors with their own arrays: rows never overlap, also across chunks, and a detector
 * rebuilt on its row from its snapshot continues where it was.
 */
describe('DetectorBank', () => {
  const faults = ['spike', 'step', 'drift', 'stuck', 'noise'] as const;
  const signals = faults.map((f, k) => withFault(f, 3000, 2000, 21 + k));

  it('gives interleaved detectors the verdicts and states of detectors with their own arrays', () => {
    const bank = new DetectorBank(2); // two rows per chunk: the third detector starts a second chunk
    const rows = faults.map(() => bank.row());
    const own = faults.map(() => new SensorDetector());
    const banked = rows.map((row) => new SensorDetector({}, undefined, row));
    // Every verdict and per-detector evidence as text; the first difference is reported (a diff of all is slow).
    const expected: string[] = [];
    const actual: string[] = [];
    let anomalous = 0;
    for (let i = 0; i < 3000; i++) {
      // Round robin, as ingestion visits sensors; halfway, one detector is rebuilt on its row (a settings change).
      if (i === 1500) banked[1] = new SensorDetector({}, banked[1].snapshot(), rows[1]);
      for (let k = 0; k < faults.length; k++) {
        const v = own[k].step(tsOf(i), signals[k][i]);
        if (v.score >= 0.5) anomalous++;
        expected.push(`${i} ${k} ${JSON.stringify(v)} ${own[k].lastEvidence.join()}`);
        actual.push(`${i} ${k} ${JSON.stringify(banked[k].step(tsOf(i), signals[k][i]))} ${banked[k].lastEvidence.join()}`);
      }
    }
    expect(anomalous).toBeGreaterThan(10); // the faults were judged, not just quiet samples
    const first = actual.findIndex((a, j) => a !== expected[j]);
    expect(first < 0 ? null : actual[first]).toBe(first < 0 ? null : expected[first]);
    for (let k = 0; k < faults.length; k++) expect(banked[k].snapshot()).toEqual(own[k].snapshot());
  });

  it('keeps detectors configured differently apart (the configuration numbers are shared only between equal ones)', () => {
    // Same signal, different settings, interleaved in one bank; each must judge as it does alone.
    const settings: DetectorSettings[] = [{}, { zThreshold: 3 }, {}, { zThreshold: 3, enabled: { runRules: false } }, { warmupMs: 3_600_000 }];
    const bank = new DetectorBank(2);
    const banked = settings.map((s) => new SensorDetector(s, undefined, bank.row()));
    // Each reference detector from a module of its own: nothing shared with any other detector.
    const own = settings.map((s) => {
      let alone!: SensorDetector;
      jest.isolateModules(() => {
        const { SensorDetector: Isolated } = jest.requireActual<typeof import('./sensor-detector')>('./sensor-detector');
        alone = new Isolated(s);
      });
      return alone;
    });
    const signal = withFault('spike', 3000, 2000, 5);
    const expected: string[] = [];
    const actual: string[] = [];
    for (let i = 0; i < 3000; i++) {
      for (let k = 0; k < settings.length; k++) {
        expected.push(`${i} ${k} ${JSON.stringify(own[k].step(tsOf(i), signal[i]))}`);
        actual.push(`${i} ${k} ${JSON.stringify(banked[k].step(tsOf(i), signal[i]))}`);
      }
    }
    // The settings do make a difference here (else this would not test the sharing).
    expect(expected.filter((e, j) => j % settings.length === 1).join()).not.toBe(expected.filter((e, j) => j % settings.length === 0).join());
    const first = actual.findIndex((a, j) => a !== expected[j]);
    expect(first < 0 ? null : actual[first]).toBe(first < 0 ? null : expected[first]);
  });

  it('refuses a row of the wrong size', () => {
    expect(() => new SensorDetector({}, undefined, new Float64Array(3))).toThrow(RangeError);
  });
});
