/**
 * The smoothed Monte-Carlo score: a setting's cross-validated score averaged over a fixed, seeded set of
 * joint log-uniform perturbations of named alert-score options (each × exp(U(−ln span, ln span))). The
 * repeat memory's half-life and renotify factor sit on knife edges whose cliffs fall where a file's first
 * faded-memory crossing meets a labelled window; on files we do not have they fall elsewhere, so what a
 * setting is expected to score there is its neighbourhood's average, not its own peak.
 *
 * The engine never reads the alert score back, so its per-sample output is recorded once per series and
 * settings (`recordEngine`) and only the alert score is rerun per draw (`replayScores`).
 */
import { ALERT_SCORER_DEFAULTS, AlertScorer, AlertScorerOptions, DetectorSettings, EngineOutput, SensorDetector } from '../../../libs/detection/src/engine';
import { rng } from '../../../libs/detection/src/engine/testing/signals';
import { MC_SEEDS, monteCarloCv, MonteCarloResult, Spread, spread } from './cross-validation';
import type { NabSeries } from './nab-corpus';
import { scoreCorpus, ScoredSeries } from './nab-scorer';

/** What the alert score reads of the engine, per sample of one series. */
export interface EngineRecord {
  score: Float64Array;
  combined: Float64Array;
  best: Int8Array;
  warmingUp: Uint8Array;
  /** The resolved sample period; NaN while it is not known (`null`). */
  periodMs: Float64Array;
  /** `lastEvidence` of every sample, `width` values each. */
  evidence: Float64Array;
  width: number;
}

export function recordEngine(series: NabSeries, settings: DetectorSettings = {}): EngineRecord {
  const d = new SensorDetector(settings);
  const n = series.values.length;
  const width = d.lastEvidence.length;
  const r: EngineRecord = {
    score: new Float64Array(n),
    combined: new Float64Array(n),
    best: new Int8Array(n),
    warmingUp: new Uint8Array(n),
    periodMs: new Float64Array(n),
    evidence: new Float64Array(n * width),
    width,
  };
  for (let i = 0; i < n; i++) {
    r.score[i] = d.update(series.timestamps[i], series.values[i]);
    r.combined[i] = d.lastCombined;
    r.evidence.set(d.lastEvidence, i * width);
    r.best[i] = d.lastBest;
    r.warmingUp[i] = d.warmingUp ? 1 : 0;
    r.periodMs[i] = d.resolved.periodMs ?? Number.NaN;
  }
  return r;
}

/** A recorded engine seen one sample at a time, as the alert score sees a live one. */
class Replayed implements EngineOutput {
  warmingUp = true;
  lastCombined = 0;
  lastBest = -1;
  readonly resolved = { periodMs: null as number | null };
  private i = 0;

  constructor(private readonly r: EngineRecord) {}

  at(i: number): void {
    const r = this.r;
    this.i = i;
    this.warmingUp = r.warmingUp[i] === 1;
    this.lastCombined = r.combined[i];
    this.lastBest = r.best[i];
    this.resolved.periodMs = Number.isNaN(r.periodMs[i]) ? null : r.periodMs[i];
  }

  get lastEvidence(): Float64Array {
    return this.r.evidence.subarray(this.i * this.r.width, (this.i + 1) * this.r.width);
  }
}

/** The alert scores of a recorded series under `options`: the same as `AlertScorer.step` on the live engine. */
export function replayScores(record: EngineRecord, timestamps: number[], options: AlertScorerOptions = {}): number[] {
  const scorer = new AlertScorer({}, options);
  const engine = new Replayed(record);
  return timestamps.map((t, i) => {
    engine.at(i);
    return scorer.judge(t, record.score[i], engine);
  });
}

/** Per draw, one factor per option, each exp(U(−ln span, ln span)) from the seeded generator (drawn jointly). */
export function perturbations(options: number, draws: number, seed = 1, span = 1.3): number[][] {
  const random = rng(seed);
  const width = Math.log(span);
  return Array.from({ length: draws }, () => Array.from({ length: options }, () => Math.exp((2 * random() - 1) * width)));
}

/** `scorer` with each named option scaled by its factor (from the option's value, else its default). */
export function perturbed(scorer: AlertScorerOptions, options: (keyof AlertScorerOptions)[], factors: number[]): AlertScorerOptions {
  const out: AlertScorerOptions = { ...scorer };
  options.forEach((o, i) => {
    const base = (scorer[o] as number | undefined) ?? (ALERT_SCORER_DEFAULTS as Partial<Record<keyof AlertScorerOptions, number>>)[o];
    if (typeof base !== 'number') throw new Error(`smoothing: ${o} is not a numeric option with a default (give it a value)`);
    (out as Record<string, unknown>)[o] = base * factors[i];
  });
  return out;
}

