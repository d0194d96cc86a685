/** Detector configuration: automatic defaults scaled to the sensor's sample period, overridable per sensor or tag type. */

import { DETECTOR_KINDS, DetectorKind } from '@idm/contracts';
import type { DetectorOverrides } from '@idm/contracts';

export const DETECTOR_NAMES = DETECTOR_KINDS;
export type DetectorName = DetectorKind;

export interface LimitSettings {
  lolo?: number | null;
  lo?: number | null;
  hi?: number | null;
  hihi?: number | null;
  /** A limit that was crossed stays active until the value is back by this much (anti-chatter). */
  deadband?: number | null;
}

/** What an admin may override; everything is optional and falls back to the automatic configuration. */
export interface DetectorSettings {
  /** Half-life of the learned baseline (mean, variance), in ms of sensor time. */
  baselineHalfLifeMs?: number;
  /** Learning period with no statistical anomalies, in ms (limits and physical range apply at once). */
  warmupMs?: number;
  zThreshold?: number;
  rateThreshold?: number;
  ewmaLambda?: number;
  ewmaL?: number;
  cusumK?: number;
  cusumH?: number;
  /** A flat line is anomalous when this unlikely given how often the value usually repeats. */
  stuckProbability?: number;
  stuckMinSamples?: number;
  /** Short-term / long-term standard deviation ratio that counts as a noise burst. */
  noiseRatio?: number;
  /** Score given to a Western Electric / Nelson run-rule hit (they are weak evidence on autocorrelated data). */
  runRuleScore?: number;
  /** Consecutive normal samples that close an anomaly episode (off-delay). */
  episodeClearSamples?: number;
  /** Smallest standard deviation used, in engineering units (quantised or constant signals). */
  minSigma?: number;
  limits?: LimitSettings | null;
  physicalMin?: number | null;
  physicalMax?: number | null;
  enabled?: Partial<Record<DetectorName, boolean>>;
  /**
   * Judge a signal that is zero most of the time (a byte or event counter) by its burst sizes on a log
   * scale and by the absence of bursts, instead of spikes against its mean. Off by default: on the NAB
   * cross-validation folds it did not pay (see README, detection quality).
   */
  countModel?: boolean;
  /**
   * With `countModel`: also judge how often a count signal is active (its share of non-zero samples, an
   * EWMA with the EWMA chart's λ) against its usual share, reported as `noise` when that share is as
   * unlikely as a stuck run (`stuckProbability`, binomial large-deviation bound). Off by default (README,
   * detection quality: tried for the count classes and not kept).
   */
  countActivity?: boolean;
  /**
   * With `countModel`: whether the Gaussian level charts (EWMA drift, CUSUM level shift) still judge a count
   * signal (default true). On a count signal they mix how often it is active with how large its bursts are,
   * which the count model judges apart.
   */
  countLevelCharts?: boolean;
  /**
   * With `countModel`: a signal judged a count signal stays one while it is zero at least half as often as
   * it takes to become one, so an hour of dense activity does not hand it to the Gaussian charts (whose
   * mean and spread its zeros made). Off by default.
   */
  countSticky?: boolean;
}

/** The configuration the engine runs with: every window expressed in samples. */
export interface ResolvedConfig {
  periodMs: number | null;
  warmupSamples: number;
  alpha: number;
  fastAlpha: number;
  zThreshold: number;
  zClip: number;
  rateThreshold: number;
  ewmaLambda: number;
  ewmaL: number;
  cusumK: number;
  cusumH: number;
  stuckProbability: number;
  stuckMinSamples: number;
  noiseRatio: number;
  runRuleScore: number;
  episodeClearSamples: number;
  minSigma: number;
  limits: LimitSettings | null;
  physicalMin: number | null;
  physicalMax: number | null;
  enabled: Record<DetectorName, boolean>;
  countModel: boolean;
  countActivity: boolean;
  countLevelCharts: boolean;
  countSticky: boolean;
}

