/**
 * NAB v1 scoring (pure): anomaly windows, scaled sigmoid, the three profiles, normalisation against the
 * null and perfect detectors, one threshold per profile for the whole corpus, probationary period.
 * Follows NAB's `Sweeper` and /work/shared/datasets/README.md.
 */

export interface Profile {
  name: 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';
  tp: number;
  fp: number;
  fn: number;
}

export const PROFILES: Profile[] = [
  { name: 'standard', tp: 1.0, fp: 0.11, fn: 1.0 },
  { name: 'reward_low_FP_rate', tp: 1.0, fp: 0.22, fn: 1.0 },
  { name: 'reward_low_FN_rate', tp: 1.0, fp: 0.11, fn: 2.0 },
];

/** One scored series: per-row timestamps (epoch ms), the detector's scores, and the labelled windows. */
export interface ScoredSeries {
  name: string;
  timestamps: number[];
  scores: number[];
  /** [start, end] epoch ms, inclusive. */
  windows: [number, number][];
}

/** NAB's sigmoid: ≈ +1 at a window's start (y = -1), 0 at its end (y = 0), → -1 after it. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** NAB ignores detections in the first 15% of rows (at most 750). */
export function probationaryRows(length: number): number {
  return Math.min(Math.floor(0.15 * length), 0.15 * 5000);
}

