/**
 * Streaming multivariate detector for one asset (a group of sensors on one piece of equipment).
 *
 * A closing valve or a rotor imbalance shows first in how an asset's sensors move together, while each one
 * still looks normal alone. The detector learns the asset's normal joint behaviour and scores every sample
 * of the asset's clock against it, with one of two models (`model`). The default `pca` model (see `pcaFit`,
 * `pcaStatistics`, `pcaLearn`): the mean and covariance of single standardised samples, Hotelling's T² of
 * the EWMA-smoothed vector in the principal subspace and the residual SPE/Q, each with its own limit,
 * learning weight 1/ratio. The opt-in `mewma` model, a MEWMA chart (Lowry et al. 1992), far better on SKAB
 * (README, `npm run bench:skab`):
 *
 * - robust standardisation per sensor (median and a spread that a quantised sensor cannot collapse, see
 *   `fit`), winsorised at ±`clip` both when learning and when scoring, so both see the same transform,
 * - the EWMA of the standardised vector (`smoothing`): a small lasting shift of a noisy or coarsely quantised
 *   sensor stands out of the noise once averaged, and SKAB-like faults are lasting state shifts,
 * - the mean and covariance of that smoothed vector (not of single samples: the statistic is taken of the
 *   smoothed vector, so a sensor's weight must come from how much its smoothed value moves, which for a slow
 *   sensor is nearly all of its spread and for a noisy one a small part), plus each sensor's expected wander
 *   (how far a slow sensor's level drifts over a training length, `wander`), learned on the training samples
 *   and then followed with exponential forgetting on samples judged normal,
 * - Hotelling's T² of the smoothed vector over every principal direction of that covariance (a regularised
 *   Mahalanobis distance): the principal directions carry the usual variation grown too large, the minor ones
 *   a break of the correlation structure (the SPE/Q part, reported separately), in one statistic with one
 *   limit instead of two limits that trade places as the principal subspace is refitted,
 * - an adaptive limit: the statistic's learned mean and variance on normal samples, read as a scaled
 *   chi-square (see `limitOf`); it follows the plant as it drifts, each sample's pull bounded,
 * - per-sensor contributions by reconstruction (Alcala & Qin 2009): how much of the statistic disappears
 *   when that one sensor is reconstructed from the others.
 *
 * Sensors are aligned on the asset's sample clock: `observe` records each sensor's latest value, `tick`
 * scores the vector of latest values, holding a value at most `maxHoldMs`; an older (or absent) value makes
 * the verdict `missing` with the sensors named instead of a score on stale data. Memory is bounded (the
 * training buffer holds `trainSamples` vectors, then O(k²)). Pure: no Nest, no I/O; the state is plain JSON.
 */
import { median, symmetricEigen } from './linalg';

/** The models `MultivariateSettings.model` names. */
export const MULTIVARIATE_MODELS = ['pca', 'mewma'] as const;
export type MultivariateModel = (typeof MULTIVARIATE_MODELS)[number];

export interface MultivariateSettings {
  /** Complete samples learned as normal before scoring starts. */
  trainSamples: number;
  /** Longest a sensor's last value stands in on the asset's clock; older means the sensor is missing. */
  maxHoldMs: number;
  /** Share of the variance the principal directions keep; the rest is the residual (SPE/Q) part of T² reported in `spe`. */
  explainedVariance: number;
  /** Limit: the upper quantile at this many standard normal deviations of the statistic's learned distribution. */
  thresholdSigma: number;
  /** EWMA weight of a new sample in the smoothed vector the statistics are taken of (1 = no smoothing). */
  smoothing: number;
  /** Effective memory (samples) of the covariance and the limits once training is over. */
  forgetting: number;
  /** Samples between refits of the PCA model; 0 = automatic (max(50, 2k), keeps the update O(k²) amortised). */
  refitEvery: number;
  /** An episode ends when the statistic falls under this fraction of its limit (hysteresis). */
  exitRatio: number;
  /** Standardised values are clipped to ±clip for learning (and, in the `mewma` model, for scoring too). */
  clip: number;
  /**
   * `pca` (the default): the model of single standardised samples, T² in the principal subspace and SPE/Q
   * in the residual with a limit each. `mewma`: the model of the smoothed vector with the sensors' wander,
   * one T² over every direction (see the file's comment): far better on SKAB, but on a pump whose sensors
   * all follow one slow load it flags a correlation break only while the load is well away from its mean,
   * so one break becomes several episodes; opt in per asset where the sensors have independent dynamics.
   */
  model: MultivariateModel;
}

