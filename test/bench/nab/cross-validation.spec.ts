import { categoryOf, MC_SEEDS, monteCarloCv, nestedMonteCarloCv, pairedDifference, spread, stratifiedHalves } from './cross-validation';
import { PreparedCorpus, scoreCorpus, scoreCorpusAt, ScoredSeries } from './nab-scorer';

// nab-dev's shape: 6 files of one category, 17 of another (one of them without a window).
const names = [
  ...Array.from({ length: 6 }, (_, i) => `artificial/a${i}.csv`),
  ...Array.from({ length: 17 }, (_, i) => `aws/s${String(i).padStart(2, '0')}.csv`),
];

/** A series of 200 one-minute rows with a window at 100..109 and pseudo-random scores from `seed`. */
function series(name: string, seed: number, windows = 1): ScoredSeries {
  const timestamps = Array.from({ length: 200 }, (_, i) => i * 60_000);
  let x = seed * 7919 + 1;
  const scores = timestamps.map(() => {
    x = (x * 48271) % 2147483647;
    return (x % 1000) / 1000;
  });
  return { name, timestamps, scores, windows: windows ? [[timestamps[100], timestamps[109]]] : [] };
}

describe('Monte-Carlo cross-validation', () => {
  it('splits into disjoint halves that cover every file, the same for the same seed', () => {
    for (const seed of MC_SEEDS) {
      const [a, b] = stratifiedHalves(names, seed);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(names.map((_, i) => i));
      expect(a.filter((i) => b.includes(i))).toEqual([]);
      expect(stratifiedHalves(names, seed)).toEqual([a, b]);
    }
  });

  it('splits each category as evenly as it can (3 / 3 and 8 / 9 or 9 / 8), and different seeds differently', () => {
    const extraInA = new Set<number>();
    const distinct = new Set<string>();
    for (const seed of MC_SEEDS) {
      const [a, b] = stratifiedHalves(names, seed);
      const count = (half: number[], c: string) => half.filter((i) => categoryOf(names[i]) === c).length;
      expect([count(a, 'artificial'), count(b, 'artificial')]).toEqual([3, 3]);
      expect(Math.abs(count(a, 'aws') - count(b, 'aws'))).toBe(1);
      extraInA.add(count(a, 'aws'));
      distinct.add(a.join(','));
    }
    // The odd category's extra file goes to either half, and the 50 splits are not a handful repeated.
    expect([...extraInA].sort()).toEqual([8, 9]);
    expect(distinct.size).toBeGreaterThan(45);
  });

  it('scores a subset of a prepared corpus exactly as that subset alone', () => {
    const corpus = names.map((n, i) => series(n, i + 1, i === 10 ? 0 : 1));
    const prepared = new PreparedCorpus(corpus);
    const [a, b] = stratifiedHalves(names, 7);
    const alone = scoreCorpus(a.map((i) => corpus[i]));
    expect(prepared.best(a)).toEqual(alone);
    const thresholds = alone.map((r) => r.threshold);
    expect(prepared.at(b, thresholds)).toEqual(scoreCorpusAt(b.map((i) => corpus[i]), thresholds));
    expect(prepared.best()).toEqual(scoreCorpus(corpus));
  });

  it('gives 2 held-out scores per seed, scored at thresholds chosen on the other half only', () => {
    const corpus = names.map((n, i) => series(n, i + 1));
    const seeds = [1, 2, 3];
    const mc = monteCarloCv(corpus, seeds);
    expect(mc.heldOut.map((h) => h.length)).toEqual([6, 6, 6]);
    const [a, b] = stratifiedHalves(names, 2);
    const onA = scoreCorpus(a.map((i) => corpus[i])).map((r) => r.threshold);
    const bAtA = scoreCorpusAt(b.map((i) => corpus[i]), onA);
    expect(mc.heldOut.map((h) => h[2])).toEqual(bAtA.map((r) => r.score));
    expect(monteCarloCv(corpus, seeds)).toEqual(mc);
    // Paired with itself: no difference on any split.
    for (const d of pairedDifference(mc, mc)) expect([d.mean, d.se]).toEqual([0, 0]);
  });

  it('nested: with one candidate it is the plain estimate; with two it scores the one the training half prefers', () => {
    const good = names.map((n, i) => series(n, i + 1));
    // Perfect on every window (and nothing elsewhere): preferred on any training half.
    const perfect = good.map((s) => ({ ...s, scores: s.scores.map((_, r) => (r === 100 && s.windows.length ? 1 : 0)) }));
    const seeds = [1, 2, 3];
    const alone = nestedMonteCarloCv([good], seeds);
    expect(alone.heldOut).toEqual(monteCarloCv(good, seeds).heldOut);
    expect(alone.chosen.map((c) => c[0])).toEqual([6, 6, 6]);
    const both = nestedMonteCarloCv([good, perfect], seeds);
    expect(both.chosen).toEqual([[0, 6], [0, 6], [0, 6]]);
    expect(both.heldOut).toEqual(monteCarloCv(perfect, seeds).heldOut);
  });

  it('summarises scores as mean, standard error and nearest-rank percentiles', () => {
    const s = spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.mean).toBe(5.5);
    expect(s.se).toBeCloseTo(Math.sqrt(110 / 12 / 10), 12);
    expect([s.p10, s.p90, s.min, s.max, s.n]).toEqual([1, 9, 1, 10, 10]);
  });
});
