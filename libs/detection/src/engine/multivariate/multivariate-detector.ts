/**
 * Streaming multivariate detector for one asset (a group of sensors on one piece of equipment).
 *
 * A closing valve or a rotor imbalance shows first in how an asset's sensors move together, while each one
 * still looks normal alone. The detector learns the asset's normal joint behaviour and scores every sample
 * of the asset's clock against it:
 *
 * - robust standardisation per sensor (median and MAD of the training samples; learning winsorised),
 * - the mean and covariance of the standardised vector, learned from the training samples and then
 *   followed with exponential forgetting on samples judged normal,
 * - a PCA model of that covariance (refitted every `refitEvery` samples, so O(k²) amortised per update):
 *   Hotelling's T² in the principal subspace (the usual variation, grown too large) and the residual SPE/Q
 *   (a break of the correlation structure, even with every sensor inside its normal range),
 * - adaptive limits: each statistic (of the EWMA-smoothed vector, see `smooth`) has its own
 *   learned mean and variance on normal samples, read as a scaled chi-square (see `limitOf`); the limit
 *   follows the plant as it drifts,
 * - per-sensor contributions by reconstruction (Alcala & Qin 2009) on the combined index T²/τT + Q/τQ:
 *   how much of the deviation disappears when that one sensor is reconstructed from the others.
 *
 * Sensors are aligned on the asset's sample clock: `observe` records each sensor's latest value, `tick`
 * scores the vector of latest values, holding a value at most `maxHoldMs`; an older (or absent) value makes
 * the verdict `missing` with the sensors named instead of a score on stale data. Memory is bounded (the
 * training buffer holds `trainSamples` vectors, then O(k²)). Pure: no Nest, no I/O; the state is plain JSON.
 */
import { median, symmetricEigen } from './linalg';

export interface MultivariateSettings {
  /** Complete samples learned as normal before scoring starts. */
  trainSamples: number;
  /** Longest a sensor's last value stands in on the asset's clock; older means the sensor is missing. */
  maxHoldMs: number;
  /** Share of the standardised variance the principal subspace keeps (T²); the rest is residual (Q). */
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
  /** Standardised values are clipped to ±clip for learning, so a wild sample cannot teach the model. */
  clip: number;
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
  /** Smoothed statistics and their current limits (null until scored). */
  t2: number | null;
  spe: number | null;
  t2Limit: number | null;
  speLimit: number | null;
  /** max(t2/t2Limit, spe/speLimit): 1 at the limit. */
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
  /** diag(V_a Λ_a⁻¹ V_aᵀ) and diag(V_a V_aᵀ). */
  t2Diag: number[];
  projDiag: number[];
}

export interface MultivariateState {
  version: 1;
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
  cov: number[];
  model: PcaModel | null;
  sinceRefit: number;
  t2Dist: Moments;
  speDist: Moments;
  /** EWMA of the standardised vector, and its statistics and contributions. */
  zbar: number[];
  t2: number;
  spe: number;
  contrib: number[];
  inEpisode: boolean;
}

const TINY = 1e-12;

export class MultivariateDetector {
  private readonly s: MultivariateState;
  private readonly k: number;
  private readonly index = new Map<string, number>();
  // Scratch buffers: nothing is allocated per sample besides the verdict.
  private readonly z: number[];
  private readonly y: number[];
  private readonly e: number[];
  private readonly dy: number[];

  constructor(sensorIds: readonly string[], settings: Partial<MultivariateSettings> = {}) {
    this.s = MultivariateDetector.initialState(sensorIds, settings);
    this.k = sensorIds.length;
    sensorIds.forEach((id, i) => this.index.set(id, i));
    this.z = new Array<number>(this.k).fill(0);
    this.y = new Array<number>(this.k).fill(0);
    this.e = new Array<number>(this.k).fill(0);
    this.dy = new Array<number>(this.k).fill(0);
  }