export const MULTIVARIATE_DEFAULTS: Readonly<MultivariateSettings> = Object.freeze({
  trainSamples: 400,
  maxHoldMs: 10_000,
  explainedVariance: 0.9,
  thresholdSigma: 3.5,
  smoothing: 0.05,
  forgetting: 1000,
  refitEvery: 0,
  exitRatio: 0.8,
  clip: 6,
  model: 'pca',
});

export interface SensorContribution {
  sensorId: string;
  /** Share of the asset's deviation attributed to this sensor; shares sum to 1. */
  share: number;
}

export interface MultivariateVerdict {
  ts: number;
  status: 'training' | 'scored' | 'missing';
  /** Sensors without a value within `maxHoldMs` (status `missing`). */
  missing: string[];
  /**
   * T² of the smoothed vector over all directions and its current limit (null until scored); `spe` is the
   * part of that T² in the residual (minor) directions: the sensors no longer moving together as they do.
   * `speLimit` is always null (kept for version-1 readers: one statistic, one limit).
   */
  t2: number | null;
  spe: number | null;
  t2Limit: number | null;
  speLimit: number | null;
  /** t2/t2Limit: 1 at the limit. */
  ratio: number;
  /** ratio/(1+ratio) in [0, 1): 0.5 at the limit; 0 while training or missing. */
  score: number;
  anomaly: boolean;
  /** Descending by share; empty unless scored. */
  contributions: SensorContribution[];
}

/** Exponentially weighted mean and variance of a statistic on normal samples. */
interface Moments {
  mean: number;
  variance: number;
}

/** PCA model of the standardised covariance, with the diagonals the contributions need. */
interface PcaModel {
  components: number;
  values: number[];
  /** Eigenvectors as columns, k×k row-major. */
  vectors: number[];
  /** diag(V Λ⁻¹ Vᵀ) over all directions, and diag(V_a V_aᵀ) of the principal ones (`components`). */
  t2Diag: number[];
  projDiag: number[];
}

export interface MultivariateState {
  /** 2 added `settings.model`, `wander` and `shrinkage`; a version-1 state loads as the `pca` model it is. */
  version: 2;
  sensorIds: string[];
  settings: MultivariateSettings;
  /** Complete samples seen (trained or scored). */
  n: number;
  last: (number | null)[];
  lastTs: (number | null)[];
  /** Raw vectors while training; emptied once the model is fitted. */
  train: number[][];
  centre: number[];
  scale: number[];
  mean: number[];
  /** Covariance of the smoothed standardised vector, followed with forgetting. */
  cov: number[];
  /** The sensors' expected wander (standardised units², k×k), added to the covariance at every refit. */
  wander: number[];
  /** Share by which the covariance's and the wander's correlations are shrunk toward none (see `shrinkageOf`). */
  shrinkage: number;
  model: PcaModel | null;
  sinceRefit: number;
  t2Dist: Moments;
  /** `pca` only: the SPE/Q statistic's learned moments. */
  speDist: Moments;
  /** EWMA of the standardised vector, and its statistics and contributions. */
  zbar: number[];
  t2: number;
  spe: number;
  contrib: number[];
  inEpisode: boolean;
}

const TINY = 1e-12;

/** A version-1 state: the same, without `settings.model`, `wander` and `shrinkage`. */
export type LegacyState = Omit<MultivariateState, 'version' | 'settings' | 'wander' | 'shrinkage'> & {
  version: 1;
  settings: Omit<MultivariateSettings, 'model'>;
};

export class MultivariateDetector {
  private readonly s: MultivariateState;
  private readonly k: number;
  private readonly index = new Map<string, number>();
  // Scratch buffers: nothing is allocated per sample besides the verdict.
  private readonly z: number[];
  private readonly y: number[];
  private readonly dy: number[];
  private readonly e: number[];

