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
  /** Daily profile (half-hour bins) and weekly profile (hour-of-week bins), side by side (see `seasonal`). */
  day: SeasonalProfile;
  week: SeasonalProfile;
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

const PERIOD_PROBE = 5;
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
/** A signal exactly zero more often than this is judged by the count model (see `SensorState.zeroRate`). */
const ZERO_INFLATED = 0.5;
/** Intervals this many periods long are gaps: the per-sample rate of change is not judged across them. */
const GAP_PERIODS = 3;

/**
 * Collects each detector's finding for one sample without keeping them all: the strongest (the verdict)
 * and the joint weight of evidence. It holds plain numbers, and formats text only for an anomalous
 * verdict: detection runs on every sample, so it avoids allocating per detector.
 */
class Findings {
  type: AnomalyType | null = null;
  score = 0;
  statistic = 0;
  threshold = 0;
  lo: number | null = null;
  hi: number | null = null;
  /** The number the explanation quotes (z, change, EWMA, spread, run length, residual). */
  arg = 0;
  fixedDetail: string | undefined;
  /** The pattern finding came from the weekly profile (for its explanation). */
  weekly = false;
  /** Product of (1 + statistic / threshold) over detectors: one log per sample instead of one per detector. */
  private product = 1;

  /** Per anomaly type, the strongest statistic / threshold of this sample (1 = at the threshold). */
  constructor(private readonly ratios: Float64Array) {}

  /** One instance serves every sample of a sensor: detection runs on every sample, so nothing is allocated per step. */
  reset(): void {
    this.ratios.fill(0);
    this.type = null;
    this.score = 0;
    this.product = 1;
    this.fixedDetail = undefined;
    this.weekly = false;
  }

  get combined(): number {
    return Math.log(this.product);
  }

  add(type: AnomalyType, statistic: number, threshold: number, lo: number | null, hi: number | null, arg: number, fixedDetail?: string): void {
    const score = scoreOf(statistic, threshold);
    const i = EVIDENCE_INDEX[type];
    const ratio = statistic === Infinity ? 1e12 : score > 0 ? statistic / threshold : 0;
    if (ratio > this.ratios[i]) this.ratios[i] = ratio;
    if (score > 0) this.product *= 1 + ratio;
    if (this.type === null || score > this.score) {
      this.type = type;
      this.score = score;
      this.statistic = statistic;
      this.threshold = threshold;
      this.lo = lo;
      this.hi = hi;
      this.arg = arg;
      this.fixedDetail = fixedDetail;
    }
  }

  /** A finding with a fixed score (limits, physical range, run rules). */
  addFixed(type: AnomalyType, score: number, statistic: number, threshold: number, lo: number | null, hi: number | null, detail: string): void {
    const ratio = score >= 1 ? 1e12 : score / (1 - score);
    const i = EVIDENCE_INDEX[type];
    if (ratio > this.ratios[i]) this.ratios[i] = ratio;
    this.product *= 1 + ratio;
    if (this.type === null || score > this.score) {
      this.type = type;
      this.score = score;
      this.statistic = statistic;
      this.threshold = threshold;
      this.lo = lo;
      this.hi = hi;
      this.fixedDetail = detail;
    }
  }