/** Windows as inclusive row ranges [left, right]; windows without rows are dropped. */
export function windowRows(timestamps: number[], windows: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [start, end] of windows) {
    let left = -1;
    let right = -1;
    for (let i = 0; i < timestamps.length; i++) {
      if (timestamps[i] >= start && timestamps[i] <= end) {
        if (left < 0) left = i;
        right = i;
      }
    }
    if (left >= 0) out.push([left, right]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * Precomputed per-row weights of one series so a threshold sweep is one pass per threshold:
 * `rowWindow[i]` is the window index containing row i (-1 outside), `tpValue[i]` the sigmoid reward of a
 * first detection at i, `fpValue[i]` the (negative) sigmoid factor of a false positive at i.
 */
interface Prepared {
  scores: number[];
  probation: number;
  windows: [number, number][];
  rowWindow: Int32Array;
  tpValue: Float64Array;
  fpValue: Float64Array;
}

function prepare(series: ScoredSeries): Prepared {
  const n = series.timestamps.length;
  const windows = windowRows(series.timestamps, series.windows);
  const rowWindow = new Int32Array(n).fill(-1);
  const tpValue = new Float64Array(n);
  const fpValue = new Float64Array(n);
  windows.forEach(([l, r], w) => {
    for (let i = l; i <= r; i++) {
      rowWindow[i] = w;
      tpValue[i] = scaledSigmoid(-(r - i + 1) / (r - l + 1));
    }
  });
  let prev: [number, number] | null = null;
  for (let i = 0; i < n; i++) {
    if (rowWindow[i] >= 0) {
      prev = windows[rowWindow[i]];
      continue;
    }
    // A false positive costs less just after a window (NAB: distance past the preceding window's end, in its widths).
    fpValue[i] = prev === null ? -1 : scaledSigmoid(Math.abs(prev[1] - i) / Math.max(1, prev[1] - prev[0]));
  }
  return { scores: series.scores, probation: probationaryRows(n), windows, rowWindow, tpValue, fpValue };
}

export interface SeriesCounts {
  tp: number;
  fp: number;
  fn: number;
}

/** Raw score of one prepared series at one threshold under one profile. */
function rawScore(p: Prepared, threshold: number, profile: Profile, counts?: SeriesCounts): number {
  const hit = new Uint8Array(p.windows.length);
  let score = 0;
  for (let i = p.probation; i < p.scores.length; i++) {
    if (!(p.scores[i] >= threshold)) continue;
    const w = p.rowWindow[i];
    if (w >= 0) {
      if (!hit[w]) {
        hit[w] = 1;
        score += profile.tp * p.tpValue[i];
        if (counts) counts.tp++;
      }
    } else {
      score += profile.fp * p.fpValue[i];
      if (counts) counts.fp++;
    }
  }
  for (let w = 0; w < hit.length; w++) {
    if (!hit[w]) {
      score -= profile.fn;
      if (counts) counts.fn++;
    }
  }
  return score;
}

export interface ProfileResult {
  profile: Profile['name'];
  /** Normalised: 100 × (raw − null) / (perfect − null). */
  score: number;
  threshold: number;
  raw: number;
  counts: SeriesCounts;
}

/**
 * Scores a corpus under each profile, choosing per profile the one threshold that maximises it. Exact sweep
 * over every distinct score (as NAB's Sweeper): lowering the threshold past a row's score either adds a
 * false positive or moves its window's first detection earlier.
 */
export function scoreCorpus(corpus: ScoredSeries[], profiles: Profile[] = PROFILES): ProfileResult[] {
  return new PreparedCorpus(corpus).best(undefined, profiles);
}

/**
 * Scores a corpus at given thresholds (one per profile, chosen elsewhere): the held-out half of a
 * cross-validation, where the threshold must not be chosen on the files it is scored on.
 */
export function scoreCorpusAt(corpus: ScoredSeries[], thresholds: number[], profiles: Profile[] = PROFILES): ProfileResult[] {
  return new PreparedCorpus(corpus).at(undefined, thresholds, profiles);
}

/**
 * A corpus prepared once (window rows, sigmoid weights, every row sorted by score) and then scored on any
 * subset of its files: many cross-validation splits cost one sort, not one per split. A subset's results
 * are exactly those of `scoreCorpus` / `scoreCorpusAt` on those files alone.
 */
export class PreparedCorpus {
  private readonly prepared: Prepared[];
  private events?: { score: number; file: number; row: number }[];

  constructor(corpus: ScoredSeries[]) {
    this.prepared = corpus.map(prepare);
  }

  /** Best threshold and score per profile over `files` (indices into the corpus; all when omitted). */
  best(files?: number[], profiles: Profile[] = PROFILES): ProfileResult[] {
    const included = this.mask(files);
    const chosen = this.chosen(files);
    const events = (this.events ??= this.sortedEvents());
    return profiles.map((profile) => {
      const { nullRaw, perfectRaw } = bounds(chosen, profile);
      const first = this.prepared.map((p) => new Int32Array(p.windows.length).fill(-1));
      let raw = nullRaw;
      let best = { raw: nullRaw, threshold: Infinity };
      for (let k = 0; k < events.length; ) {
        const t = events[k].score;
        for (; k < events.length && events[k].score === t; k++) {
          const { file, row } = events[k];
          if (!included[file]) continue;
          const p = this.prepared[file];
          const w = p.rowWindow[row];
          if (w < 0) raw += profile.fp * p.fpValue[row];
          else if (first[file][w] < 0) {
            raw += profile.fn + profile.tp * p.tpValue[row];
            first[file][w] = row;
          } else if (row < first[file][w]) {
            raw += profile.tp * (p.tpValue[row] - p.tpValue[first[file][w]]);
            first[file][w] = row;
          }
        }
        if (raw > best.raw + 1e-12) best = { raw, threshold: t };
      }
      const counts: SeriesCounts = { tp: 0, fp: 0, fn: 0 };
      chosen.forEach((p) => rawScore(p, best.threshold, profile, counts));
      const score = perfectRaw === nullRaw ? 0 : (100 * (best.raw - nullRaw)) / (perfectRaw - nullRaw);
      return { profile: profile.name, score, threshold: best.threshold, raw: best.raw, counts };
    });
  }

  /** Scores over `files` (all when omitted) at the given thresholds, one per profile. */
  at(files: number[] | undefined, thresholds: number[], profiles: Profile[] = PROFILES): ProfileResult[] {
    const chosen = this.chosen(files);
    return profiles.map((profile, i) => {
      const { nullRaw, perfectRaw } = bounds(chosen, profile);
      const counts: SeriesCounts = { tp: 0, fp: 0, fn: 0 };
      const raw = chosen.reduce((sum, p) => sum + rawScore(p, thresholds[i], profile, counts), 0);
      const score = perfectRaw === nullRaw ? 0 : (100 * (raw - nullRaw)) / (perfectRaw - nullRaw);
      return { profile: profile.name, score, threshold: thresholds[i], raw, counts };
    });
  }

  private chosen(files?: number[]): Prepared[] {
    return files ? files.map((f) => this.prepared[f]) : this.prepared;
  }

  private mask(files?: number[]): Uint8Array {
    const m = new Uint8Array(this.prepared.length).fill(files ? 0 : 1);
    for (const f of files ?? []) m[f] = 1;
    return m;
  }

  private sortedEvents() {
    const events: { score: number; file: number; row: number }[] = [];
    this.prepared.forEach((p, file) => {
      for (let row = p.probation; row < p.scores.length; row++) if (Number.isFinite(p.scores[row])) events.push({ score: p.scores[row], file, row });
    });
    return events.sort((a, b) => b.score - a.score);
  }
}

/** Raw scores of the null detector (every window missed) and the perfect one (each hit at its start). */
function bounds(prepared: Prepared[], profile: Profile) {
  return {
    nullRaw: prepared.reduce((sum, p) => sum - profile.fn * p.windows.length, 0),
    perfectRaw: prepared.reduce((sum, p) => sum + p.windows.length * profile.tp * scaledSigmoid(-1), 0),
  };
}

/** Per-series raw scores at a fixed threshold (to see where a detector wins and loses). */
export function perSeries(corpus: ScoredSeries[], threshold: number, profile: Profile = PROFILES[0]) {
  return corpus.map((s) => {
    const counts: SeriesCounts = { tp: 0, fp: 0, fn: 0 };
    const raw = rawScore(prepare(s), threshold, profile, counts);
    return { name: s.name, raw, ...counts };
  });
}