  constructor(sensorIds: readonly string[], settings: Partial<MultivariateSettings> = {}) {
    this.s = MultivariateDetector.initialState(sensorIds, settings);
    this.k = sensorIds.length;
    sensorIds.forEach((id, i) => this.index.set(id, i));
    this.z = new Array<number>(this.k).fill(0);
    this.y = new Array<number>(this.k).fill(0);
    this.dy = new Array<number>(this.k).fill(0);
    this.e = new Array<number>(this.k).fill(0);
  }

  static initialState(sensorIds: readonly string[], settings: Partial<MultivariateSettings> = {}): MultivariateState {
    const merged = { ...MULTIVARIATE_DEFAULTS, ...settings };
    validateSettings(sensorIds, merged);
    const k = sensorIds.length;
    return {
      version: 2,
      sensorIds: [...sensorIds],
      settings: merged,
      n: 0,
      last: new Array<number | null>(k).fill(null),
      lastTs: new Array<number | null>(k).fill(null),
      train: [],
      centre: new Array<number>(k).fill(0),
      scale: new Array<number>(k).fill(1),
      mean: new Array<number>(k).fill(0),
      cov: new Array<number>(k * k).fill(0),
      wander: new Array<number>(k * k).fill(0),
      shrinkage: 0,
      model: null,
      sinceRefit: 0,
      t2Dist: { mean: 0, variance: 0 },
      speDist: { mean: 0, variance: 0 },
      zbar: new Array<number>(k).fill(0),
      t2: 0,
      spe: 0,
      contrib: new Array<number>(k).fill(0),
      inEpisode: false,
    };
  }

  /** A detector continuing from a saved state (deep-copied: the caller's object is not shared). */
  static fromState(state: MultivariateState | LegacyState): MultivariateDetector {
    const version = (state as { version?: unknown } | null)?.version;
    if (version !== 1 && version !== 2) throw new Error(`unsupported multivariate state version ${String(version)}`);
    const copy = JSON.parse(JSON.stringify(state)) as MultivariateState;
    if (version === 1) {
      // Saved before the `mewma` model existed: a `pca` model, which needs neither wander nor shrinkage.
      const k = copy.sensorIds.length;
      Object.assign(copy, { version: 2, wander: new Array<number>(k * k).fill(0), shrinkage: 0 });
      copy.settings = { ...copy.settings, model: 'pca' };
    }
    const d = new MultivariateDetector(copy.sensorIds, copy.settings);
    Object.assign(d.s, copy);
    return d;
  }

  /** A deep copy of the state, plain JSON. */
  toState(): MultivariateState {
    return JSON.parse(JSON.stringify(this.s)) as MultivariateState;
  }

  get sensorIds(): readonly string[] {
    return this.s.sensorIds;
  }

  get trained(): boolean {
    return this.s.model !== null;
  }

  /** How far training has come (complete samples kept of those it needs); null once the model is fitted. */
  get trainingProgress(): { samples: number; needed: number } | null {
    return this.s.model ? null : { samples: this.s.train.length, needed: this.s.settings.trainSamples };
  }

  /** Records a sensor's latest value; unknown sensors and non-finite values are ignored. */
  observe(sensorId: string, ts: number, value: number): void {
    const i = this.index.get(sensorId);
    if (i === undefined || !Number.isFinite(value)) return;
    this.s.last[i] = value;
    this.s.lastTs[i] = ts;
  }

  /** One row: the values in `sensorIds` order (null/NaN = no new value), then a tick. */
  update(ts: number, values: ReadonlyArray<number | null | undefined>): MultivariateVerdict {
    for (let i = 0; i < this.k; i++) {
      const v = values[i];
      if (v !== null && v !== undefined && Number.isFinite(v)) {
        this.s.last[i] = v;
        this.s.lastTs[i] = ts;
      }
    }
    return this.tick(ts);
  }

