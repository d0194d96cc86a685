import { ANOMALY_TYPES } from '@idm/contracts';
import type { AnomalyEvidence, AnomalyType } from '@idm/contracts';
import { DetectorSettings, ResolvedConfig, resolveConfig } from './config';
import { ANOMALY_SCORE, scoreOf } from './score';

/** The serialisable per-sensor state: plain numbers and small fixed-size arrays (bounded memory). */
export interface SensorState {
  /** 2 since the weekly profile; a version-1 state is migrated on load. */
  version: 2;
  /** Samples seen. */
  n: number;
  lastTs: number | null;
  /** Estimated sample period, fixed once the first few intervals are known. */
  periodMs: number | null;
  /** The first few intervals (at most PERIOD_PROBE), to estimate the period. */
  dts: number[];
  prev: number | null;
  /**
   * The first ROBUST_START values. Then the baseline restarts from their median and median absolute
   * deviation: one wild value among the very first (before any spread is known to clip it) would
   * otherwise inflate the learned spread for a day and hide real anomalies after the warm-up.
   */
  probe: number[];
  /** Baseline: exponentially weighted mean and variance of the value. */
  mean: number;
  variance: number;
  /**
   * Lag-1 autocovariance of the (clipped) deviation from the baseline, and the last deviation. A slow
   * cycle or wander makes successive samples alike; the EWMA and CUSUM charts widen by it (see `step`).
   */
  acov: number;
  prevDev: number;
  /** Usual samples the autocovariances have learned from (their own bias-corrected start, also after an upgrade). */
  acovN: number;
  /** Exponentially weighted mean and variance of the first difference. */
  dMean: number;
  dVariance: number;
  ewma: number;
  cusumHi: number;
  cusumLo: number;
  /** Short-term variance of the (clipped) residual, for noise bursts. */
  fastVariance: number;
  /** Consecutive samples without change, and how often the value usually repeats. */
  flatRun: number;
  repeatRate: number;
  /** Active static limits (for the deadband). */
  limitActive: { lolo: boolean; lo: boolean; hi: boolean; hihi: boolean };
  /** Signed zone codes (±1..±4, see step) of the last RUN_MEMORY samples, oldest first, for the run rules. */
  zones: number[];
  /** Daily profile (half-hour bins) and weekly profile (half-hour-of-week bins), side by side (see `seasonal`). */
  day: SeasonalProfile;
  week: SeasonalProfile;
  /**
   * The profiles learn from block means (about six per bin), not from every sample: a half-hour profile
   * has no use for second-by-second values. Sum, count and first timestamp of the current block, and the
   * last block's pattern finding (statistic, expected range, residual, 1 if weekly), reported until the next.
   */
  blockSum: number;
  blockN: number;
  blockTs: number;
  patternStatistic: number;
  patternLo: number;
  patternHi: number;
  patternResidual: number;
  patternWeekly: number;
  /**
   * Count model: how often the value is exactly zero, and the mean and variance of ln|value| of the
   * non-zero samples (burst sizes). A signal that is zero most of the time is judged by its bursts' sizes
   * and by the absence of bursts, not against a mean that its zeros drag down.
   */
  zeroRate: number;
  burstMean: number;
  burstVariance: number;
  burstN: number;
}

/**
 * A time-of-day or time-of-week profile: mean value per bin, samples per bin, the residual's spread, an
 * EWMA chart on the residual, and the residual's lag-1 autocovariance with the last residual.
 */
export interface SeasonalProfile {
  mean: number[];
  count: number[];
  variance: number;
  ewma: number;
  acov: number;
  prevResidual: number;
  /** Mean squared residual learned at one rate for both profiles (about a day), to compare their fit. */
  fit: number;
}

/** The daily profile's fields as states saved before the weekly profile held them (version 1, flat). */
interface LegacyDailyFields {
  dayMean?: number[];
  dayCount?: number[];
  dayVariance?: number;
  dayEwma?: number;
  dayAcov?: number;
  dayPrevResidual?: number;
}

/** One sample's result in the engine (the server adds sensor id and status for the wire). */
export interface EngineVerdict {
  score: number;
  anomaly_type: AnomalyType | null;
  evidence: AnomalyEvidence | null;
  /** Sum over detectors of log(1 + statistic / threshold): the joint weight of evidence (for alert ranking). */
  combined: number;
}

/** Index of each anomaly type in `SensorDetector.lastEvidence`. */
export const EVIDENCE_INDEX = Object.fromEntries(ANOMALY_TYPES.map((t, i) => [t, i])) as Record<AnomalyType, number>;
const I_LIMIT = EVIDENCE_INDEX.limit;
const I_RANGE = EVIDENCE_INDEX.out_of_range;
const I_SPIKE = EVIDENCE_INDEX.spike;
const I_RATE = EVIDENCE_INDEX.rate_of_change;
const I_SHIFT = EVIDENCE_INDEX.level_shift;
const I_DRIFT = EVIDENCE_INDEX.drift;
const I_STUCK = EVIDENCE_INDEX.stuck;
const I_NOISE = EVIDENCE_INDEX.noise;
const I_RUN = EVIDENCE_INDEX.run_rule;
const I_PATTERN = EVIDENCE_INDEX.pattern;

