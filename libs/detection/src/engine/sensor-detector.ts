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
}

/** One sample's result in the engine (the server adds sensor id and status for the wire). */
export interface EngineVerdict {
  score: number;
  anomaly_type: AnomalyType | null;
  evidence: AnomalyEvidence | null;
  /** Sum over detectors of log(1 + statistic / threshold): the joint weight of evidence (for alert ranking). */
  combined: number;
}

const PERIOD_PROBE = 5;
const RUN_MEMORY = 9;
/** Half-hour bins of the daily profile (bounded memory whatever the sample rate). */
const DAY_BINS = 48;
const DAY_MS = 86_400_000;
/** Each bin's mean follows about the last week of that time of day. */
const DAY_BIN_ALPHA_DAYS = 3;

interface Finding {
  type: AnomalyType;
  score: number;
  evidence: AnomalyEvidence;
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
  };
}

/**
 * Streaming anomaly detection for one sensor: O(1) time per sample, bounded memory, causal (a verdict
 * uses only this and earlier samples). Every detector scores the sample on one scale (0.5 = its
 * threshold); the verdict is the strongest one.
 */
export class SensorDetector {
  private state: SensorState;
  private config: ResolvedConfig;

  constructor(
    private readonly settings: DetectorSettings = {},
    state?: SensorState,
  ) {
    this.state = state ? structuredClone(state) : initialState();
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

  step(timestamp: number, value: number): EngineVerdict {
    if (!Number.isFinite(value)) return { score: 0, anomaly_type: null, evidence: null, combined: 0 };
    const s = this.state;
    const c = this.config;
    this.trackPeriod(timestamp);
    s.n++;
    const findings: Finding[] = [];
    if (c.enabled.physical) this.physical(value, findings);
    if (c.enabled.limits) this.limits(value, findings);

    if (s.prev === null) {
      s.mean = value;
      s.ewma = value;
      s.prev = value;
      return pick(findings);
    }

    const sd = this.sigma();
    const z = (value - s.mean) / sd;
    const d = value - s.prev;
    const dSd = Math.max(Math.sqrt(s.dVariance), c.minSigma, 1e-9 * Math.abs(s.mean), 1e-12);
    const dz = (d - s.dMean) / dSd;
    const lambda = c.ewmaLambda;
    const ewma = lambda * value + (1 - lambda) * s.ewma;
    const zc = clip(z, c.zClip);
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
        findings.push(finding('spike', Math.abs(z), c.zThreshold, lo, hi, `z = ${z.toFixed(1)}`));
      }
      if (c.enabled.rate) {
        findings.push(
          finding('rate_of_change', Math.abs(dz), c.rateThreshold, s.prev + s.dMean - c.rateThreshold * dSd, s.prev + s.dMean + c.rateThreshold * dSd, `change ${fmt(d)} per sample`),
        );
      }
      if (c.enabled.ewma) {
        const limit = c.ewmaL * sd * Math.sqrt(lambda / (2 - lambda));
        const [lo, hi] = [s.mean - limit, s.mean + limit];
        findings.push(finding('drift', Math.abs(ewma - s.mean) / (limit / c.ewmaL), c.ewmaL, lo, hi, `EWMA ${fmt(ewma)}`));
      }
      if (c.enabled.cusum) {
        const [lo, hi] = expected(c.cusumK);
        findings.push(finding('level_shift', Math.max(cusumHi, cusumLo), c.cusumH, lo, hi, cusumHi >= cusumLo ? 'sustained rise' : 'sustained fall'));
      }
      if (c.enabled.noise && s.variance > 0) {
        const ratio = Math.sqrt(fastVariance / (sd * sd));
        const [lo, hi] = expected(c.zThreshold);
        findings.push(finding('noise', ratio, c.noiseRatio, lo, hi, `spread ×${ratio.toFixed(1)}`));
      }
      if (c.enabled.stuck && flatRun > 0) {
        const needed = this.stuckRunThreshold();
        findings.push(finding('stuck', flatRun, needed, value, value, `unchanged for ${flatRun} samples`));
      }
      if (c.enabled.runRules) this.runRules(findings, sd);
    }
    if (c.enabled.daily) this.daily(timestamp, value, findings);

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
    const verdict = pick(findings);
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
  private daily(timestamp: number, value: number, out: Finding[]): void {
    const s = this.state;
    const c = this.config;
    const binMs = DAY_MS / DAY_BINS;
    if (!c.periodMs || c.periodMs > binMs) return;
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
      const limit = rsd * Math.sqrt(lambda / (2 - lambda));
      out.push(finding('pattern', Math.abs(ewma) / limit, c.ewmaL, mean - c.ewmaL * rsd, mean + c.ewmaL * rsd, `${fmt(residual)} from the usual value at this time of day`));
    }
    s.dayEwma = ewma;
    const count = ++s.dayCount[bin];
    const a = Math.max(1 / count, 1 / (DAY_BIN_ALPHA_DAYS * perBin));
    s.dayMean[bin] = count === 1 ? value : s.dayMean[bin] + a * rc;
    const va = Math.max(c.alpha, 1 / s.n);
    if (count > 1) s.dayVariance = (1 - va) * (s.dayVariance + va * rc * rc);
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