  /** Scores the asset at `ts` on its sensors' latest values. */
  tick(ts: number): MultivariateVerdict {
    const s = this.s;
    const missing: string[] = [];
    for (let i = 0; i < this.k; i++) {
      const at = s.lastTs[i];
      if (at === null || ts - at > s.settings.maxHoldMs) missing.push(s.sensorIds[i]);
    }
    if (missing.length) return this.verdict(ts, 'missing', missing);
    const x = s.last as number[];
    s.n++;
    if (!s.model) {
      s.train.push([...x]);
      if (s.train.length >= s.settings.trainSamples) this.fit();
      return this.verdict(ts, 'training', []);
    }
    const mewma = s.settings.model === 'mewma';
    this.standardise(x);
    if (mewma) for (let i = 0; i < this.k; i++) this.z[i] = clip(this.z[i], s.settings.clip);
    this.smooth();
    const { t2, spe } = mewma ? this.statistics() : this.pcaStatistics();
    s.t2 = t2;
    s.spe = spe;
    const t2Limit = limitOf(s.t2Dist, s.settings.thresholdSigma);
    const speLimit = mewma ? null : limitOf(s.speDist, s.settings.thresholdSigma);
    if (speLimit === null) this.contributions();
    else this.pcaContributions(t2Limit, speLimit);
    const ratio = speLimit === null ? s.t2 / t2Limit : Math.max(s.t2 / t2Limit, s.spe / speLimit);
    s.inEpisode = s.inEpisode ? ratio >= s.settings.exitRatio : ratio > 1;
    const v = this.verdict(ts, 'scored', []);
    v.t2 = s.t2;
    v.spe = s.spe;
    v.t2Limit = t2Limit;
    v.speLimit = speLimit;
    v.ratio = ratio;
    v.score = ratio / (1 + ratio);
    v.anomaly = s.inEpisode;
    v.contributions = this.shares();
    if (mewma) this.learn(ratio);
    else this.pcaLearn(ratio);
    return v;
  }

  private verdict(ts: number, status: MultivariateVerdict['status'], missing: string[]): MultivariateVerdict {
    return { ts, status, missing, t2: null, spe: null, t2Limit: null, speLimit: null, ratio: 0, score: 0, anomaly: false, contributions: [] };
  }

  /** Fits standardisation, wander, covariance, PCA and the limit on the training buffer, then frees it. */
  private fit(): void {
    const s = this.s;
    const k = this.k;
    const rows = s.train;
    for (let i = 0; i < k; i++) {
      const col = rows.map((r) => r[i]);
      const m = median(col);
      const mad = median(col.map((v) => Math.abs(v - m))) * 1.4826;
      // A quantised sensor (a flow reading mostly 32 with jitter, now and then 31 or 33) has a MAD of its
      // jitter only, and every step would then sit at the clip; the mean absolute deviation (scaled to a
      // normal's σ) counts the steps, so the `mewma` model takes the larger of the two as the spread.
      const meanAd = average(col.map((v) => Math.abs(v - m))) * 1.2533;
      const mu = average(col);
      const sd = Math.sqrt(average(col.map((v) => (v - mu) ** 2)));
      s.centre[i] = m;
      const spread = s.settings.model === 'mewma' ? Math.max(mad, meanAd) : mad;
      // A sensor that barely moved in training falls back to its spread, then to a small fraction of its level.
      const noise = spread > TINY ? spread : sd > TINY ? sd : 1e-3 * Math.max(Math.abs(m), 1e-3);
      // A slow sensor (a temperature) wanders further than its short-term spread says: how far its level moved
      // between the two halves of the training samples is part of its normal variation. Means, not medians: a
      // quantised sensor's median jumps by a whole step between halves without the level having moved.
      const half = col.length >> 1;
      const wander = Math.abs(average(col.slice(half)) - average(col.slice(0, half)));
      s.scale[i] = Math.sqrt(noise * noise + wander * wander);
    }
    if (s.settings.model !== 'mewma') return this.pcaFit();
    // Winsorised at ±clip, as when scoring: a wild sample moves the smoothed vector by a bounded step.
    const zs = rows.map((r) => {
      this.standardise(r);
      return this.z.map((v) => clip(v, s.settings.clip));
    });
    // The smoothed training vectors, the EWMA started at the mean of its first memory-length of samples so
    // the early ones are not single samples with their full spread.
    const a = s.settings.smoothing;
    const lead = Math.min(Math.ceil(1 / a), zs.length);
    s.zbar.fill(0);
    for (let n = 0; n < lead; n++) for (let i = 0; i < k; i++) s.zbar[i] += zs[n][i] / lead;
    const bars = zs.map((z) => {
      this.z.splice(0, k, ...z);
      this.smooth();
      return [...s.zbar];
    });
    const last = [...s.zbar];
    s.shrinkage = shrinkageOf(bars, a);
    s.wander = wanderOf(zs);
    // The limit comes from how a model of the first half of the training samples scores the second half:
    // in-sample statistics are too small (the model has fitted their own noise) and a plant drifts, so
    // unseen normal samples score higher than the ones learned.
    const half = bars.length >> 1;
    this.learnBatch(bars.slice(0, half));
    const lt: number[] = [];
    for (const b of bars.slice(half)) {
      s.zbar.splice(0, k, ...b);
      lt.push(this.statistics().t2);
    }
    s.t2Dist = meanVariance(lt);
    this.learnBatch(bars);
    s.zbar.splice(0, k, ...last);
    s.train = [];
  }