export const DEFAULT_SETTINGS = {
  baselineHalfLifeMs: 6 * 3600_000,
  warmupMs: 24 * 3600_000,
  zThreshold: 4.5,
  rateThreshold: 7,
  ewmaLambda: 0.1,
  ewmaL: 4,
  cusumK: 0.75,
  cusumH: 10,
  stuckProbability: 1e-4,
  stuckMinSamples: 10,
  noiseRatio: 3.5,
  runRuleScore: 0.3,
  episodeClearSamples: 12,
  minSigma: 0,
} as const;

/** Bounds (in samples) that keep windows sane whatever the sample rate. */
const HALF_LIFE_SAMPLES = { min: 20, max: 2000, ifUnknown: 60 };
const WARMUP_SAMPLES = { min: 30, max: 5000 };

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function resolveConfig(periodMs: number | null, settings: DetectorSettings = {}): ResolvedConfig {
  const s = { ...DEFAULT_SETTINGS, ...dropUndefined(settings) };
  const halfLife =
    periodMs && periodMs > 0 ? clamp(Math.round(s.baselineHalfLifeMs / periodMs), HALF_LIFE_SAMPLES.min, HALF_LIFE_SAMPLES.max) : HALF_LIFE_SAMPLES.ifUnknown;
  const warmup =
    periodMs && periodMs > 0 ? clamp(Math.round(s.warmupMs / periodMs), WARMUP_SAMPLES.min, WARMUP_SAMPLES.max) : 2 * halfLife;
  const enabled = Object.fromEntries(DETECTOR_NAMES.map((n) => [n, settings.enabled?.[n] ?? true])) as Record<DetectorName, boolean>;
  return {
    periodMs,
    warmupSamples: Math.max(warmup, 10),
    alpha: 1 - Math.pow(0.5, 1 / halfLife),
    // The noise detector compares a few samples' spread with the baseline's.
    fastAlpha: 1 - Math.pow(0.5, 1 / 4),
    zThreshold: s.zThreshold,
    zClip: s.zThreshold,
    rateThreshold: s.rateThreshold,
    ewmaLambda: s.ewmaLambda,
    ewmaL: s.ewmaL,
    cusumK: s.cusumK,
    cusumH: s.cusumH,
    stuckProbability: s.stuckProbability,
    stuckMinSamples: s.stuckMinSamples,
    noiseRatio: s.noiseRatio,
    runRuleScore: s.runRuleScore,
    episodeClearSamples: s.episodeClearSamples,
    minSigma: s.minSigma,
    limits: settings.limits ?? null,
    physicalMin: settings.physicalMin ?? null,
    physicalMax: settings.physicalMax ?? null,
    enabled,
    countModel: settings.countModel ?? false,
    countActivity: settings.countActivity ?? false,
    countLevelCharts: settings.countLevelCharts ?? true,
    countSticky: settings.countSticky ?? false,
  };
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** Wire overrides (snake_case) to engine settings; later overrides win field by field. */
export function settingsFromOverrides(...layers: (DetectorOverrides | null | undefined)[]): DetectorSettings {
  const out: DetectorSettings = {};
  for (const o of layers) {
    if (!o) continue;
    const map: [keyof DetectorOverrides, keyof DetectorSettings][] = [
      ['baseline_half_life_ms', 'baselineHalfLifeMs'],
      ['warmup_ms', 'warmupMs'],
      ['z_threshold', 'zThreshold'],
      ['rate_threshold', 'rateThreshold'],
      ['ewma_lambda', 'ewmaLambda'],
      ['ewma_l', 'ewmaL'],
      ['cusum_k', 'cusumK'],
      ['cusum_h', 'cusumH'],
      ['stuck_probability', 'stuckProbability'],
      ['stuck_min_samples', 'stuckMinSamples'],
      ['noise_ratio', 'noiseRatio'],
      ['run_rule_score', 'runRuleScore'],
      ['episode_clear_samples', 'episodeClearSamples'],
      ['min_sigma', 'minSigma'],
    ];
    for (const [wire, engine] of map) if (typeof o[wire] === 'number') (out as Record<string, unknown>)[engine] = o[wire];
    if (o.enabled) out.enabled = { ...out.enabled, ...o.enabled };
  }
  return out;
}
