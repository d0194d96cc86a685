import { PROFILES, probationaryRows, scaledSigmoid, scoreCorpus, scoreCorpusAt, ScoredSeries } from './nab-scorer';
import { folds } from './nab.bench';
import { windowedGaussianScores } from './windowed-gaussian';

// 100 rows one minute apart; probation = 15 rows; one window over rows 40..49.
const N = 100;
const ts = Array.from({ length: N }, (_, i) => i * 60_000);
const windows: [number, number][] = [[ts[40], ts[49]]];
const series = (scores: number[]): ScoredSeries => ({ name: 's', timestamps: ts, scores, windows });
const zeros = () => new Array<number>(N).fill(0);

describe('NAB scoring', () => {
  it('has the sigmoid of the rules: ≈ +1 at a window start, 0 at its end, → -1 after', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.9866, 4);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(4)).toBe(-1);
    expect(probationaryRows(100)).toBe(15);
    expect(probationaryRows(10_000)).toBe(750);
  });

  it('scores a perfect detector 100 and the null detector 0 under every profile', () => {
    const perfect = zeros();
    perfect[40] = 1;
    for (const r of scoreCorpus([series(perfect)])) expect(r.score).toBeCloseTo(100, 6);
    for (const r of scoreCorpus([series(zeros())])) expect(r.score).toBeCloseTo(0, 6);
  });

  it('rewards earlier detection and counts only the first detection in a window', () => {
    const late = zeros();
    late[48] = 1;
    late[49] = 1;
    const early = zeros();
    early[42] = 1;
    early[49] = 1;
    const [lateStd] = scoreCorpus([series(late)]);
    const [earlyStd] = scoreCorpus([series(early)]);
    expect(earlyStd.score).toBeGreaterThan(lateStd.score);
    expect(earlyStd.counts).toEqual({ tp: 1, fp: 0, fn: 0 });
    // One detection at row 48 of a 10-row window: y = -(49-48+1)/10 = -0.2.
    const raw = scaledSigmoid(-0.2) - 1 * 0; // standard: tp weight 1
    expect(lateStd.raw).toBeCloseTo(raw, 9);
  });

  it('charges a false positive far from windows the full FP weight and ignores the probationary rows', () => {
    const s = zeros();
    s[40] = 1;
    s[95] = 1; // 46 rows after a 10-row window: sigmoid ≈ -1
    s[5] = 1; // probationary: ignored
    const [std, lowFp] = scoreCorpus([series(s)]);
    const perfect = scaledSigmoid(-1);
    expect(std.threshold).toBe(1);
    expect(std.raw).toBeCloseTo(perfect - 0.11, 6);
    expect(lowFp.raw).toBeCloseTo(perfect - 0.22, 6);
    expect(std.counts).toEqual({ tp: 1, fp: 1, fn: 0 });
  });

  it('chooses the threshold that maximises the score and costs missed windows the FN weight', () => {
    // Score 0.9 on a false positive, 0.5 on the window: threshold 0.5 hits the window, pays one FP.
    const s = zeros();
    s[20] = 0.9; // before any window: costs the full FP weight
    s[40] = 0.5;
    const results = scoreCorpus([series(s)]);
    for (const r of results) {
      expect(r.threshold).toBe(0.5);
      expect(r.counts).toEqual({ tp: 1, fp: 1, fn: 0 });
    }
    const fnProfile = PROFILES.find((p) => p.name === 'reward_low_FN_rate')!;
    expect(fnProfile.fn).toBe(2);
  });

  it('computes the windowed-Gaussian baseline as a tail probability of the running normal', () => {
    const scores = windowedGaussianScores([0, 2, 0, 2, 0, 2, 100]);
    expect(scores[0]).toBe(0);
    expect(scores[6]).toBeGreaterThan(0.999);
    expect(scores[5]).toBeLessThan(0.9);
  });

  it('scores held-out files at a threshold chosen elsewhere, not at their own best', () => {
    const s = zeros();
    s[20] = 0.9;
    s[40] = 0.5;
    // At 0.95 nothing is detected: the null score, though 0.5 would have been best for this file.
    const [std] = scoreCorpusAt([series(s)], [0.95, 0.95, 0.95]);
    expect(std.score).toBeCloseTo(0, 6);
    expect(std.counts).toEqual({ tp: 0, fp: 0, fn: 1 });
    const [own] = scoreCorpus([series(s)]);
    expect(scoreCorpusAt([series(s)], [own.threshold, own.threshold, own.threshold])[0].raw).toBeCloseTo(own.raw, 9);
  });

  it('cross-validation folds never score a file they chose the threshold on', () => {
    const corpus = ['a/1', 'a/2', 'b/1', 'b/2', 'c/1'].map((name) => ({ ...series(zeros()), name }));
    const all = folds(corpus);
    expect(all.map(([name]) => name)).toEqual(['odd -> even', 'even -> odd', 'leave out a', 'leave out b', 'leave out c']);
    for (const [, train, test] of all) {
      expect(test.length).toBeGreaterThan(0);
      for (const t of test) expect(train).not.toContain(t);
    }
  });
});