  /** Mean, covariance and PCA model of a batch of smoothed standardised vectors. */
  private learnBatch(zs: readonly number[][]): void {
    const s = this.s;
    const k = this.k;
    s.mean.fill(0);
    for (const z of zs) for (let i = 0; i < k; i++) s.mean[i] += z[i] / zs.length;
    s.cov.fill(0);
    for (const z of zs) {
      for (let i = 0; i < k; i++) {
        const di = z[i] - s.mean[i];
        for (let j = 0; j < k; j++) s.cov[i * k + j] += (di * (z[j] - s.mean[j])) / zs.length;
      }
    }
    this.refit();
  }

  /**
   * PCA of the current covariance plus the sensors' wander: T² runs over every direction; the principal ones
   * keep `explainedVariance` (at least one residual direction), which only splits the report (`spe`).
   */
  private refit(): void {
    const s = this.s;
    const k = this.k;
    const mewma = s.settings.model === 'mewma';
    const m = s.cov.slice();
    const keep = 1 - s.shrinkage;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) m[i * k + j] = i === j ? m[i * k + j] + s.wander[i * k + j] : keep * (m[i * k + j] + s.wander[i * k + j]);
    const { values, vectors } = symmetricEigen(m, k);
    const total = values.reduce((acc, v) => acc + Math.max(v, 0), 0) || 1;
    const floor = Math.max(1e-6, (1e-3 * total) / k);
    const lambdas = values.map((v) => Math.max(v, floor));
    let components = 1;
    let cum = Math.max(values[0], 0);
    while (components < k - 1 && cum / total < s.settings.explainedVariance) cum += Math.max(values[components++], 0);
    const t2Diag = new Array<number>(k).fill(0);
    const projDiag = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < (mewma ? k : components); j++) {
        const vij = vectors[i * k + j];
        t2Diag[i] += (vij * vij) / lambdas[j];
        if (j < components) projDiag[i] += vij * vij;
      }
    }
    s.model = { components, values: lambdas, vectors, t2Diag, projDiag };
    s.sinceRefit = 0;
  }

  private standardise(x: readonly number[]): void {
    for (let i = 0; i < this.k; i++) this.z[i] = (x[i] - this.s.centre[i]) / this.s.scale[i];
  }

  /**
   * The EWMA of the standardised vector (a MEWMA chart, Lowry et al. 1992): a small lasting shift of a
   * noisy or coarsely quantised sensor (a flow reading stepping between 31 and 33) stands out of the noise
   * once averaged, which smoothing the statistic of single samples does not achieve.
   */
  private smooth(): void {
    const a = this.s.settings.smoothing;
    for (let i = 0; i < this.k; i++) this.s.zbar[i] = a * this.z[i] + (1 - a) * this.s.zbar[i];
  }

  /**
   * T² of the smoothed vector over every direction, and its part in the residual directions (`spe`), leaving
   * M·y = V Λ⁻¹ Vᵀ y in scratch for the contributions. O(k²).
   */
  private statistics(): { t2: number; spe: number } {
    const s = this.s;
    const m = s.model as PcaModel;
    const k = this.k;
    for (let i = 0; i < k; i++) {
      this.y[i] = s.zbar[i] - s.mean[i];
      this.dy[i] = 0;
    }
    let t2 = 0;
    let spe = 0;
    for (let j = 0; j < k; j++) {
      let score = 0;
      for (let i = 0; i < k; i++) score += m.vectors[i * k + j] * this.y[i];
      const part = (score * score) / m.values[j];
      t2 += part;
      if (j >= m.components) spe += part;
      for (let i = 0; i < k; i++) this.dy[i] += (m.vectors[i * k + j] * score) / m.values[j];
    }
    return { t2, spe };
  }

  /** Reconstruction-based contributions to T² = yᵀMy: RBC_i = (My)_i² / M_ii of the smoothed vector. */
  private contributions(): void {
    const s = this.s;
    const m = s.model as PcaModel;
    for (let i = 0; i < this.k; i++) s.contrib[i] = m.t2Diag[i] > TINY ? (this.dy[i] * this.dy[i]) / m.t2Diag[i] : 0;
  }

  private shares(): SensorContribution[] {
    const total = this.s.contrib.reduce((acc, v) => acc + v, 0);
    return this.s.sensorIds
      .map((sensorId, i) => ({ sensorId, share: total > 0 ? this.s.contrib[i] / total : 1 / this.k }))
      .sort((p, q) => q.share - p.share);
  }

  /**
   * Exponential forgetting of mean and covariance of the smoothed vector, O(k²). Every sample teaches, with
   * an influence that falls as 1/ratio²: a sample beyond the limit hardly teaches, so a fault (a closed valve
   * for minutes) is not learned as normal while it lasts, and the episode does not fade into the model; a
   * lasting new operating point close to the old one (a slow drift) is still followed. The limit learns only
   * outside episodes, and each sample's pull on it is bounded (winsorised at the learned mean + 2σ): without
   * that, a fault that ramps up slowly under the limit widens the limit faster than it grows and is never
   * flagged.
   */
  private learn(ratio: number): void {
    const s = this.s;
    const k = this.k;
    const w = (1 / s.settings.forgetting) * Math.min(1, 1 / (ratio * ratio));
    for (let i = 0; i < k; i++) this.y[i] = s.zbar[i] - s.mean[i];
    for (let i = 0; i < k; i++) {
      s.mean[i] += w * this.y[i];
      for (let j = 0; j < k; j++) s.cov[i * k + j] = (1 - w) * (s.cov[i * k + j] + w * this.y[i] * this.y[j]);
    }
    if (!s.inEpisode) {
      const bounded = Math.min(s.t2, s.t2Dist.mean + 2 * Math.sqrt(s.t2Dist.variance));
      updateMoments(s.t2Dist, bounded, 1 / s.settings.forgetting);
    }
    const every = s.settings.refitEvery > 0 ? s.settings.refitEvery : Math.max(50, 2 * k);
    if (++s.sinceRefit >= every) this.refit();
  }

  /** The `pca` model's fit, after the standardisation: model of single samples, a limit for T² and for Q. */
  private pcaFit(): void {
    const s = this.s;
    const rows = s.train;
    const zs = rows.map((r) => {
      this.standardise(r);
      return this.z.map((v) => clip(v, s.settings.clip));
    });
    // The limits come from how a model of the first half of the training samples scores the second half:
    // in-sample statistics are too small (the model has fitted their own noise) and a plant drifts, so
    // unseen normal samples score higher than the ones learned.
    const half = zs.length >> 1;
    this.learnBatch(zs.slice(0, half));
    const lt: number[] = [];
    const lq: number[] = [];
    rows.slice(half).forEach((r, n) => {
      this.standardise(r);
      if (n === 0) s.zbar.splice(0, this.k, ...this.z);
      else this.smooth();
      const { t2, spe } = this.pcaStatistics();
      s.t2 = t2;
      s.spe = spe;
      lt.push(s.t2);
      lq.push(s.spe);
    });
    s.t2Dist = meanVariance(lt);
    s.speDist = meanVariance(lq);
    this.learnBatch(zs);
    s.train = [];
  }


  /** T² and Q of the smoothed vector, leaving the centred vector, its residual and V_a Λ⁻¹ V_aᵀ y in scratch. O(k·a). */
  private pcaStatistics(): { t2: number; spe: number } {
    const s = this.s;
    const m = s.model as PcaModel;
    const k = this.k;
    for (let i = 0; i < k; i++) {
      this.y[i] = s.zbar[i] - s.mean[i];
      this.e[i] = this.y[i];
      this.dy[i] = 0;
    }
    let t2 = 0;
    for (let j = 0; j < m.components; j++) {
      let score = 0;
      for (let i = 0; i < k; i++) score += m.vectors[i * k + j] * this.y[i];
      t2 += (score * score) / m.values[j];
      for (let i = 0; i < k; i++) {
        this.e[i] -= m.vectors[i * k + j] * score;
        this.dy[i] += (m.vectors[i * k + j] * score) / m.values[j];
      }
    }
    let spe = 0;
    for (let i = 0; i < k; i++) spe += this.e[i] * this.e[i];
    return { t2, spe };
  }

  /**
   * Reconstruction-based contributions on the combined index φ = T²/τT + Q/τQ = yᵀMy:
   * RBC_i = (My)_i² / M_ii of the smoothed vector.
   */
  private pcaContributions(t2Limit: number, speLimit: number): void {
    const s = this.s;
    const m = s.model as PcaModel;
    for (let i = 0; i < this.k; i++) {
      const my = this.dy[i] / t2Limit + this.e[i] / speLimit;
      const mii = m.t2Diag[i] / t2Limit + Math.max(1 - m.projDiag[i], 0) / speLimit;
      const rbc = mii > TINY ? (my * my) / mii : 0;
      s.contrib[i] = rbc;
    }
  }

  /**
   * Exponential forgetting of mean and covariance, O(k²). Every sample teaches, with bounded influence
   * (Huber-like): a sample beyond the limit counts 1/ratio, so a fault far out is learned so slowly that it
   * stays an episode, while a lasting new operating point a little off the old one (the plant after a
   * repair, a slow drift) becomes normal instead of an episode that never ends. The limits learn only from
   * samples outside episodes, so an episode cannot raise its own limit.
   */
  private pcaLearn(ratio: number): void {
    const s = this.s;
    const k = this.k;
    const w = (1 / s.settings.forgetting) * Math.min(1, 1 / ratio);
    // Winsorised in training units: a fault far out (a closed valve) cannot drag the model after it.
    for (let i = 0; i < k; i++) this.y[i] = clip(this.z[i], s.settings.clip) - s.mean[i];
    for (let i = 0; i < k; i++) {
      s.mean[i] += w * this.y[i];
      for (let j = 0; j < k; j++) s.cov[i * k + j] = (1 - w) * (s.cov[i * k + j] + w * this.y[i] * this.y[j]);
    }
    if (!s.inEpisode) {
      const wl = 1 / s.settings.forgetting;
      updateMoments(s.t2Dist, s.t2, wl);
      updateMoments(s.speDist, s.spe, wl);
    }
    const every = s.settings.refitEvery > 0 ? s.settings.refitEvery : Math.max(50, 2 * k);
    if (++s.sinceRefit >= every) this.refit();
  }
}