const PERIOD_PROBE = 5;
/** Values the baseline's robust start is taken from (see `SensorState.probe`). */
const ROBUST_START = 9;
const RUN_MEMORY = 9;
/** Half-hour bins of the daily profile (bounded memory whatever the sample rate). */
const DAY_BINS = 48;
const DAY_MS = 86_400_000;
/** Each bin's mean follows about the last week of that time of day. */
const DAY_BIN_ALPHA_DAYS = 3;
/** Half-hour-of-week bins of the weekly profile (as the daily one: a coarser bin leaves the shape inside it as residual). */
const WEEK_BINS = 336;
const WEEK_MS = 7 * DAY_MS;
/** Each weekly bin's mean follows about the last three weeks. */
const WEEK_BIN_ALPHA_WEEKS = 3;
/**
 * The weekly profile is used instead of the daily one when it explains the signal clearly better: its
 * residual variance below this fraction of the daily one (a weekend that differs from weekdays).
 */
const WEEKLY_EXPLAINS = 0.7;
/** Block means per profile bin (as a 5-minute signal gives a half-hour bin). */
const BLOCKS_PER_BIN = 6;
/** A signal exactly zero more often than this is judged by the count model (see `SensorState.zeroRate`). */
const ZERO_INFLATED = 0.5;
/** Intervals this many periods long are gaps: the per-sample rate of change is not judged across them. */
const GAP_PERIODS = 3;

/** The order detectors report in: on equal scores the earlier one is the verdict. */
const REPORT_ORDER = [I_RANGE, I_LIMIT, I_SPIKE, I_RATE, I_DRIFT, I_SHIFT, I_NOISE, I_STUCK, I_RUN, I_PATTERN];

/**
 * One sample's findings, one slot per anomaly type, in typed arrays: detection runs on every sample, and
 * a call passing a handful of numbers would box each of them (an allocation) unless inlined, while a
 * write to a typed array never allocates. Scratch shared by every detector (a sample is judged start to
 * end in one synchronous `update`): over thousands of sensors, memory touched per sample is what costs.
 */
class Slots {
  readonly statistic = new Float64Array(ANOMALY_TYPES.length);
  readonly threshold = new Float64Array(ANOMALY_TYPES.length);
  /** Expected range; NaN for none. */
  readonly lo = new Float64Array(ANOMALY_TYPES.length);
  readonly hi = new Float64Array(ANOMALY_TYPES.length);
  /** The number the explanation quotes (z, change, EWMA, spread, run length, residual). */
  readonly arg = new Float64Array(ANOMALY_TYPES.length);
  /** Score of a fixed-score finding (limits, physical range, run rules); NaN for a statistical one. */
  readonly fixed = new Float64Array(ANOMALY_TYPES.length);
  readonly present = new Uint8Array(ANOMALY_TYPES.length);
  readonly details: (string | undefined)[] = new Array<string | undefined>(ANOMALY_TYPES.length).fill(undefined);
}
const SLOTS = new Slots();

/**
 * A detector's findings: it fills the shared slots during `update`, then `finish` keeps what outlives
 * the sample (the strongest finding, its evidence, per-type ratios, the joint weight of evidence), and
 * text is formatted only when a verdict is asked for.
 */
class Findings {
  /** The pattern finding came from the weekly profile (for its explanation). */
  weekly = false;
  /** After `finish`: the verdict's type index (-1 for none), its score, and the joint weight of evidence. */
  best = -1;
  score = 0;
  combined = 0;
  /** After `finish`: the verdict's evidence. */
  private bStatistic = 0;
  private bThreshold = 0;
  private bLo = NaN;
  private bHi = NaN;
  private bArg = 0;
  private bDetail: string | undefined = undefined;

  /** Per anomaly type, the strongest statistic / threshold of this sample (1 = at the threshold). */
  constructor(private readonly ratios: Float64Array) {}

  reset(): void {
    const present = SLOTS.present;
    const fixed = SLOTS.fixed;
    for (let i = 0; i < present.length; i++) {
      present[i] = 0;
      fixed[i] = NaN;
    }
    this.weekly = false;
    this.best = -1;
    this.score = 0;
    this.combined = 0;
  }

  /** `i` is `EVIDENCE_INDEX[type]`. */
  add(i: number, statistic: number, threshold: number, lo: number, hi: number, arg: number): void {
    SLOTS.present[i] = 1;
    SLOTS.statistic[i] = statistic;
    SLOTS.threshold[i] = threshold;
    SLOTS.lo[i] = lo;
    SLOTS.hi[i] = hi;
    SLOTS.arg[i] = arg;
    SLOTS.fixed[i] = NaN;
  }

  /** A finding with a fixed score (limits, physical range, run rules); rare, so plain arguments. */
  addFixed(i: number, score: number, statistic: number, threshold: number, lo: number | null, hi: number | null, detail: string): void {
    if (SLOTS.present[i] && SLOTS.fixed[i] >= score) return;
    this.add(i, statistic, threshold, lo ?? NaN, hi ?? NaN, 0);
    SLOTS.fixed[i] = score;
    SLOTS.details[i] = detail;
  }