  static initialState(sensorIds: readonly string[], settings: Partial<MultivariateSettings> = {}): MultivariateState {
    const merged = { ...MULTIVARIATE_DEFAULTS, ...settings };
    validateSettings(sensorIds, merged);
    const k = sensorIds.length;
    return {
      version: 1,
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
  static fromState(state: MultivariateState): MultivariateDetector {
    if (state?.version !== 1) throw new Error(`unsupported multivariate state version ${String(state?.version)}`);
    const d = new MultivariateDetector(state.sensorIds, state.settings);
    Object.assign(d.s, JSON.parse(JSON.stringify(state)) as MultivariateState);
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
    this.standardise(x);
    this.smooth(false);
    const { t2, spe } = this.statistics();
    s.t2 = t2;
    s.spe = spe;
    const t2Limit = limitOf(s.t2Dist, s.settings.thresholdSigma);
    const speLimit = limitOf(s.speDist, s.settings.thresholdSigma);
    this.contributions(t2Limit, speLimit);
    const ratio = Math.max(s.t2 / t2Limit, s.spe / speLimit);
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
    this.learn(ratio);
    return v;
  }

  private verdict(ts: number, status: MultivariateVerdict['status'], missing: string[]): MultivariateVerdict {
    return { ts, status, missing, t2: null, spe: null, t2Limit: null, speLimit: null, ratio: 0, score: 0, anomaly: false, contributions: [] };
  }

  /** Fits standardisation, covariance, PCA and the limits on the training buffer, then frees it. */
  private fit(): void {
    const s = this.s;
    const k = this.k;
    const rows = s.train;
    for (let i = 0; i < k; i++) {
      const col = rows.map((r) => r[i]);
      const m = median(col);
      const mad = median(col.map((v) => Math.abs(v - m))) * 1.4826;
      const mu = col.reduce((acc, v) => acc + v, 0) / col.length;
      const sd = Math.sqrt(col.reduce((acc, v) => acc + (v - mu) ** 2, 0) / col.length);
      s.centre[i] = m;
      // A sensor that barely moved in training (MAD 0: quantised or constant) falls back to its spread, then to
      // a small fraction of its level, so it still standardises to finite values.
      const noise = mad > TINY ? mad : sd > TINY ? sd : 1e-3 * Math.max(Math.abs(m), 1e-3);
      // A slow sensor (a temperature) wanders further than its short-term spread says: how far its level moved
      // between the two halves of the training samples is part of its normal variation, so its wander does
      // not dominate the statistic and blunt it for the sensors that hold their level. Means, not medians: a
      // quantised sensor's median jumps by a whole step between halves without the level having moved.
      const half = col.length >> 1;
      const wander = Math.abs(average(col.slice(half)) - average(col.slice(0, half)));
      s.scale[i] = Math.sqrt(noise * noise + wander * wander);
    }
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
      this.smooth(n === 0);
      const { t2, spe } = this.statistics();
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

  /** Mean, covariance and PCA model of a batch of (clipped) standardised samples. */
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

  /** PCA of the current covariance: the principal subspace keeps `explainedVariance` (at least one residual direction). */
  private refit(): void {
    const s = this.s;
    const k = this.k;
    const { values, vectors } = symmetricEigen(s.cov, k);
    const total = values.reduce((acc, v) => acc + Math.max(v, 0), 0) || 1;
    const floor = Math.max(1e-6, (1e-3 * total) / k);
    const lambdas = values.map((v) => Math.max(v, floor));
    let components = 1;
    let cum = Math.max(values[0], 0);
    while (components < k - 1 && cum / total < s.settings.explainedVariance) cum += Math.max(values[components++], 0);
    const t2Diag = new Array<number>(k).fill(0);
    const projDiag = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < components; j++) {
        const vij = vectors[i * k + j];
        t2Diag[i] += (vij * vij) / lambdas[j];
        projDiag[i] += vij * vij;
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
  private smooth(restart: boolean): void {
    const a = restart ? 1 : this.s.settings.smoothing;
    for (let i = 0; i < this.k; i++) this.s.zbar[i] = a * this.z[i] + (1 - a) * this.s.zbar[i];
  }

  /** T² and Q of the smoothed vector, leaving the centred vector, its residual and V_a Λ⁻¹ V_aᵀ y in scratch. O(k·a). */
  private statistics(): { t2: number; spe: number } {
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
  private contributions(t2Limit: number, speLimit: number): void {
    const s = this.s;
    const m = s.model as PcaModel;
    for (let i = 0; i < this.k; i++) {
      const my = this.dy[i] / t2Limit + this.e[i] / speLimit;
      const mii = m.t2Diag[i] / t2Limit + Math.max(1 - m.projDiag[i], 0) / speLimit;
      const rbc = mii > TINY ? (my * my) / mii : 0;
      s.contrib[i] = rbc;
    }
  }

  private shares(): SensorContribution[] {
    const total = this.s.contrib.reduce((acc, v) => acc + v, 0);
    return this.s.sensorIds
      .map((sensorId, i) => ({ sensorId, share: total > 0 ? this.s.contrib[i] / total : 1 / this.k }))
      .sort((p, q) => q.share - p.share);
  }

  /**
   * Exponential forgetting of mean and covariance, O(k²). Every sample teaches, with bounded influence
   * (Huber-like): a sample beyond the limit counts 1/ratio, so a fault far out is learned so slowly that it
   * stays an episode, while a lasting new operating point a little off the old one (the plant after a
   * repair, a slow drift) becomes normal instead of an episode that never ends. The limits learn only from
   * samples outside episodes, so an episode cannot raise its own limit.
   */
  private learn(ratio: number): void {
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
  const positive: (keyof MultivariateSettings)[] = ['trainSamples', 'maxHoldMs', 'thresholdSigma', 'smoothing', 'forgetting', 'clip'];
  for (const key of positive) if (!(Number.isFinite(s[key]) && s[key] > 0)) throw new Error(`${key} must be a positive number`);
  if (!Number.isInteger(s.trainSamples) || s.trainSamples < sensorIds.length + 1) throw new Error('trainSamples must be a whole number above the number of sensors');
  if (!(s.explainedVariance > 0 && s.explainedVariance < 1)) throw new Error('explainedVariance must be between 0 and 1');
  if (s.smoothing > 1) throw new Error('smoothing must be at most 1');
  if (!(s.exitRatio > 0 && s.exitRatio <= 1)) throw new Error('exitRatio must be in (0, 1]');
  if (!(Number.isInteger(s.refitEvery) && s.refitEvery >= 0)) throw new Error('refitEvery must be a whole number, 0 for automatic');
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