function validateSettings(sensorIds: readonly string[], s: MultivariateSettings): void {
  if (sensorIds.length < 2) throw new Error('a multivariate detector needs at least 2 sensors');
  if (new Set(sensorIds).size !== sensorIds.length) throw new Error('sensorIds must be distinct');
  const positive = ['trainSamples', 'maxHoldMs', 'thresholdSigma', 'smoothing', 'forgetting', 'clip'] as const;
  for (const key of positive) if (!(Number.isFinite(s[key]) && s[key] > 0)) throw new Error(`${key} must be a positive number`);
  if (s.model !== 'pca' && s.model !== 'mewma') throw new Error('model must be pca or mewma');
  if (!Number.isInteger(s.trainSamples) || s.trainSamples < sensorIds.length + 1) throw new Error('trainSamples must be a whole number above the number of sensors');
  if (!(s.explainedVariance > 0 && s.explainedVariance < 1)) throw new Error('explainedVariance must be between 0 and 1');
  if (s.smoothing > 1) throw new Error('smoothing must be at most 1');
  if (!(s.exitRatio > 0 && s.exitRatio <= 1)) throw new Error('exitRatio must be in (0, 1]');
  if (!(Number.isInteger(s.refitEvery) && s.refitEvery >= 0)) throw new Error('refitEvery must be a whole number, 0 for automatic');
}

