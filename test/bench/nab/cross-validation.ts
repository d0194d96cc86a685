/**
 * Monte-Carlo cross-validation of the NAB scores: many random halves of the corpus, stratified by category,
 * each half choosing the thresholds the other half is scored at (both directions). The four fixed folds
 * (odd / even files, leave one category out) each rest on one split, and a 1 % change of one setting moves
 * them by up to 10 points; the mean over many splits is what a change must move, and its standard error
 * says by how much it moves by chance.
 */
import { rng } from '../../../libs/detection/src/engine/testing/signals';
import { PreparedCorpus, ProfileResult, PROFILES, ScoredSeries } from './nab-scorer';

/** Splits of the default estimate: a fixed list, so every run and every variant sees the same halves. */
export const MC_SEEDS: number[] = Array.from({ length: 50 }, (_, i) => i + 1);

/** A file's category: its top-level folder (NAB's `realAWSCloudwatch/…`). */
export const categoryOf = (name: string) => name.split('/')[0];

/**
 * Two disjoint halves of the files (indices into `names`) covering all of them, each category split as
 * evenly as it can be; an odd category's extra file goes to either half by a coin of the same generator.
 */
export function stratifiedHalves(names: string[], seed: number): [number[], number[]] {
  const random = rng(seed);
  const byCategory = new Map<string, number[]>();
  names.forEach((name, i) => {
    const c = categoryOf(name);
    byCategory.set(c, [...(byCategory.get(c) ?? []), i]);
  });
  const a: number[] = [];
  const b: number[] = [];
  for (const c of [...byCategory.keys()].sort()) {
    const files = byCategory.get(c)!;
    for (let i = files.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [files[i], files[j]] = [files[j], files[i]];
    }
    const take = Math.floor(files.length / 2) + (files.length % 2 === 1 && random() < 0.5 ? 1 : 0);
    a.push(...files.slice(0, take));
    b.push(...files.slice(take));
  }
  return [a.sort((x, y) => x - y), b.sort((x, y) => x - y)];
}

export interface Spread {
  mean: number;
  /** Standard error of the mean over the held-out scores (the splits overlap, so read it as a lower bound). */
  se: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: number[]): Spread {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  const sorted = [...values].sort((x, y) => x - y);
  // Nearest-rank percentiles: small samples, no interpolation to explain.
  const rank = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
  return { mean, se: Math.sqrt(variance / n), p10: rank(0.1), p90: rank(0.9), min: sorted[0], max: sorted[n - 1], n };
}

export interface MonteCarloResult {
  /** Held-out scores per profile (PROFILES order), one per split and direction: 2 × seeds. */
  heldOut: number[][];
  /** The training half's own best score per profile, in the same order (what a choice on that half sees; not kept by the nested estimate). */
  trained?: number[][];
  /** Summary per profile. */
  spread: Spread[];
}

/**
 * Held-out scores over random stratified halves: for each seed, A chooses the thresholds B is scored at and
 * B chooses A's. The corpus is prepared and sorted once; each split costs one pass over its training rows.
 */
export function monteCarloCv(corpus: ScoredSeries[], seeds: number[] = MC_SEEDS): MonteCarloResult {
  const prepared = new PreparedCorpus(corpus);
  const names = corpus.map((s) => s.name);
  const heldOut: number[][] = PROFILES.map(() => []);
  const trained: number[][] = PROFILES.map(() => []);
  const run = (train: number[], test: number[]) => {
    const best = prepared.best(train);
    best.forEach((r, k) => trained[k].push(r.score));
    prepared.at(test, best.map((r) => r.threshold)).forEach((r, k) => heldOut[k].push(r.score));
  };
  for (const seed of seeds) {
    const [a, b] = stratifiedHalves(names, seed);
    run(a, b);
    run(b, a);
  }
  return { heldOut, trained, spread: heldOut.map(spread) };
}

/**
 * The paired difference of two detectors' held-out scores on the same splits (`variant − base`, per
 * profile): the split's own luck cancels, so its standard error is the one a change must beat.
 */
export function pairedDifference(variant: MonteCarloResult, base: MonteCarloResult): Spread[] {
  return variant.heldOut.map((scores, k) => spread(scores.map((s, i) => s - base.heldOut[k][i])));
}

export const fmtSpread = (s: Spread) => `${s.mean.toFixed(1)} ± ${s.se.toFixed(1)} (p10 ${s.p10.toFixed(1)}, p90 ${s.p90.toFixed(1)})`;

export interface NestedResult extends MonteCarloResult {
  /** Per profile: how often each candidate was chosen (indices into the candidates). */
  chosen: number[][];
}

/**
 * Monte-Carlo CV of choosing a setting as well as the thresholds: on each training half every candidate
 * (the corpus scored with one setting) gets its best thresholds, the best-scoring candidate is chosen per
 * profile, and only that candidate is scored on the other half. Against the same splits with a fixed
 * candidate, the difference is what choosing among them on all of nab-dev adds by luck.
 */
export function nestedMonteCarloCv(candidates: ScoredSeries[][], seeds: number[] = MC_SEEDS): NestedResult {
  const prepared = candidates.map((c) => new PreparedCorpus(c));
  const names = candidates[0].map((s) => s.name);
  const heldOut: number[][] = PROFILES.map(() => []);
  const chosen: number[][] = PROFILES.map(() => new Array<number>(candidates.length).fill(0));
  const run = (train: number[], test: number[]) => {
    const trained = prepared.map((p) => p.best(train));
    PROFILES.forEach((profile, k) => {
      // The first of equal scores wins: the candidates' order (defaults first) breaks ties.
      let c = 0;
      for (let i = 1; i < trained.length; i++) if (trained[i][k].score > trained[c][k].score) c = i;
      chosen[k][c]++;
      heldOut[k].push(prepared[c].at(test, [trained[c][k].threshold], [profile])[0].score);
    });
  };
  for (const seed of seeds) {
    const [a, b] = stratifiedHalves(names, seed);
    run(a, b);
    run(b, a);
  }
  return { heldOut, spread: heldOut.map(spread), chosen };
}
