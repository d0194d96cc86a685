import { ANOMALY_TYPES } from '@idm/contracts';
import type { AnomalyEvidence, AnomalyType } from '@idm/contracts';
import { DetectorSettings, ResolvedConfig, resolveConfig } from './config';
import { ANOMALY_SCORE, scoreOf } from './score';

/** The serialisable per-sensor state: plain numbers and small fixed-size arrays (bounded memory). */
export interface SensorState {
  version: 1;
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
  /** Daily profile: mean value per time-of-day bin (DAY_BINS), samples per bin, and the residual's spread. */
  dayMean: number[];
  dayCount: number[];
  dayVariance: number;
  dayEwma: number;
  /** Lag-1 autocovariance of the daily-profile residual, and the last residual. */
  dayAcov: number;
  dayPrevResidual: number;
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
  combined = 0;

  /** Per anomaly type, the strongest statistic / threshold of this sample (1 = at the threshold); reset here. */
  constructor(private readonly ratios: Float64Array) {
    ratios.fill(0);
  }

  add(type: AnomalyType, statistic: number, threshold: number, lo: number | null, hi: number | null, arg: number, fixedDetail?: string): void {
    const score = scoreOf(statistic, threshold);
    const i = EVIDENCE_INDEX[type];
    const ratio = statistic === Infinity ? 1e12 : score > 0 ? statistic / threshold : 0;
    if (ratio > this.ratios[i]) this.ratios[i] = ratio;
    if (score > 0) this.combined += statistic === Infinity ? Math.log1p(1e12) : Math.log1p(statistic / threshold);
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
    this.combined += Math.log1p(ratio);
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
    if (this.type === null || this.score <= 0) return { score: 0, anomaly_type: null, evidence: null, combined: 0 };
    const evidence: AnomalyEvidence = { expected_lo: this.lo, expected_hi: this.hi, statistic: this.statistic, threshold: this.threshold };
    const detail = this.fixedDetail ?? (this.score >= ANOMALY_SCORE ? describe(this.type, this.arg) : undefined);
    if (detail !== undefined) evidence.detail = detail;
    return { score: this.score, anomaly_type: this.type, evidence, combined: this.combined };
  }
}

function describe(type: AnomalyType, arg: number): string | undefined {
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
      return `${fmt(arg)} from the usual value at this time of day`;
    default:
      return undefined;
  }
}

