import { DetectorBank, SensorDetector } from './sensor-detector';
import { tsOf, withFault } from './testing/signals';

/**
 * A bank whose detectors do not keep a sample's evidence for later (as the ingestion stage keeps them):
 * scores, verdicts asked for right after the sample, evidence asked for then, and saved states are those
 * of detectors that keep it; evidence asked for after another detector's sample is refused, never stale.
 */
describe('DetectorBank without kept evidence', () => {
  const faults = ['spike', 'step', 'drift', 'stuck', 'noise'] as const;
  const signals = faults.map((f, k) => withFault(f, 3000, 2000, 31 + k));

  it('scores, verdicts and states of interleaved detectors equal those of detectors that keep their evidence', () => {
    const kept = new DetectorBank(2);
    const dropped = new DetectorBank(2, { keepEvidence: false });
    const keptRows = faults.map(() => kept.row());
    const rows = faults.map(() => dropped.row());
    const reference = keptRows.map((row) => new SensorDetector({}, undefined, row));
    const banked = rows.map((row) => new SensorDetector({}, undefined, row));
    const expected: string[] = [];
    const actual: string[] = [];
    let anomalous = 0;
    for (let i = 0; i < 3000; i++) {
      // Halfway, one detector of each bank is rebuilt on its row from its snapshot (a settings change).
      if (i === 1500) {
        reference[2] = new SensorDetector({}, reference[2].snapshot(), keptRows[2]);
        banked[2] = new SensorDetector({}, banked[2].snapshot(), rows[2]);
      }
      // Round robin as ingestion visits sensors: each sample's score, and on every third sample and every
      // anomalous one its verdict and evidence right after it (as the stage asks for them).
      for (let k = 0; k < faults.length; k++) {
        const want = reference[k].update(tsOf(i), signals[k][i]);
        const got = banked[k].update(tsOf(i), signals[k][i]);
        if (want >= 0.5) anomalous++;
        expected.push(`${i} ${k} ${want}`);
        actual.push(`${i} ${k} ${got}`);
        if (want >= 0.5 || (i + k) % 3 === 0) {
          expected.push(`${JSON.stringify(reference[k].lastVerdict())} ${reference[k].lastEvidence.join()} ${reference[k].lastCombined}`);
          actual.push(`${JSON.stringify(banked[k].lastVerdict())} ${banked[k].lastEvidence.join()} ${banked[k].lastCombined}`);
        }
      }
    }
    expect(anomalous).toBeGreaterThan(10);
    const first = actual.findIndex((a, j) => a !== expected[j]);
    expect(first < 0 ? null : actual[first]).toBe(first < 0 ? null : expected[first]);
    for (let k = 0; k < faults.length; k++) expect(banked[k].snapshot()).toEqual(reference[k].snapshot());
  });

  it('refuses evidence asked for after another detector judged, and gives it again after its own next sample', () => {
    const bank = new DetectorBank(4, { keepEvidence: false });
    const quick = { warmupMs: 20_000 }; // judged from the 21st sample on: evidence that is not all zeros
    const a = new SensorDetector(quick, undefined, bank.row());
    const b = new SensorDetector(quick, undefined, bank.row());
    const alone = new SensorDetector(quick);
    for (let i = 0; i < 50; i++) {
      a.update(tsOf(i), 50 + (i % 5));
      alone.update(tsOf(i), 50 + (i % 5));
      b.update(tsOf(i), 20 + (i % 3));
    }
    expect(() => a.lastEvidence).toThrow(/keepEvidence/);
    expect(() => a.lastVerdict()).toThrow(/keepEvidence/);
    expect(() => a.lastCombined).toThrow(/keepEvidence/);
    // Asked for right after its own sample (before any other detector judges): the same as kept.
    a.update(tsOf(50), 99);
    const got = a.lastVerdict();
    const gotEvidence = [...a.lastEvidence];
    const verdict = alone.step(tsOf(50), 99);
    expect(verdict.score).toBeGreaterThan(0.5);
    expect(got).toEqual(verdict);
    const evidence = [...alone.lastEvidence];
    expect(evidence.some((x) => x > 0)).toBe(true);
    expect(gotEvidence).toEqual(evidence);
    // A detector that keeps its evidence (its own arrays) still gives it after others judged.
    b.update(tsOf(51), 20);
    expect([...alone.lastEvidence]).toEqual(evidence);
    // Evidence once written (asked for) stays until the detector's own next sample.
    expect([...a.lastEvidence]).toEqual(evidence);
  });
});