/**
 * The sensors' expected wander over one training length, in standardised units² (k×k). Per sensor: the
 * training samples' block means (blocks of up to 20 samples) step from block to block by more than their
 * noise alone would make them when the level itself drifts; that excess, per sample, is the sensor's drift
 * rate (a random walk's increment variance), times the training length. A sensor with a steady level
 * (noise around a set point, however coarse) gets 0. Between sensors, the wander is given the samples'
 * samples' correlation (W = D^½ R D^½, positive semi-definite; shrunk with the covariance, see `refit`): levels drift through the same couplings the sensors normally move by (a load drives flow,
 * pressure and current together), so a drift along those couplings is expected while one that breaks them
 * is not. Estimating the drift's own correlations would need far more than the training length's few
 * dozen blocks.
 */
function wanderOf(zs: readonly number[][]): number[] {
  const n = zs.length;
  const k = zs[0].length;
  const block = Math.max(2, Math.min(20, Math.floor(n / 4)));
  const mu = new Array<number>(k).fill(0).map((_, i) => average(zs.map((z) => z[i])));
  const cov = new Array<number>(k * k).fill(0);
  for (const z of zs) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cov[i * k + j] += ((z[i] - mu[i]) * (z[j] - mu[j])) / n;
  const drift = cov.slice(0, k).map((_, i) => {
    const means: number[] = [];
    for (let b = 0; b + block <= n; b += block) means.push(average(zs.slice(b, b + block).map((z) => z[i])));
    let step = 0;
    for (let b = 1; b < means.length; b++) step += (means[b] - means[b - 1]) ** 2 / (means.length - 1);
    return (Math.max(0, step - (2 * cov[i * k + i]) / block) / block) * n;
  });
  const out = new Array<number>(k * k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const sd = Math.sqrt(cov[i * k + i] * cov[j * k + j]);
      const r = i === j ? 1 : sd > TINY ? Math.max(-1, Math.min(1, cov[i * k + j] / sd)) : 0;
      out[i * k + j] = r * Math.sqrt(drift[i] * drift[j]);
    }
  }
  return out;
}