export function initialState(): SensorState {
  return {
    version: 1,
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
    dayMean: new Array(DAY_BINS).fill(0),
    dayCount: new Array(DAY_BINS).fill(0),
    dayVariance: 0,
    dayEwma: 0,
    dayAcov: 0,
    dayPrevResidual: 0,
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

  constructor(
    private readonly settings: DetectorSettings = {},
    state?: SensorState,
  ) {
    // States saved before a field existed get its initial value.
    this.state = state ? { ...initialState(), ...structuredClone(state) } : initialState();
    this.config = resolveConfig(this.state.periodMs, settings);
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

  /** Samples still to learn before the statistical detectors judge (0 once warmed up; an estimate while the sample period is being learned). */
  get samplesToLearn(): number {
    return Math.max(0, this.config.warmupSamples - this.state.n);
  }

  step(timestamp: number, value: number): EngineVerdict {
    if (!Number.isFinite(value)) {
      this.lastEvidence.fill(0);
      return { score: 0, anomaly_type: null, evidence: null, combined: 0 };
    }
    const s = this.state;
    const c = this.config;
    this.trackPeriod(timestamp);
    s.n++;
    const findings = new Findings(this.lastEvidence);
    if (c.enabled.physical) this.physical(value, findings);
    if (c.enabled.limits) this.limits(value, findings);

    if (s.prev === null) {
      s.mean = value;
      s.ewma = value;
      s.prev = value;
      return findings.verdict();
    }

    const sd = this.sigma();
    const z = (value - s.mean) / sd;
    const d = value - s.prev;
    const dSd = Math.max(Math.sqrt(s.dVariance), c.minSigma, 1e-9 * Math.abs(s.mean), 1e-12);
    const dz = (d - s.dMean) / dSd;
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
    const fastVariance = (1 - c.fastAlpha) * s.fastVariance + c.fastAlpha * (clip(z, 2 * c.zClip) * sd) ** 2;
    const flat = Math.abs(d) <= Math.max(c.minSigma * 1e-3, 1e-12 * Math.abs(value));
    const flatRun = flat ? s.flatRun + 1 : 0;
    // Zone code: sign of the deviation × (1 + whole sigmas, at most 3), so 0 never occurs and side is kept.
    const zone = (z >= 0 ? 1 : -1) * (1 + Math.min(3, Math.floor(Math.abs(z))));
    s.zones.push(zone);
    if (s.zones.length > RUN_MEMORY) s.zones.shift();

    const expected = (k: number): [number, number] => [s.mean - k * sd, s.mean + k * sd];
    if (!this.warmingUp) {
      if (c.enabled.zscore) {
        const [lo, hi] = expected(c.zThreshold);
        findings.add('spike', Math.abs(z), c.zThreshold, lo, hi, z);
      }
      if (c.enabled.rate) {
        findings.add(
          'rate_of_change', Math.abs(dz), c.rateThreshold, s.prev + s.dMean - c.rateThreshold * dSd, s.prev + s.dMean + c.rateThreshold * dSd, d,
        );
      }
      if (c.enabled.ewma) {
        const limit = c.ewmaL * sd * Math.sqrt((lambda / (2 - lambda)) * ewmaWidening(rho, lambda));
        const [lo, hi] = [s.mean - limit, s.mean + limit];
        findings.add('drift', Math.abs(ewma - s.mean) / (limit / c.ewmaL), c.ewmaL, lo, hi, ewma);
      }
      if (c.enabled.cusum) {
        const [lo, hi] = expected(c.cusumK);
        findings.add('level_shift', Math.max(cusumHi, cusumLo), c.cusumH, lo, hi, cusumHi >= cusumLo ? 1 : -1);
      }
      if (c.enabled.noise && s.variance > 0) {
        const ratio = Math.sqrt(fastVariance / (sd * sd));
        const [lo, hi] = expected(c.zThreshold);
        findings.add('noise', ratio, c.noiseRatio, lo, hi, ratio);
      }
      if (c.enabled.stuck && flatRun > 0) {
        const needed = this.stuckRunThreshold();
        findings.add('stuck', flatRun, needed, value, value, flatRun);
      }
      if (c.enabled.runRules) this.runRules(findings, sd);
    }
    const dayResidual = c.enabled.daily ? this.daily(timestamp, value, findings) : null;

    // Learn after judging; residuals are clipped so a spike barely moves the baseline while a lasting shift is absorbed.
    // Bias-corrected start: a plain average until the exponential window is full.
    const a = Math.max(c.alpha, 1 / s.n);
    const r = s.n > 3 ? clip(value - s.mean, c.zClip * sd) : value - s.mean;
    s.mean += a * r;
    s.variance = (1 - a) * (s.variance + a * r * r);
    const dr = s.n > 3 ? clip(d - s.dMean, c.zClip * dSd) : d - s.dMean;
    s.dMean += a * dr;
    s.dVariance = (1 - a) * (s.dVariance + a * dr * dr);
    s.ewma = ewma;
    s.fastVariance = fastVariance;
    // A flat line after warm-up must not teach the detector that flat lines are normal; one during warm-up
    // (a sensor that idles at a constant value) must.
    if (this.warmingUp || flatRun <= c.stuckMinSamples) s.repeatRate += a * ((flat ? 1 : 0) - s.repeatRate);
    s.flatRun = flatRun;
    s.prev = value;
    const verdict = findings.verdict();
    // How alike successive deviations usually are is learned from usual samples only: during a lasting
    // anomaly they are alike too, and learning that would widen the charts until they fall silent.
    if (verdict.score < ANOMALY_SCORE) {
      // Counted apart from `n`: a state saved before these fields existed learns them as fast as a new sensor.
      const ka = Math.max(c.alpha / AUTOCORRELATION_MEMORY, 1 / ++s.acovN);
      s.acov = (1 - ka) * (s.acov + ka * r * s.prevDev);
      if (dayResidual !== null) s.dayAcov = (1 - ka) * (s.dayAcov + ka * dayResidual * s.dayPrevResidual);
    }
    s.prevDev = r;
    if (dayResidual !== null) s.dayPrevResidual = dayResidual;
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
   * Daily-profile detector: an EWMA chart on the residual from the usual value at this time of day, so a
   * plant whose values follow a daily cycle is judged against that cycle (a missing peak, a shifted day).
   * Runs only for sensors sampled at least once per bin, after two days of data.
   */
  private daily(timestamp: number, value: number, out: Findings): number | null {
    const s = this.state;
    const c = this.config;
    const binMs = DAY_MS / DAY_BINS;
    if (!c.periodMs || c.periodMs > binMs) return null;
    const bin = Math.floor((((timestamp % DAY_MS) + DAY_MS) % DAY_MS) / binMs);
    const perBin = binMs / c.periodMs;
    const ready = s.n * c.periodMs >= 2 * DAY_MS && s.dayCount[bin] >= perBin;
    const mean = s.dayCount[bin] > 0 ? s.dayMean[bin] : s.mean;
    const residual = value - mean;
    const lambda = c.ewmaLambda;
    const rsd = Math.max(Math.sqrt(s.dayVariance), c.minSigma, 1e-6 * Math.abs(mean), 1e-9);
    const rc = clip(residual, c.zClip * rsd);
    const ewma = lambda * rc + (1 - lambda) * s.dayEwma;
    if (ready && !this.warmingUp) {
      const limit = rsd * Math.sqrt((lambda / (2 - lambda)) * ewmaWidening(autocorrelation(s.dayAcov, s.dayVariance), lambda));
      // One sigma wider than the EWMA chart: each bin's mean is itself estimated from few samples.
      const L = c.ewmaL + 1;
      out.add('pattern', Math.abs(ewma) / limit, L, mean - L * rsd, mean + L * rsd, residual);
    }
    s.dayEwma = ewma;
    const count = ++s.dayCount[bin];
    const a = Math.max(1 / count, 1 / (DAY_BIN_ALPHA_DAYS * perBin));
    s.dayMean[bin] = count === 1 ? value : s.dayMean[bin] + a * rc;
    const va = Math.max(c.alpha, 1 / s.n);
    if (count > 1) s.dayVariance = (1 - va) * (s.dayVariance + va * rc * rc);
    return rc;
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