  private physical(value: number, out: Finding[]): void {
    const { physicalMin: lo, physicalMax: hi } = this.config;
    if (lo !== null && value < lo) out.push({ type: 'out_of_range', score: 1, evidence: { expected_lo: lo, expected_hi: hi, statistic: value, threshold: lo, detail: `below physical minimum ${lo}` } });
    if (hi !== null && value > hi) out.push({ type: 'out_of_range', score: 1, evidence: { expected_lo: lo, expected_hi: hi, statistic: value, threshold: hi, detail: `above physical maximum ${hi}` } });
  }

  /** lo/lolo/hi/hihi with deadband: a crossed limit stays active until the value is back by the deadband. */
  private limits(value: number, out: Finding[]): void {
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
    const range = { expected_lo: l.lo ?? l.lolo ?? null, expected_hi: l.hi ?? l.hihi ?? null };
    // hihi/lolo are near-certain trouble; hi/lo clear the anomaly threshold with margin.
    if (act.hihi) out.push({ type: 'limit', score: 0.95, evidence: { ...range, statistic: value, threshold: l.hihi!, detail: `hihi limit ${l.hihi} crossed` } });
    else if (act.hi) out.push({ type: 'limit', score: 0.75, evidence: { ...range, statistic: value, threshold: l.hi!, detail: `hi limit ${l.hi} crossed` } });
    if (act.lolo) out.push({ type: 'limit', score: 0.95, evidence: { ...range, statistic: value, threshold: l.lolo!, detail: `lolo limit ${l.lolo} crossed` } });
    else if (act.lo) out.push({ type: 'limit', score: 0.75, evidence: { ...range, statistic: value, threshold: l.lo!, detail: `lo limit ${l.lo} crossed` } });
  }

  /** Western Electric rules 2–3 and Nelson rule 2 on the zones of recent samples (rule 1 is the z-score). */
  private runRules(out: Finding[], sd: number): void {
    const zones = this.state.zones;
    const check = (window: number, need: number, sigmas: number, rule: string) => {
      const minZone = sigmas + 1;
      if (zones.length < window) return false;
      const recent = zones.slice(-window);
      for (const side of [1, -1]) {
        const hits = recent.filter((z) => z * side >= minZone).length;
        if (hits >= need) {
          const mean = this.state.mean;
          out.push({
            type: 'run_rule',
            score: this.config.runRuleScore,
            evidence: { expected_lo: mean - sigmas * sd, expected_hi: mean + sigmas * sd, statistic: hits, threshold: need, detail: rule },
          });
          return true;
        }
      }
      return false;
    };
    check(3, 2, 2, '2 of 3 beyond 2σ on one side') || check(5, 4, 1, '4 of 5 beyond 1σ on one side') || check(9, 9, 0, '9 in a row on one side');
  }
}

function finding(type: AnomalyType, statistic: number, threshold: number, lo: number, hi: number, detail: string): Finding {
  return { type, score: scoreOf(statistic, threshold), evidence: { expected_lo: lo, expected_hi: hi, statistic, threshold, detail } };
}

function pick(findings: Finding[]): EngineVerdict {
  let best: Finding | null = null;
  let combined = 0;
  for (const f of findings) {
    if (!best || f.score > best.score) best = f;
    combined += Math.log1p(f.score >= 1 ? 1e12 : f.score / (1 - f.score));
  }
  if (!best || best.score <= 0) return { score: 0, anomaly_type: null, evidence: null, combined: 0 };
  return { score: best.score, anomaly_type: best.type, evidence: best.evidence, combined };
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
