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

  it('refuses a row of the wrong size', () => {
    expect(() => new SensorDetector({}, undefined, new Float64Array(3))).toThrow(RangeError);
  });
});