  /**
   * Strongest finding, per-type ratios and joint evidence, into `best`, `score` and `combined`. Returns
   * nothing: a number returned from a call that is not inlined is boxed.
   */
  finish(): void {
    const { present, fixed, statistic, threshold } = SLOTS;
    let product = 1;
    let best = -1;
    let bestScore = 0;
    for (let k = 0; k < REPORT_ORDER.length; k++) {
      const i = REPORT_ORDER[k];
      if (!present[i]) {
        this.ratios[i] = 0;
        continue;
      }
      let score: number;
      let ratio: number;
      const f = fixed[i];
      if (f === f) {
        score = f;
        ratio = f >= 1 ? 1e12 : f / (1 - f);
        product *= 1 + ratio;
      } else {
        const st = statistic[i];
        score = scoreOf(st, threshold[i]);
        ratio = st === Infinity ? 1e12 : score > 0 ? st / threshold[i] : 0;
        if (score > 0) product *= 1 + ratio;
      }
      this.ratios[i] = ratio;
      if (best < 0 || score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    if (!(bestScore > 0)) return;
    this.best = best;
    this.score = bestScore;
    this.combined = Math.log(product);
    this.bStatistic = statistic[best];
    this.bThreshold = threshold[best];
    this.bLo = SLOTS.lo[best];
    this.bHi = SLOTS.hi[best];
    this.bArg = SLOTS.arg[best];
    this.bDetail = fixed[best] === fixed[best] ? SLOTS.details[best] : undefined;
  }

  get type(): AnomalyType | null {
    return this.best < 0 ? null : ANOMALY_TYPES[this.best];
  }

  verdict(): EngineVerdict {
    const i = this.best;
    if (i < 0) return NOTHING();
    const type = ANOMALY_TYPES[i];
    const evidence: AnomalyEvidence = {
      expected_lo: Number.isNaN(this.bLo) ? null : this.bLo,
      expected_hi: Number.isNaN(this.bHi) ? null : this.bHi,
      statistic: this.bStatistic,
      threshold: this.bThreshold,
    };
    const detail = this.bDetail ?? (this.score >= ANOMALY_SCORE ? describe(type, this.bArg, this.weekly) : undefined);
    if (detail !== undefined) evidence.detail = detail;
    return { score: this.score, anomaly_type: type, evidence, combined: this.combined };
  }
}

function describe(type: AnomalyType, arg: number, weekly: boolean): string | undefined {
  switch (type) {
    case 'spike':
      return `z = ${arg.toFixed(1)}`;
    case 'rate_of_change':
      return `change ${fmt(arg)} per sample`;
    case 'drift':
      return `EWMA ${fmt(arg)}`;
    case 'level_shift':
      return arg >= 0 ? 'sustained rise' : 'sustained fall';
    case 'noise':
      return `spread ×${arg.toFixed(1)}`;
    case 'stuck':
      return `unchanged for ${arg} samples`;
    case 'pattern':
      return `${fmt(arg)} from the usual value at this time of ${weekly ? 'week' : 'day'}`;
    default:
      return undefined;
  }
}

function emptyProfile(bins: number): SeasonalProfile {
  return { mean: new Array(bins).fill(0), count: new Array(bins).fill(0), variance: 0, ewma: 0, acov: 0, prevResidual: 0, fit: 0 };
}

/**
 * A saved state as this version runs it: fields added since it was saved get their initial value, and a
 * version-1 state's flat daily profile moves into `day` (what it learned is kept).
 */
export function migrateState(saved: SensorState): SensorState {
  const old = structuredClone(saved) as Partial<SensorState> & LegacyDailyFields;
  // Built key by key from the current shape (no `delete`): every sensor's state has the same layout.
  const state = initialState() as unknown as Record<string, unknown>;
  for (const key of Object.keys(state)) {
    const v = (old as Record<string, unknown>)[key];
    if (v !== undefined && key !== 'version') state[key] = v;
  }
  const migrated = state as unknown as SensorState;
  if (old.day === undefined && Array.isArray(old.dayMean) && old.dayMean.length === DAY_BINS && Array.isArray(old.dayCount)) {
    migrated.day = {
      mean: old.dayMean,
      count: old.dayCount,
      variance: old.dayVariance ?? 0,
      ewma: old.dayEwma ?? 0,
      acov: old.dayAcov ?? 0,
      prevResidual: old.dayPrevResidual ?? 0,
      fit: old.dayVariance ?? 0,
    };
  }
  return migrated;
}

/**
 * The state as `step` works on it: one object literal (the same layout for every sensor) whose numbers
 * are all numbers from the start, `NaN` standing for "none" in `lastTs` and `prev`. A field that once
 * held null keeps a boxed representation in V8, and each write of a number to it would allocate.
 */
type LiveState = Omit<SensorState, 'lastTs' | 'prev'> & { lastTs: number; prev: number };

function toLive(s: SensorState): LiveState {
  return {
    version: 2,
    n: s.n,
    lastTs: s.lastTs ?? NaN,
    periodMs: s.periodMs,
    dts: s.dts,
    prev: s.prev ?? NaN,
    probe: s.probe,
    mean: s.mean,
    variance: s.variance,
    acov: s.acov,
    prevDev: s.prevDev,
    acovN: s.acovN,
    dMean: s.dMean,
    dVariance: s.dVariance,
    ewma: s.ewma,
    cusumHi: s.cusumHi,
    cusumLo: s.cusumLo,
    fastVariance: s.fastVariance,
    flatRun: s.flatRun,
    repeatRate: s.repeatRate,
    limitActive: s.limitActive,
    zones: s.zones,
    day: s.day,
    week: s.week,
    blockSum: s.blockSum,
    blockN: s.blockN,
    blockTs: s.blockTs,
    patternStatistic: s.patternStatistic,
    patternLo: s.patternLo,
    patternHi: s.patternHi,
    patternResidual: s.patternResidual,
    patternWeekly: s.patternWeekly,
    zeroRate: s.zeroRate,
    burstMean: s.burstMean,
    burstVariance: s.burstVariance,
    burstN: s.burstN,
  };
}

export function initialState(): SensorState {
  return {
    version: 2,
    n: 0,
    lastTs: null,
    periodMs: null,
    dts: [],
    prev: null,
    probe: [],
    mean: 0,
    variance: 0,
    acov: 0,
    prevDev: 0,
    acovN: 0,
    dMean: 0,
    dVariance: 0,
    ewma: 0,
    cusumHi: 0,
    cusumLo: 0,
    fastVariance: 0,
    flatRun: 0,
    repeatRate: 0,
    limitActive: { lolo: false, lo: false, hi: false, hihi: false },
    zones: [],
    day: emptyProfile(DAY_BINS),
    week: emptyProfile(WEEK_BINS),
    blockSum: 0,
    blockN: 0,
    blockTs: 0,
    patternStatistic: 0,
    patternLo: 0,
    patternHi: 0,
    patternResidual: 0,
    patternWeekly: 0,
    zeroRate: 0,
    burstMean: 0,
    burstVariance: 0,
    burstN: 0,
  };
}

/** Highest lag-1 autocorrelation used (a noiseless ramp or cycle would make the widening unbounded). */
const MAX_AUTOCORRELATION = 0.999;
/** The autocorrelation is learned over this many baseline half-lives: a property of the signal, not of the last hour. */
const AUTOCORRELATION_MEMORY = 4;

/** Lag-1 autocorrelation from an autocovariance and a variance, in [0, MAX_AUTOCORRELATION]. */
function autocorrelation(acov: number, variance: number): number {
  return variance > 0 ? Math.min(MAX_AUTOCORRELATION, Math.max(0, acov / variance)) : 0;
}

/**
 * How much wider the EWMA statistic (weight `lambda`) swings on a signal whose successive deviations have
 * lag-1 autocorrelation `rho` than on independent samples: its variance is σ²·λ/(2−λ)·(1+φ)/(1−φ) with
 * φ = ρ(1−λ) for an AR(1)-like process (the EWMAST chart of Zhang, 1998). 1 when ρ = 0; (2−λ)/λ as ρ → 1,
 * where the EWMA of a slow cycle is the cycle itself.
 */
export function ewmaWidening(rho: number, lambda: number): number {
  const phi = rho * (1 - lambda);
  return (1 + phi) / (1 - phi);
}

/** The long-run variance factor (1+ρ)/(1−ρ): a sum of n such deviations varies like n·factor independent ones. */
export function sumWidening(rho: number): number {
  return (1 + rho) / (1 - rho);
}

/**
 * Streaming anomaly detection for one sensor: O(1) time per sample, bounded memory, causal (a verdict
 * uses only this and earlier samples). Every detector scores the sample on one scale (0.5 = its
 * threshold); the verdict is the strongest one.
 */
export class SensorDetector {
  private state: LiveState;
  private config: ResolvedConfig;
  /**
   * Per-detector evidence of the last sample (statistic / threshold per anomaly type, indexed by
   * `EVIDENCE_INDEX`; 0 where a detector did not run). Overwritten by each step (not part of the state).
   */
  readonly lastEvidence = new Float64Array(ANOMALY_TYPES.length);
  private readonly findings = new Findings(this.lastEvidence);
  /** Per-sample scratch of the seasonal profiles (fields, not objects, so a step allocates nothing for them). */
  private readonly dayOut = { residual: 0, raw: 0, mean: 0, rsd: 0, statistic: 0 };
  private readonly weekOut = { residual: 0, raw: 0, mean: 0, rsd: 0, statistic: 0 };
  private profileOut = this.dayOut;
  private dayResidual = 0;
  private weekResidual = 0;
  /** The weekly profile's learning rates (see `resolveRates`): its residual spread (a day), its autocovariance and both profiles' fit (a week). */
  private weekSpreadAlpha = 0;
  private weekVarianceAlpha = 0;
  private dayVarianceAlpha = 0;
  private dayAcovAlpha = 0;
  /** Samples per block of the seasonal profiles. */
  private blockSamples = 1;

  constructor(
    private readonly settings: DetectorSettings = {},
    state?: SensorState,
  ) {
    // States saved before a field existed get its initial value.
    this.state = toLive(state ? migrateState(state) : initialState());
    this.config = resolveConfig(this.state.periodMs, settings);
    this.resolveRates();
  }

  /** The seasonal profiles' block length and learning rates per block, from the sample period. */
  private resolveRates(): void {
    const period = this.config.periodMs;
    const perBin = period && period > 0 ? DAY_MS / DAY_BINS / period : 1;
    this.blockSamples = Math.max(1, Math.floor(perBin / BLOCKS_PER_BIN));
    const blockMs = (period ?? 0) * this.blockSamples;
    const rate = (halfLifeMs: number) => 1 - Math.pow(0.5, 1 / (blockMs > 0 ? Math.max(1, halfLifeMs / blockMs) : 20));
    const baselineMs = 1 / -Math.log2(1 - this.config.alpha) * (period ?? 0);
    this.dayVarianceAlpha = blockMs > 0 ? rate(baselineMs) : this.config.alpha;
    this.dayAcovAlpha = blockMs > 0 ? rate(AUTOCORRELATION_MEMORY * baselineMs) : this.config.alpha / AUTOCORRELATION_MEMORY;
    this.weekSpreadAlpha = rate(DAY_MS);
    this.weekVarianceAlpha = rate(WEEK_MS);
  }

  /** A deep copy of the state, safe to serialise (JSON) and to restore with `new SensorDetector(settings, state)`. */
  snapshot(): SensorState {
    const s = this.state;
    return structuredClone({ ...s, lastTs: Number.isNaN(s.lastTs) ? null : s.lastTs, prev: Number.isNaN(s.prev) ? null : s.prev });
  }

  get resolved(): ResolvedConfig {
    return this.config;
  }

  get warmingUp(): boolean {
    return this.state.n <= this.config.warmupSamples;
  }

  /** Samples still to learn before the statistical detectors judge (0 once warmed up; an estimate while the sample period is being learned). */
  get samplesToLearn(): number {
    return Math.max(0, this.config.warmupSamples - this.state.n);
  }

  /** Judges one sample and learns from it; the verdict with its evidence (a new object each call). */
  step(timestamp: number, value: number): EngineVerdict {
    this.update(timestamp, value);
    return this.findings.verdict();
  }

  /**
   * `step` without building the verdict: judges and learns, returns the score. For callers that need the
   * verdict only now and then (`lastVerdict()`, e.g. when the score reaches the anomaly threshold): the
   * hot path then allocates nothing per sample.
   */
  update(timestamp: number, value: number): number {
    const findings = this.findings;
    findings.reset();
    if (!Number.isFinite(value)) {
      findings.finish();
      return 0;
    }
    const s = this.state;
    const c = this.config;
    // Periods since the last sample: 1 on a regular signal; learning rates and the rate test follow it.
    const steps = !Number.isNaN(s.lastTs) && c.periodMs ? Math.max(0, timestamp - s.lastTs) / c.periodMs : 1;
    if (s.periodMs === null) this.trackPeriod(timestamp);
    s.lastTs = timestamp;
    s.n++;
    if (c.enabled.physical && (c.physicalMin !== null || c.physicalMax !== null)) this.physical(value, findings);
    if (c.enabled.limits && c.limits) this.limits(value, findings);

    if (Number.isNaN(s.prev)) {
      s.mean = value;
      s.ewma = value;
      s.prev = value;
      this.robustStart(value);
      findings.finish();
      return findings.score;
    }

    const warming = this.warmingUp;
    const sd = Math.max(Math.sqrt(s.variance), c.minSigma, 1e-6 * Math.abs(s.mean), 1e-9); // sigma(), inline
    const z = (value - s.mean) / sd;
    const d = value - s.prev;
    const dSd = Math.max(Math.sqrt(s.dVariance), c.minSigma, 1e-9 * Math.abs(s.mean), 1e-12);
    const dz = (d - s.dMean) / dSd;
    const gap = steps > GAP_PERIODS;
    const lambda = c.ewmaLambda;
    const ewma = lambda * value + (1 - lambda) * s.ewma;
    // The EWMA and CUSUM charts assume independent samples; on a cycling or wandering signal successive
    // deviations are alike and both charts would signal every half cycle. They are widened by the
    // signal's own lag-1 autocorrelation, so they signal a departure from how the signal usually moves.
    const rho = s.variance > 0 ? Math.min(MAX_AUTOCORRELATION, Math.max(0, s.acov / s.variance)) : 0; // autocorrelation(), inline
    const zc = Math.max(-c.zClip, Math.min(c.zClip, z)) / Math.sqrt((1 + rho) / (1 - rho));
    const cusumHi = Math.max(0, s.cusumHi + zc - c.cusumK);
    const cusumLo = Math.max(0, s.cusumLo - zc - c.cusumK);
    // Clipped wider than the baseline so a noise burst shows its full spread while one spike cannot dominate.
    const zf = Math.max(-2 * c.zClip, Math.min(2 * c.zClip, z)) * sd;
    const fastVariance = (1 - c.fastAlpha) * s.fastVariance + c.fastAlpha * zf * zf;
    const flat = Math.abs(d) <= Math.max(c.minSigma * 1e-3, 1e-12 * Math.abs(value));
    const flatRun = flat ? s.flatRun + 1 : 0;
    // Zone code: sign of the deviation × (1 + whole sigmas, at most 3), so 0 never occurs and side is kept.
    const zone = (z >= 0 ? 1 : -1) * (1 + Math.min(3, Math.floor(Math.abs(z))));
    const zones = s.zones;
    if (zones.length < RUN_MEMORY) zones.push(zone);
    else {
      // Shifted in place (no array reallocation per sample).
      for (let i = 1; i < RUN_MEMORY; i++) zones[i - 1] = zones[i];
      zones[RUN_MEMORY - 1] = zone;
    }

    const counts = c.countModel && s.zeroRate > ZERO_INFLATED;
    if (counts) this.countModel(value, warming, findings);
    if (!warming) {
      // A count signal's bursts are its ordinary activity: their sizes are judged by the count model, not
      // as spikes, jumps or noise against a mean its zeros drag down. Sustained changes still are.
      // The hot detectors write their slots directly (see `Findings`): a call with these numbers as
      // arguments, if not inlined, would box each of them. Fixed-score slots stay NaN (reset).
      const { present, statistic, threshold, lo, hi, arg } = SLOTS;
      if (c.enabled.zscore && !counts) {
        present[I_SPIKE] = 1;
        statistic[I_SPIKE] = Math.abs(z);
        threshold[I_SPIKE] = c.zThreshold;
        lo[I_SPIKE] = s.mean - c.zThreshold * sd;
        hi[I_SPIKE] = s.mean + c.zThreshold * sd;
        arg[I_SPIKE] = z;
      }
      // Across a gap the change is not a per-sample rate.
      if (c.enabled.rate && !gap && !counts) {
        present[I_RATE] = 1;
        statistic[I_RATE] = Math.abs(dz);
        threshold[I_RATE] = c.rateThreshold;
        lo[I_RATE] = s.prev + s.dMean - c.rateThreshold * dSd;
        hi[I_RATE] = s.prev + s.dMean + c.rateThreshold * dSd;
        arg[I_RATE] = d;
      }
      if (c.enabled.ewma) {
        const phi = rho * (1 - lambda); // ewmaWidening, inline
        const limit = c.ewmaL * sd * Math.sqrt((lambda / (2 - lambda)) * ((1 + phi) / (1 - phi)));
        present[I_DRIFT] = 1;
        statistic[I_DRIFT] = Math.abs(ewma - s.mean) / (limit / c.ewmaL);
        threshold[I_DRIFT] = c.ewmaL;
        lo[I_DRIFT] = s.mean - limit;
        hi[I_DRIFT] = s.mean + limit;
        arg[I_DRIFT] = ewma;
      }
      if (c.enabled.cusum) {
        present[I_SHIFT] = 1;
        statistic[I_SHIFT] = Math.max(cusumHi, cusumLo);
        threshold[I_SHIFT] = c.cusumH;
        lo[I_SHIFT] = s.mean - c.cusumK * sd;
        hi[I_SHIFT] = s.mean + c.cusumK * sd;
        arg[I_SHIFT] = cusumHi >= cusumLo ? 1 : -1;
      }
      if (c.enabled.noise && s.variance > 0 && !counts) {
        const ratio = Math.sqrt(fastVariance / (sd * sd));
        present[I_NOISE] = 1;
        statistic[I_NOISE] = ratio;
        threshold[I_NOISE] = c.noiseRatio;
        lo[I_NOISE] = s.mean - c.zThreshold * sd;
        hi[I_NOISE] = s.mean + c.zThreshold * sd;
        arg[I_NOISE] = ratio;
      }
      if (c.enabled.runRules && !counts) this.runRules(findings);
    }
    // Absence of the usual activity (a counter that stops) is a run of repeats as unlikely as a stuck sensor's.
    if (!warming && c.enabled.stuck && flatRun > 0) findings.add(I_STUCK, flatRun, this.stuckRunThreshold(), value, value, flatRun);
    // Seasonal profiles learn from block means; the per-sample part is inline (no numbers passed in calls).
    let seasonal = false;
    if (c.enabled.daily && c.periodMs !== null && c.periodMs <= DAY_MS / DAY_BINS) {
      if (s.blockN === 0) s.blockTs = timestamp;
      s.blockSum += value;
      if (++s.blockN >= this.blockSamples) {
        this.seasonalBlock();
        seasonal = true;
      }
      if (!warming && s.patternStatistic > 0) {
        SLOTS.present[I_PATTERN] = 1;
        SLOTS.statistic[I_PATTERN] = s.patternStatistic;
        SLOTS.threshold[I_PATTERN] = c.ewmaL + 1;
        SLOTS.lo[I_PATTERN] = s.patternLo;
        SLOTS.hi[I_PATTERN] = s.patternHi;
        SLOTS.arg[I_PATTERN] = s.patternResidual;
        if (s.patternWeekly === 1) findings.weekly = true;
      }
    }

    // Learn after judging; residuals are clipped so a spike barely moves the baseline while a lasting shift is absorbed.
    // Bias-corrected start: a plain average until the exponential window is full. After a longer interval
    // than usual the baseline forgets as much as it would have over the missed samples.
    const a = Math.max(steps === 1 ? c.alpha : alphaOver(c.alpha, steps), 1 / s.n);
    const r = s.n > 3 ? clip(value - s.mean, c.zClip * sd) : value - s.mean;
    s.mean += a * r;
    s.variance = (1 - a) * (s.variance + a * r * r);
    if (!gap) {
      const da = Math.max(c.alpha, 1 / s.n);
      const dr = s.n > 3 ? clip(d - s.dMean, c.zClip * dSd) : d - s.dMean;
      s.dMean += da * dr;
      s.dVariance = (1 - da) * (s.dVariance + da * dr * dr);
    }
    s.ewma = ewma;
    s.fastVariance = fastVariance;
    // A flat line after warm-up must not teach the detector that flat lines are normal; one during warm-up
    // (a sensor that idles at a constant value) must.
    if (warming || flatRun <= c.stuckMinSamples) s.repeatRate += a * ((flat ? 1 : 0) - s.repeatRate);
    s.flatRun = flatRun;
    if (s.n <= ROBUST_START) this.robustStart(value);
    s.prev = value;
    s.zeroRate += a * ((value === 0 ? 1 : 0) - s.zeroRate);
    findings.finish();
    const score = findings.score;
    // How alike successive deviations usually are is learned from usual samples only: during a lasting
    // anomaly they are alike too, and learning that would widen the charts until they fall silent.
    if (score < ANOMALY_SCORE) {
      // Counted apart from `n`: a state saved before these fields existed learns them as fast as a new sensor.
      const ka = Math.max(c.alpha / AUTOCORRELATION_MEMORY, 1 / ++s.acovN);
      s.acov = (1 - ka) * (s.acov + ka * r * s.prevDev);
      if (seasonal) {
        const blocks = s.n / this.blockSamples;
        learnAcov(s.day, this.dayResidual, Math.max(this.dayAcovAlpha, 1 / blocks));
        learnAcov(s.week, this.weekResidual, Math.max(this.weekVarianceAlpha, 1 / blocks));
      }
    }
    s.prevDev = r;
    if (seasonal) {
      s.day.prevResidual = this.dayResidual;
      s.week.prevResidual = this.weekResidual;
    }
    // A CUSUM that signalled starts again, so a lasting shift is reported once and then learned.
    if (findings.type === 'level_shift' && score >= ANOMALY_SCORE) {
      s.cusumHi = 0;
      s.cusumLo = 0;
    } else {
      s.cusumHi = cusumHi;
      s.cusumLo = cusumLo;
    }
    return score;
  }

  /** Collects the first values; after the last, restarts the baseline from their median and MAD. */
  private robustStart(value: number): void {
    const s = this.state;
    s.probe.push(value);
    if (s.probe.length < ROBUST_START) return;
    const xs = s.probe;
    const diffs = xs.slice(1).map((x, i) => x - xs[i]);
    const mad = (v: number[], m: number) => 1.4826 * median(v.map((x) => Math.abs(x - m)));
    const m = median(xs);
    const dm = median(diffs);
    s.mean = m;
    s.ewma = m;
    const sd = mad(xs, m);
    // A MAD of 0 (mostly repeated values) says nothing about the spread: keep what was learned then.
    if (sd > 0) s.variance = sd * sd;
    const dsd = mad(diffs, dm);
    if (dsd > 0) {
      s.dMean = dm;
      s.dVariance = dsd * dsd;
    }
    s.probe = [];
  }

  /** The verdict of the last `update` (or `step`): a new object. */
  lastVerdict(): EngineVerdict {
    return this.findings.verdict();
  }

  /** Joint weight of evidence of the last sample (`EngineVerdict.combined`) without building the verdict. */
  get lastCombined(): number {
    return this.findings.combined;
  }

  /**
   * Count model for a signal that is zero most of the time: a non-zero sample is judged by its size on a
   * log scale against the usual burst sizes (a burst is this signal's ordinary activity), then learned.
   */
  private countModel(value: number, warming: boolean, out: Findings): void {
    if (value === 0) return;
    const s = this.state;
    const c = this.config;
    const x = Math.log(Math.abs(value));
    s.burstN++;
    const bsd = Math.max(Math.sqrt(s.burstVariance), 1e-3);
    const z = (x - s.burstMean) / bsd;
    if (!warming && s.burstN > 10 && c.enabled.zscore) {
      const lo = Math.exp(s.burstMean - c.zThreshold * bsd);
      const hi = Math.exp(s.burstMean + c.zThreshold * bsd);
      out.add(I_SPIKE, Math.abs(z), c.zThreshold, value > 0 ? lo : -hi, value > 0 ? hi : -lo, z);
    }
    const a = Math.max(c.alpha, 1 / s.burstN);
    const r = s.burstN > 3 ? clip(x - s.burstMean, c.zClip * bsd) : x - s.burstMean;
    s.burstMean += a * r;
    s.burstVariance = (1 - a) * (s.burstVariance + a * r * r);
  }

  /**
   * Seasonal detectors: an EWMA chart on the residual from the usual value at this time of day, and
   * another at this time of week. Which rhythm the signal has is found from the data: the weekly profile
   * is judged when its residual fits clearly better than the daily one's (weekends that differ from
   * weekdays), else the daily. They run on block means (see `SensorState.blockSum`; this is called when
   * a block completes), only for sensors sampled at least once per half hour, after two days of data (two
   * weeks for the weekly profile).
   */
  private seasonalBlock(): void {
    const s = this.state;
    const c = this.config;
    const mean = s.blockSum / s.blockN;
    s.blockSum = 0;
    s.blockN = 0;
    const elapsed = s.n * c.periodMs!;
    const blocks = s.n / this.blockSamples;
    const va = Math.max(this.dayVarianceAlpha, 1 / blocks);
    const dayReady = this.profileStep(s.day, DAY_BINS, DAY_MS, DAY_BIN_ALPHA_DAYS, s.blockTs, mean, elapsed >= 2 * DAY_MS, va);
    const day = this.profileOut;
    this.dayResidual = day.residual;
    // The weekly residual's spread is learned over about a day, not the baseline's hours: on a slowly
    // sampled demand signal hours are few samples, and a day-long departure would teach itself as usual.
    const weekVa = Math.max(this.weekSpreadAlpha, 1 / blocks);
    const weekReady = this.profileStep(s.week, WEEK_BINS, WEEK_MS, WEEK_BIN_ALPHA_WEEKS, s.blockTs, mean, elapsed >= 2 * WEEK_MS, weekVa);
    this.weekResidual = this.profileOut.residual;
    const useWeek = weekReady && s.week.fit < WEEKLY_EXPLAINS * s.day.fit;
    const p = useWeek ? this.weekOut : day;
    // One sigma wider than the EWMA chart: each bin's mean is itself estimated from few samples.
    const L = c.ewmaL + 1;
    s.patternStatistic = useWeek || dayReady ? p.statistic : 0;
    s.patternLo = p.mean - L * p.rsd;
    s.patternHi = p.mean + L * p.rsd;
    s.patternResidual = p.raw;
    s.patternWeekly = useWeek ? 1 : 0;
  }

  /** One profile's chart statistic (into `profileOut`) and learning; returns whether it may be judged. */
  private profileStep(p: SeasonalProfile, bins: number, spanMs: number, keepSpans: number, timestamp: number, value: number, oldEnough: boolean, va: number): boolean {
    const c = this.config;
    const binMs = spanMs / bins;
    const bin = Math.floor((((timestamp % spanMs) + spanMs) % spanMs) / binMs);
    const perBin = binMs / (c.periodMs! * this.blockSamples);
    const ready = oldEnough && p.count[bin] >= perBin;
    const mean = p.count[bin] > 0 ? p.mean[bin] : this.state.mean;
    const residual = value - mean;
    const lambda = c.ewmaLambda;
    const rsd = Math.max(Math.sqrt(p.variance), c.minSigma, 1e-6 * Math.abs(mean), 1e-9);
    const rc = clip(residual, c.zClip * rsd);
    const ewma = lambda * rc + (1 - lambda) * p.ewma;
    const o = bins === DAY_BINS ? this.dayOut : this.weekOut;
    this.profileOut = o;
    o.residual = rc;
    o.raw = residual;
    o.mean = mean;
    o.rsd = rsd;
    o.statistic = ready ? Math.abs(ewma) / (rsd * Math.sqrt((lambda / (2 - lambda)) * ewmaWidening(autocorrelation(p.acov, p.variance), lambda))) : 0;
    p.ewma = ewma;
    // Counted up to where the bin's weight stops falling, so the state stays the same size for ever.
    const keep = keepSpans * perBin;
    const count = p.count[bin] < keep ? ++p.count[bin] : p.count[bin];
    const a = Math.max(1 / count, 1 / keep);
    p.mean[bin] = count === 1 ? value : p.mean[bin] + a * rc;
    if (count > 1) {
      p.variance = (1 - va) * (p.variance + va * rc * rc);
      const fa = Math.max(this.weekVarianceAlpha, this.blockSamples / this.state.n);
      p.fit = (1 - fa) * (p.fit + fa * rc * rc);
    }
    return ready;
  }

  private sigma(): number {
    const s = this.state;
    return Math.max(Math.sqrt(s.variance), this.config.minSigma, 1e-6 * Math.abs(s.mean), 1e-9);
  }

  /** Run length that is as unlikely as `stuckProbability` given how often the value repeats. */
  private stuckRunThreshold(): number {
    const c = this.config;
    const p = this.state.repeatRate;
    if (p <= 0) return c.stuckMinSamples;
    if (p >= 0.999) return Number.MAX_SAFE_INTEGER;
    return Math.max(c.stuckMinSamples, Math.ceil(Math.log(c.stuckProbability) / Math.log(p)));
  }

  private trackPeriod(ts: number): void {
    const s = this.state;
    if (!Number.isNaN(s.lastTs) && s.periodMs === null) {
      const dt = ts - s.lastTs;
      if (dt > 0) s.dts.push(dt);
      if (s.dts.length >= PERIOD_PROBE) {
        s.periodMs = median(s.dts);
        s.dts = [];
        this.config = resolveConfig(s.periodMs, this.settings);
        this.resolveRates();
      }
    }
    s.lastTs = ts;
  }

  private physical(value: number, out: Findings): void {
    const { physicalMin: lo, physicalMax: hi } = this.config;
    if (lo !== null && value < lo) out.addFixed(I_RANGE, 1, value, lo, lo, hi, `below physical minimum ${lo}`);
    if (hi !== null && value > hi) out.addFixed(I_RANGE, 1, value, hi, lo, hi, `above physical maximum ${hi}`);
  }

  /** lo/lolo/hi/hihi with deadband: a crossed limit stays active until the value is back by the deadband. */
  private limits(value: number, out: Findings): void {
    const l = this.config.limits;
    if (!l) return;
    const db = Math.max(0, l.deadband ?? 0);
    const act = this.state.limitActive;
    const high = (name: 'hi' | 'hihi', lim: number | null | undefined) => {
      act[name] = lim != null && (value >= lim || (act[name] && value > lim - db));
    };
    const low = (name: 'lo' | 'lolo', lim: number | null | undefined) => {
      act[name] = lim != null && (value <= lim || (act[name] && value < lim + db));
    };
    high('hi', l.hi);
    high('hihi', l.hihi);
    low('lo', l.lo);
    low('lolo', l.lolo);
    const lo = l.lo ?? l.lolo ?? null;
    const hi = l.hi ?? l.hihi ?? null;
    // hihi/lolo are near-certain trouble; hi/lo clear the anomaly threshold with margin.
    if (act.hihi) out.addFixed(I_LIMIT, 0.95, value, l.hihi!, lo, hi, `hihi limit ${l.hihi} crossed`);
    else if (act.hi) out.addFixed(I_LIMIT, 0.75, value, l.hi!, lo, hi, `hi limit ${l.hi} crossed`);
    if (act.lolo) out.addFixed(I_LIMIT, 0.95, value, l.lolo!, lo, hi, `lolo limit ${l.lolo} crossed`);
    else if (act.lo) out.addFixed(I_LIMIT, 0.75, value, l.lo!, lo, hi, `lo limit ${l.lo} crossed`);
  }

  /** Western Electric rules 2–3 and Nelson rule 2 on the zones of recent samples (rule 1 is the z-score). */
  private runRules(out: Findings): void {
    // Called per sample: a method and loops, not closures or slices, so nothing is allocated.
    if (!this.runRule(out, 3, 2, 2, '2 of 3 beyond 2σ on one side') && !this.runRule(out, 5, 4, 1, '4 of 5 beyond 1σ on one side')) {
      this.runRule(out, 9, 9, 0, '9 in a row on one side');
    }
  }

  private runRule(out: Findings, window: number, need: number, sigmas: number, rule: string): boolean {
    const zones = this.state.zones;
    if (zones.length < window) return false;
    const minZone = sigmas + 1;
    let up = 0;
    let down = 0;
    for (let i = zones.length - window; i < zones.length; i++) {
      if (zones[i] >= minZone) up++;
      else if (-zones[i] >= minZone) down++;
    }
    const hits = Math.max(up, down);
    if (hits < need) return false;
    const mean = this.state.mean;
    const sd = this.sigma();
    out.addFixed(I_RUN, this.config.runRuleScore, hits, need, mean - sigmas * sd, mean + sigmas * sd, rule);
    return true;
  }
}

/** An empty verdict (a new object: callers may keep verdicts). */
const NOTHING = (): EngineVerdict => ({ score: 0, anomaly_type: null, evidence: null, combined: 0 });

/**
 * The exponential weight of `steps` sample periods at per-sample weight `alpha`: 1 − (1 − α)^steps, by
 * its first-order form for intervals near the usual one (no exp/log per sample), exactly across gaps.
 */
function alphaOver(alpha: number, steps: number): number {
  if (steps <= 2) return Math.min(0.5, alpha * steps);
  return 1 - Math.pow(1 - alpha, steps);
}

/** Learns a seasonal profile's lag-1 autocovariance of the residual. */
function learnAcov(p: SeasonalProfile, residual: number, ka: number): void {
  p.acov = (1 - ka) * (p.acov + ka * residual * p.prevResidual);
}

function clip(v: number, k: number): number {
  return v > k ? k : v < -k ? -k : v;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}