/** One setting's Monte-Carlo CV on every draw (the same draws for every setting, so differences are paired). */
export interface SmoothedResult {
  draws: MonteCarloResult[];
}

/** Recorded series scored under `options`. */
export const replayed = (corpus: NabSeries[], records: EngineRecord[], options: AlertScorerOptions): ScoredSeries[] =>
  corpus.map((s, i) => ({ name: s.name, timestamps: s.timestamps, windows: s.windows, scores: replayScores(records[i], s.timestamps, options) }));

/**
 * `onDraw` sees each draw's options and the thresholds chosen on the whole corpus under them (to score
 * other series the way the bench scores the synthetic classes, at the nab-dev thresholds).
 */
export function smoothedCv(
  corpus: NabSeries[],
  records: EngineRecord[],
  scorer: AlertScorerOptions,
  options: (keyof AlertScorerOptions)[],
  factors: number[][],
  seeds: number[] = MC_SEEDS,
  onDraw?: (options: AlertScorerOptions, thresholds: number[]) => void,
): SmoothedResult {
  return {
    draws: factors.map((f) => {
      const opts = perturbed(scorer, options, f);
      const scored = replayed(corpus, records, opts);
      if (onDraw) onDraw(opts, scoreCorpus(scored).map((r) => r.threshold));
      return monteCarloCv(scored, seeds);
    }),
  };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Per profile and split, the held-out score averaged over the draws. */
export function perSplit(r: SmoothedResult): number[][] {
  return r.draws[0].heldOut.map((_, k) => r.draws[0].heldOut[k].map((__, s) => mean(r.draws.map((d) => d.heldOut[k][s]))));
}

export interface SmoothedSpread {
  /** Over splits of the draw-averaged held-out score (mean, s.e., percentiles). */
  splits: Spread;
  /** Over draws of each draw's Monte-Carlo mean: how rough the neighbourhood is. */
  draws: Spread;
}

export function smoothedSpread(r: SmoothedResult): SmoothedSpread[] {
  return perSplit(r).map((scores, k) => ({ splits: spread(scores), draws: spread(r.draws.map((d) => d.spread[k].mean)) }));
}

export interface SmoothedDifference {
  mean: number;
  /** S.e. over the splits of the draw-averaged difference. */
  seSplits: number;
  /** S.e. over the draws of the split-averaged difference (the draws are a sample of the neighbourhood). */
  seDraws: number;
  /** Both together, √(splits² + draws²): the one the decision rule uses. */
  se: number;
}

/** `variant − base`, split by split and draw by draw (both on the same draws and splits), per profile. */
export function smoothedDifference(variant: SmoothedResult, base: SmoothedResult): SmoothedDifference[] {
  if (variant.draws.length !== base.draws.length) throw new Error('smoothing: different numbers of draws');
  const v = perSplit(variant);
  const b = perSplit(base);
  return v.map((scores, k) => {
    const splits = spread(scores.map((x, s) => x - b[k][s]));
    const draws = spread(variant.draws.map((d, i) => d.spread[k].mean - base.draws[i].spread[k].mean));
    return { mean: splits.mean, seSplits: splits.se, seDraws: draws.se, se: Math.hypot(splits.se, draws.se) };
  });
}

export interface NestedSmoothed {
  /** Per profile, the chosen candidate's draw-averaged held-out score, per split. */
  heldOut: number[][];
  spread: Spread[];
  /** Per profile, how often each candidate was chosen. */
  chosen: number[][];
}

/**
 * Choosing a setting by the smoothed objective, validated: on each training half the candidate whose
 * training score averaged over the draws is highest is chosen (per profile; the first of equals, so the
 * defaults when they come first), and its held-out score averaged over the same draws is recorded.
 */
export function nestedSmoothed(candidates: SmoothedResult[]): NestedSmoothed {
  const trained = candidates.map((c) =>
    c.draws[0].trained!.map((_, k) => c.draws[0].trained![k].map((__, s) => mean(c.draws.map((d) => d.trained![k][s])))),
  );
  const held = candidates.map(perSplit);
  const profiles = held[0].length;
  const splits = held[0][0].length;
  const heldOut: number[][] = [];
  const chosen: number[][] = [];
  for (let k = 0; k < profiles; k++) {
    heldOut.push([]);
    chosen.push(new Array<number>(candidates.length).fill(0));
    for (let s = 0; s < splits; s++) {
      let c = 0;
      for (let i = 1; i < candidates.length; i++) if (trained[i][k][s] > trained[c][k][s]) c = i;
      chosen[k][c]++;
      heldOut[k].push(held[c][k][s]);
    }
  }
  return { heldOut, spread: heldOut.map(spread), chosen };
}