  verdict(): EngineVerdict {
    if (this.type === null || this.score <= 0) return NOTHING();
    const evidence: AnomalyEvidence = { expected_lo: this.lo, expected_hi: this.hi, statistic: this.statistic, threshold: this.threshold };
    const detail = this.fixedDetail ?? (this.score >= ANOMALY_SCORE ? describe(this.type, this.arg, this.weekly) : undefined);
    if (detail !== undefined) evidence.detail = detail;
    return { score: this.score, anomaly_type: this.type, evidence, combined: this.combined };
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
  const state = { ...initialState(), ...old } as SensorState;
  if (old.day === undefined && Array.isArray(old.dayMean) && old.dayMean.length === DAY_BINS && Array.isArray(old.dayCount)) {
    state.day = {
      mean: old.dayMean,
      count: old.dayCount,
      variance: old.dayVariance ?? 0,
      ewma: old.dayEwma ?? 0,
      acov: old.dayAcov ?? 0,
      prevResidual: old.dayPrevResidual ?? 0,
      fit: old.dayVariance ?? 0,
    };
  }
  const legacy = state as SensorState & LegacyDailyFields;
  delete legacy.dayMean;
  delete legacy.dayCount;
  delete legacy.dayVariance;
  delete legacy.dayEwma;
  delete legacy.dayAcov;
  delete legacy.dayPrevResidual;
  state.version = 2;
  return state;
}

export function initialState(): SensorState {
  return {
    version: 2,
    n: 0,
    lastTs: null,
    periodMs: null,
    dts: [],
    prev: null,
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
  private state: SensorState;
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

  constructor(
    private readonly settings: DetectorSettings = {},
    state?: SensorState,
  ) {
    // States saved before a field existed get its initial value.
    this.state = state ? migrateState(state) : initialState();
    this.config = resolveConfig(this.state.periodMs, settings);
    this.resolveRates();
  }

  /** Rates per sample from the sample period. */
  private resolveRates(): void {
    const period = this.config.periodMs;
    const rate = (halfLifeMs: number) => 1 - Math.pow(0.5, 1 / (period && period > 0 ? Math.max(20, halfLifeMs / period) : 20));
    this.weekSpreadAlpha = rate(DAY_MS);
    this.weekVarianceAlpha = rate(WEEK_MS);
  }

  /** A deep copy of the state, safe to serialise (JSON) and to restore with `new SensorDetector(settings, state)`. */
  snapshot(): SensorState {
    return structuredClone(this.state);
  }

  get resolved(): ResolvedConfig {
    return this.config;
  }

  get warmingUp(): boolean {
    return this.state.n <= this.config.warmupSamples;
  }

  step(timestamp: number, value: number): EngineVerdict {
    const findings = this.findings;
    findings.reset();
    if (!Number.isFinite(value)) return NOTHING();
    const s = this.state;
    const c = this.config;
    // Periods since the last sample: 1 on a regular signal; learning rates and the rate test follow it.
    const steps = s.lastTs !== null && c.periodMs ? Math.max(0, timestamp - s.lastTs) / c.periodMs : 1;
    this.trackPeriod(timestamp);
    s.n++;
    if (c.enabled.physical) this.physical(value, findings);
    if (c.enabled.limits) this.limits(value, findings);

    if (s.prev === null) {
      s.mean = value;
      s.ewma = value;
      s.prev = value;
      return findings.verdict();
    }

    const warming = this.warmingUp;
    const sd = this.sigma();
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
    const rho = autocorrelation(s.acov, s.variance);
    const zc = clip(z, c.zClip) / Math.sqrt(sumWidening(rho));
    const cusumHi = Math.max(0, s.cusumHi + zc - c.cusumK);
    const cusumLo = Math.max(0, s.cusumLo - zc - c.cusumK);
    // Clipped wider than the baseline so a noise burst shows its full spread while one spike cannot dominate.
    const zf = clip(z, 2 * c.zClip) * sd;
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
      if (c.enabled.zscore && !counts) findings.add('spike', Math.abs(z), c.zThreshold, s.mean - c.zThreshold * sd, s.mean + c.zThreshold * sd, z);
      // Across a gap the change is not a per-sample rate.
      if (c.enabled.rate && !gap && !counts) {
        findings.add(
          'rate_of_change', Math.abs(dz), c.rateThreshold, s.prev + s.dMean - c.rateThreshold * dSd, s.prev + s.dMean + c.rateThreshold * dSd, d,
        );
      }
      if (c.enabled.ewma) {
        const limit = c.ewmaL * sd * Math.sqrt((lambda / (2 - lambda)) * ewmaWidening(rho, lambda));
        findings.add('drift', Math.abs(ewma - s.mean) / (limit / c.ewmaL), c.ewmaL, s.mean - limit, s.mean + limit, ewma);
      }
      if (c.enabled.cusum) findings.add('level_shift', Math.max(cusumHi, cusumLo), c.cusumH, s.mean - c.cusumK * sd, s.mean + c.cusumK * sd, cusumHi >= cusumLo ? 1 : -1);
      if (c.enabled.noise && s.variance > 0 && !counts) {
        const ratio = Math.sqrt(fastVariance / (sd * sd));
        findings.add('noise', ratio, c.noiseRatio, s.mean - c.zThreshold * sd, s.mean + c.zThreshold * sd, ratio);
      }
      if (c.enabled.runRules && !counts) this.runRules(findings, sd);
    }
    // Absence of the usual activity (a counter that stops) is a run of repeats as unlikely as a stuck sensor's.
    if (!warming && c.enabled.stuck && flatRun > 0) findings.add('stuck', flatRun, this.stuckRunThreshold(), value, value, flatRun);
    const seasonal = c.enabled.daily && c.periodMs !== null && c.periodMs <= DAY_MS / DAY_BINS;
    if (seasonal) this.seasonal(timestamp, value, warming, findings);

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
    s.prev = value;
    s.zeroRate += a * ((value === 0 ? 1 : 0) - s.zeroRate);
    const verdict = findings.verdict();
    // How alike successive deviations usually are is learned from usual samples only: during a lasting
    // anomaly they are alike too, and learning that would widen the charts until they fall silent.
    if (verdict.score < ANOMALY_SCORE) {
      // Counted apart from `n`: a state saved before these fields existed learns them as fast as a new sensor.
      const ka = Math.max(c.alpha / AUTOCORRELATION_MEMORY, 1 / ++s.acovN);
      s.acov = (1 - ka) * (s.acov + ka * r * s.prevDev);
      if (seasonal) {
        learnAcov(s.day, this.dayResidual, ka);
        learnAcov(s.week, this.weekResidual, Math.max(this.weekVarianceAlpha, 1 / s.acovN));
      }
    }
    s.prevDev = r;
    if (seasonal) {
      s.day.prevResidual = this.dayResidual;
      s.week.prevResidual = this.weekResidual;
    }
    // A CUSUM that signalled starts again, so a lasting shift is reported once and then learned.
    if (verdict.anomaly_type === 'level_shift' && verdict.score >= ANOMALY_SCORE) {
      s.cusumHi = 0;
      s.cusumLo = 0;
    } else {
      s.cusumHi = cusumHi;
      s.cusumLo = cusumLo;
    }
    return verdict;
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
      out.add('spike', Math.abs(z), c.zThreshold, value > 0 ? lo : -hi, value > 0 ? hi : -lo, z);
    }
    const a = Math.max(c.alpha, 1 / s.burstN);
    const r = s.burstN > 3 ? clip(x - s.burstMean, c.zClip * bsd) : x - s.burstMean;
    s.burstMean += a * r;
    s.burstVariance = (1 - a) * (s.burstVariance + a * r * r);
  }