/**
 * How far to shrink the smoothed vector's correlations toward none (Schäfer & Strimmer 2005, the Ledoit–Wolf
 * intensity for a correlation target): the estimated correlations' sampling variance over their squared size.
 * The smoothed training vectors are far from independent (an EWMA of weight a keeps about a/(2−a) of the
 * samples' information), so the variance is scaled up by (2−a)/a: 400 samples at smoothing 0.1 are some 20
 * independent ones. Chance correlations (sensors that cycle independently, seen over a few cycles) are then
 * mostly shrunk away, while a strong real coupling (a load driving flow, pressure and current) is kept.
 */
function shrinkageOf(zs: readonly number[][], smoothing: number): number {
  const n = zs.length;
  const k = zs[0].length;
  const mu = new Array<number>(k).fill(0).map((_, i) => average(zs.map((z) => z[i])));
  const sd = mu.map((m, i) => Math.sqrt(Math.max(average(zs.map((z) => (z[i] - m) ** 2)), TINY)));
  const dependence = (2 - smoothing) / smoothing;
  let variance = 0;
  let size = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const w = zs.map((z) => ((z[i] - mu[i]) / sd[i]) * ((z[j] - mu[j]) / sd[j]));
      const r = average(w);
      variance += (average(w.map((x) => (x - r) ** 2)) / n) * dependence;
      size += r * r;
    }
  }
  return size > 0 ? Math.min(1, variance / size) : 1;
}

function average(values: readonly number[]): number {
  return values.reduce((a, v) => a + v, 0) / values.length;
}

function clip(v: number, c: number): number {
  return v > c ? c : v < -c ? -c : v;
}

/**
 * The upper limit of a statistic with these moments, read as a scaled chi-square g·χ²_h (Box 1954; the usual
 * SPE limit of Nomikos & MacGregor): g = var/(2·mean), h = 2·mean²/var, so the limit follows the learned
 * distribution's shape whatever the number of sensors or the smoothing. Quantile by Wilson–Hilferty at
 * `sigma` standard normal deviations (3 ≈ 1 false sample in 740 if the samples were independent).
 */
function limitOf(stat: Moments, sigma: number): number {
  const mean = Math.max(stat.mean, TINY);
  const h = (2 * mean * mean) / Math.max(stat.variance, TINY * mean * mean);
  const c = 2 / (9 * h);
  return mean * Math.max(1 - c + sigma * Math.sqrt(c), 1e-3) ** 3;
}

function meanVariance(values: readonly number[]): Moments {
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  return { mean, variance: values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length };
}

function updateMoments(stat: Moments, v: number, w: number): void {
  const d = v - stat.mean;
  stat.mean += w * d;
  stat.variance = (1 - w) * (stat.variance + w * d * d);
}