  /**
   * Seasonal detectors: an EWMA chart on the residual from the usual value at this time of day, and
   * another at this time of week. Which rhythm the signal has is found from the data: the weekly profile
   * is judged when its residual spread is clearly smaller than the daily one's (weekends that differ from
   * weekdays), else the daily. Runs only for sensors sampled at least once per half hour, after two days
   * of data (two weeks for the weekly profile).
   */
  private seasonal(timestamp: number, value: number, warming: boolean, out: Findings): void {
    const s = this.state;
    const c = this.config;
    const period = c.periodMs!;
    const elapsed = s.n * period;
    const va = Math.max(c.alpha, 1 / s.n);
    const dayReady = this.profileStep(s.day, DAY_BINS, DAY_MS, DAY_BIN_ALPHA_DAYS, timestamp, value, elapsed >= 2 * DAY_MS, va);
    const day = this.profileOut;
    this.dayResidual = day.residual;
    // The weekly residual's spread is learned over about a day, not the baseline's hours: on a slowly
    // sampled demand signal hours are few samples, and a day-long departure would teach itself as usual.
    const weekVa = Math.max(this.weekSpreadAlpha, 1 / s.n);
    const weekReady = this.profileStep(s.week, WEEK_BINS, WEEK_MS, WEEK_BIN_ALPHA_WEEKS, timestamp, value, elapsed >= 2 * WEEK_MS, weekVa);
    this.weekResidual = this.profileOut.residual;
    if (warming) return;
    const useWeek = weekReady && s.week.fit < WEEKLY_EXPLAINS * s.day.fit;
    if (!useWeek && !dayReady) return;
    const p = useWeek ? this.weekOut : day;
    // One sigma wider than the EWMA chart: each bin's mean is itself estimated from few samples.
    const L = c.ewmaL + 1;
    out.add('pattern', p.statistic, L, p.mean - L * p.rsd, p.mean + L * p.rsd, p.raw);
    if (useWeek) out.weekly = true;
  }

  /** One profile's chart statistic (into `profileOut`) and learning; returns whether it may be judged. */
  private profileStep(p: SeasonalProfile, bins: number, spanMs: number, keepSpans: number, timestamp: number, value: number, oldEnough: boolean, va: number): boolean {
    const c = this.config;
    const binMs = spanMs / bins;
    const bin = Math.floor((((timestamp % spanMs) + spanMs) % spanMs) / binMs);
    const perBin = binMs / c.periodMs!;
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
      const fa = Math.max(this.weekVarianceAlpha, 1 / this.state.n);
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
    if (s.lastTs !== null && s.periodMs === null) {
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
    if (lo !== null && value < lo) out.addFixed('out_of_range', 1, value, lo, lo, hi, `below physical minimum ${lo}`);
    if (hi !== null && value > hi) out.addFixed('out_of_range', 1, value, hi, lo, hi, `above physical maximum ${hi}`);
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
    if (act.hihi) out.addFixed('limit', 0.95, value, l.hihi!, lo, hi, `hihi limit ${l.hihi} crossed`);
    else if (act.hi) out.addFixed('limit', 0.75, value, l.hi!, lo, hi, `hi limit ${l.hi} crossed`);
    if (act.lolo) out.addFixed('limit', 0.95, value, l.lolo!, lo, hi, `lolo limit ${l.lolo} crossed`);
    else if (act.lo) out.addFixed('limit', 0.75, value, l.lo!, lo, hi, `lo limit ${l.lo} crossed`);
  }

  /** Western Electric rules 2–3 and Nelson rule 2 on the zones of recent samples (rule 1 is the z-score). */
  private runRules(out: Findings, sd: number): void {
    const zones = this.state.zones;
    const check = (window: number, need: number, sigmas: number, rule: string): boolean => {
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
      out.addFixed('run_rule', this.config.runRuleScore, hits, need, mean - sigmas * sd, mean + sigmas * sd, rule);
      return true;
    };
    // Called per sample: loops, not slices, to keep detection allocation-light.
    if (!check(3, 2, 2, '2 of 3 beyond 2σ on one side') && !check(5, 4, 1, '4 of 5 beyond 1σ on one side')) check(9, 9, 0, '9 in a row on one side');
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
