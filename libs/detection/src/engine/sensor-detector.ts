import { ANOMALY_TYPES } from '@idm/contracts';
import type { AnomalyEvidence, AnomalyType } from '@idm/contracts';
import { DetectorSettings, ResolvedConfig, resolveConfig } from './config';
import { CycleProfile, CycleState } from './cycle-profile';
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
  /**
   * Variance of the same clipped deviations, learned with `acov` (same samples, same rate), so that their
   * ratio is a lag-1 autocorrelation (the CUSUM's widening). A state saved before it existed loads with
   * the baseline variance, the ratio it was judged with then.
   */
  acovVariance: number;
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
  /**
   * The longest ordinary flat run seen lately (samples; fades over a few baseline half-lives). A signal
   * that idles between bursts (a counter, a batch line) repeats in long stretches, not in independent
   * repeats: a run is judged stuck only once it also outlasts twice its usual longest.
   */
  flatRunMax: number;
  /**
   * Step model of a signal that idles between bursts: the value of its last idle stretch (a flat run of
   * at least `stuckMinSamples`; null before one), and the count, mean and variance of its edge jumps
   * (|change| on leaving that level and on coming back to it). A batch line's jumps at run boundaries are
   * its normal behaviour: they are judged against these, not against the sample-to-sample noise.
   */
  idleLevel: number | null;
  edgeN: number;
  edgeMean: number;
  edgeVariance: number;
  /**
   * Samples since the signal last left its idle level (0: idle), and the usual length of such active
   * stretches (mean over about the last EDGE_MEMORY, `returns` of them learned). A signal that moves in
   * steps holds each level for a while; one whose bursts last a few samples is spiky, not stepped.
   */
  activeRun: number;
  activeMean: number;
  returns: number;
  /**
   * 1 while the robust start waits for the signal to move: its first values were all the same (a counter
   * that starts idle), which says nothing about the spread, so it is taken again from the 9 values after
   * the signal moves, once they show a spread of values and of changes (during warm-up only; a signal
   * constant all warm-up has learned that it is constant).
   */
  robustPending: number;
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
  /**
   * Count model, optional parts (see `DetectorSettings.countActivity`, `countSticky`): the EWMA of "the
   * value is not zero", and 1 while the signal is judged a count signal. Saved only by a detector that
   * runs one of them, so every other state keeps its shape; 0 when absent.
   */
  activity?: number;
  countSignal?: number;
  /**
   * Short-cycle model (see `CycleProfile`): a cycle of minutes to an hour found from the data and adopted
   * only when it explains the signal out of sample; null for sensors sampled too slowly to hold one (and
   * in states saved before it existed).
   */
  cycle: CycleState | null;
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
/** With `countSticky`, a count signal stays one while it is exactly zero more often than this. */
const ZERO_INFLATED_STAYS = ZERO_INFLATED / 2;
/** A flat run is judged stuck only once it outlasts this many times the usual longest one (see `flatRunMax`). */
const STUCK_RUN_MARGIN = 2;
/** Intervals this many periods long are gaps: the per-sample rate of change is not judged across them. */
const GAP_PERIODS = 3;
/** Edge jumps a step signal must have shown before its edges are judged by the step model. */
const EDGE_MIN_COUNT = 3;
/** The step model remembers about this many recent edges (its learning rate per edge is 1 / this). */
const EDGE_MEMORY = 20;

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
  readonly fixed = new Float64Array(ANOMALY_TYPES.length).fill(NaN);
  /** Its evidence ratio, `fixedRatio(fixed)`: worked out once per score, not per sample (see `addFixed`). */
  readonly fixedRatio = new Float64Array(ANOMALY_TYPES.length);
  /** The score of each present slot, as `finishFindings` ranked them (for `writeEvidence`). */
  readonly score = new Float64Array(ANOMALY_TYPES.length);
  /** Bit i set: slot i holds a finding (one number to clear per sample, not one per slot). */
  readonly present = new Int32Array(1);
  readonly details: (string | undefined)[] = new Array<string | undefined>(ANOMALY_TYPES.length).fill(undefined);
}
const SLOTS = new Slots();
/**
 * The detector whose last sample's findings are in SLOTS and whose per-type evidence (`lastEvidence`, the
 * joint evidence) is not written yet: it is written when asked for, or before another detector's sample
 * overwrites SLOTS (see `writeEvidence`). The live path (`update`, the score) never asks on a usual sample.
 */
let PENDING: SensorDetector | null = null;

/**
 * Where a detector keeps its numbers: one Float64Array per detector (or its row of a `DetectorBank`)
 * holding the learned state, the last sample's verdict and its per-type evidence, side by side. Over
 * thousands of sensors a sample costs mostly the memory it touches, and in V8 each number field of an
 * object is a separate heap box (a field that is not a small integer). What every sample reads and writes
 * comes first (8 cache lines); what only some samples touch (a completed profile block, a step edge, the
 * count model, the explanation of a finding) after it. The configuration is not here: detectors with the
 * same one share its numbers (see `C_*`). The saved form (`SensorState`) is unchanged.
 */
const N = 0;
const LAST_TS = 1; // NaN: none
const PERIOD = 2; // NaN: not known yet (the resolved configuration's period is the same)
const PREV = 3; // NaN: none
const MEAN = 4;
const VARIANCE = 5;
const ACOV = 6;
const PREV_DEV = 7;
const ACOV_N = 8;
const D_MEAN = 9;
const D_VARIANCE = 10;
const EWMA = 11;
const CUSUM_HI = 12;
const CUSUM_LO = 13;
const FAST_VARIANCE = 14;
const FLAT_RUN = 15;
const REPEAT_RATE = 16;
const BLOCK_SUM = 17;
const BLOCK_N = 18;
const PATTERN_STATISTIC = 19;
const ZERO_RATE = 20;
const FLAT_RUN_MAX = 21;
/** The step model (see `SensorState.idleLevel`); IDLE_LEVEL NaN: none yet. */
const IDLE_LEVEL = 22;
const EDGE_N = 23;
const ACTIVE_RUN = 24;
const ACTIVE_MEAN = 25;
const ROBUST_PENDING = 26;
const ACOV_VARIANCE = 27;
/** Zone codes held (at most RUN_MEMORY), then the codes in one number, 3 bits each, newest lowest (see `pushZone`). */
const ZONE_COUNT = 28;
const ZONES = 29;
/** The last sample's findings (see `finishFindings`). */
const F_BEST = ZONES + 1;
const F_SCORE = F_BEST + 1;
/** The product of (1 + ratio) over the findings; its log is the joint evidence (taken only when asked for). */
const F_PRODUCT = F_BEST + 2;
const F_STATISTIC = F_BEST + 3;
const F_THRESHOLD = F_BEST + 4;
const F_LO = F_BEST + 5;
const F_HI = F_BEST + 6;
const F_ARG = F_BEST + 7;
const F_WEEKLY = F_BEST + 8;
/** The period (ms) of the short cycle whose finding is in the pattern slot (0: the seasonal profile's). */
const F_CYCLE = F_BEST + 9;
/** Per anomaly type, the strongest statistic / threshold of the last sample (`lastEvidence`). */
const EVIDENCE = F_CYCLE + 1;
/** Not every sample: the block, the pattern finding's explanation, the step model's edges, the count model. */
const BLOCK_TS = EVIDENCE + ANOMALY_TYPES.length;
const PATTERN_LO = BLOCK_TS + 1;
const PATTERN_HI = BLOCK_TS + 2;
const PATTERN_RESIDUAL = BLOCK_TS + 3;
const PATTERN_WEEKLY = BLOCK_TS + 4;
const EDGE_MEAN = BLOCK_TS + 5;
const EDGE_VARIANCE = BLOCK_TS + 6;
const RETURNS = BLOCK_TS + 7;
const BURST_MEAN = BLOCK_TS + 8;
const BURST_VARIANCE = BLOCK_TS + 9;
const BURST_N = BLOCK_TS + 10;
const ACTIVITY = BLOCK_TS + 11;
const COUNT_SIGNAL = BLOCK_TS + 12;
/**
 * The daily and the weekly profile's numbers (`SeasonalProfile` without its bins, which are kept apart,
 * see `SensorDetector.bins`), then the last block's results.
 */
const DAY = BLOCK_TS + 13;
const WEEK = DAY + 10;
const P_VARIANCE = 0;
const P_EWMA = 1;
const P_ACOV = 2;
const P_PREV_RESIDUAL = 3;
const P_FIT = 4;
/** The last block's clipped residual, raw residual, expected value, residual spread and chart statistic. */
const P_RESIDUAL = 5;
const P_RAW = 6;
const P_MEAN = 7;
const P_RSD = 8;
const P_STATISTIC = 9;
const SLOT_COUNT = WEEK + 10;

/**
 * The configuration each sample reads (from `ResolvedConfig` and the sample period), in an array shared by
 * every detector with the same numbers (see `sharedConfig`): over many sensors one copy stays in cache.
 */
const C_WARMUP = 0;
const C_ALPHA = 1;
const C_FAST_ALPHA = 2;
const C_Z = 3;
const C_Z_CLIP = 4;
const C_RATE = 5;
const C_LAMBDA = 6;
const C_L = 7;
const C_K = 8;
const C_H = 9;
const C_MIN_SIGMA = 10;
/** Bits of the detectors that run (see `FLAG_*`). */
const C_FLAGS = 11;
const C_NOISE = 12;
const C_STUCK_MIN = 13;
/** ln(stuckProbability). */
const C_STUCK_LN_P = 14;
const C_RUN_RULE_SCORE = 15;
/** Samples per block of the seasonal profiles, and the profiles' learning rates per block (see `resolveRates`). */
const C_BLOCK_SAMPLES = 16;
const C_DAY_VARIANCE_ALPHA = 17;
const C_DAY_ACOV_ALPHA = 18;
const C_WEEK_SPREAD_ALPHA = 19;
const C_WEEK_VARIANCE_ALPHA = 20;
/** λ/(2−λ) of the EWMA charts' variance. */
const C_EWMA_VARIANCE = 21;
/**
 * The sample count from which max(α, 1/n) is α, and from which max(α/AUTOCORRELATION_MEMORY, 1/n) is
 * (see `firstNAtMost`): past the bias-corrected start the learning rates need no division.
 */
const C_ALPHA_FROM = 22;
const C_ACOV_ALPHA_FROM = 23;
/** fixedRatio(runRuleScore). */
const C_RUN_RULE_RATIO = 24;
const CONFIG_COUNT = 25;

/** Configuration arrays by their numbers (few: one per sample period and settings in use). */
const CONFIGS = new Map<string, Float64Array>();

/** The shared array holding these configuration numbers (never written after it is shared). */
function sharedConfig(numbers: Float64Array): Float64Array {
  const key = numbers.join();
  let shared = CONFIGS.get(key);
  if (!shared) {
    // Bounded whatever happens to the settings: detectors keep their arrays, only sharing is lost.
    if (CONFIGS.size >= 1024) CONFIGS.clear();
    CONFIGS.set(key, (shared = numbers));
  }
  return shared;
}

/**
 * The sample being judged: numbers passed to a call that is not inlined are boxed, so `update` hands them
 * over here (shared: a sample is judged start to end in one synchronous call).
 */
const INPUT = new Float64Array(3);
/** INPUT[SD]: the sample's baseline spread as `judgeInput` worked it out, for the run rules (not again). */
const SD = 2;
/** Bits per held zone code (see `pushZone`), and the mask of RUN_MEMORY of them. */
const ZONE_BITS = 3;
const ZONE_MASK = (1 << (ZONE_BITS * RUN_MEMORY)) - 1;
/** The lowest bit of each held code; of the newest 3, 5 and all 9 (the run rules' windows). */
const CODE_BITS = 0o111111111;
const NEWEST_3 = 0o111;
const NEWEST_5 = 0o11111;

/** Set bits of a 32-bit integer. */
function bitCount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** The zone code held `age` samples before the newest (0: the newest) in the packed codes. */
function zoneAt(packed: number, age: number): number {
  const e = (packed >> (ZONE_BITS * age)) & 7;
  return e < 4 ? e - 4 : e - 3;
}

/**
 * The first sample count n from which 1/n, as computed, is at most `alpha`: from there on max(alpha, 1/n)
 * is alpha (1/n only falls as n grows; rounding keeps that order), so the division can be skipped exactly.
 */
export function firstNAtMost(alpha: number): number {
  const guess = Math.ceil(1 / alpha);
  if (!(alpha > 0) || !Number.isFinite(guess)) return Infinity;
  let n = Math.max(1, guess);
  while (1 / n > alpha) n++;
  while (n > 1 && 1 / (n - 1) <= alpha) n--;
  return n;
}

const FLAG_ZSCORE = 1;
const FLAG_RATE = 2;
const FLAG_EWMA = 4;
const FLAG_CUSUM = 8;
const FLAG_NOISE = 16;
const FLAG_RUN_RULES = 32;
const FLAG_STUCK = 64;
const FLAG_DAILY = 128;
/** Physical range enabled and set. */
const FLAG_PHYSICAL = 256;
/** Limits enabled and set. */
const FLAG_LIMITS = 512;
const FLAG_COUNT_MODEL = 1024;
/** The count model's optional parts (only with it). */
const FLAG_COUNT_ACTIVITY = 2048;
const FLAG_COUNT_NO_LEVEL = 4096;
const FLAG_COUNT_STICKY = 8192;

/** Records a statistical finding in the shared slots (`i` is `EVIDENCE_INDEX[type]`). */
function addFinding(i: number, statistic: number, threshold: number, lo: number, hi: number, arg: number): void {
  SLOTS.present[0] |= 1 << i;
  SLOTS.statistic[i] = statistic;
  SLOTS.threshold[i] = threshold;
  SLOTS.lo[i] = lo;
  SLOTS.hi[i] = hi;
  SLOTS.arg[i] = arg;
  SLOTS.fixed[i] = NaN;
}

/**
 * A finding with a fixed score (limits, physical range, run rules), plain arguments (rare, except the run
 * rules on a slow swing). `ratio` is `fixedRatio(score)`, worked out beforehand: the run rules hold on most
 * samples of a signal that swings slower than the baseline learns, and the division is the same every time.
 */
function addFixed(i: number, score: number, ratio: number, statistic: number, threshold: number, lo: number | null, hi: number | null, detail: string): void {
  if (SLOTS.present[0] & (1 << i) && SLOTS.fixed[i] >= score) return;
  addFinding(i, statistic, threshold, lo ?? NaN, hi ?? NaN, 0);
  SLOTS.fixed[i] = score;
  SLOTS.fixedRatio[i] = ratio;
  SLOTS.details[i] = detail;
}

/** The evidence ratio of a fixed score (its odds; 1e12 for certainty), as `finishFindings` reports it. */
export function fixedRatio(score: number): number {
  return score >= 1 ? 1e12 : score / (1 - score);
}
const RATIO_RANGE = fixedRatio(1);
const RATIO_HIHI = fixedRatio(0.95);
const RATIO_HI = fixedRatio(0.75);

function describe(type: AnomalyType, arg: number, weekly: boolean, cycleMs: number): string | undefined {
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
      // A count signal's activity finding carries its ratio negated (see `countActivity`).
      return arg < 0 ? `active ${(-arg).toFixed(1)}× as often as usual` : `spread ×${arg.toFixed(1)}`;
    case 'stuck':
      return `unchanged for ${arg} samples`;
    case 'pattern':
      if (cycleMs > 0) return `${fmt(arg)} off its ${Math.round(cycleMs / 1000)} s cycle`;
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
  if (old.acovVariance === undefined) migrated.acovVariance = migrated.variance;
  // Optional (not in `initialState`): kept only where saved.
  if (typeof old.activity === 'number') migrated.activity = old.activity;
  if (typeof old.countSignal === 'number') migrated.countSignal = old.countSignal;
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
    acovVariance: 0,
    dMean: 0,
    dVariance: 0,
    ewma: 0,
    cusumHi: 0,
    cusumLo: 0,
    fastVariance: 0,
    flatRun: 0,
    repeatRate: 0,
    flatRunMax: 0,
    idleLevel: null,
    edgeN: 0,
    edgeMean: 0,
    edgeVariance: 0,
    activeRun: 0,
    activeMean: 0,
    returns: 0,
    robustPending: 0,
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
    cycle: null,
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
  // The fields every sample reads come first (fields lie in the object in this order): over thousands of
  // sensors, one cache line of the object instead of two.
  /** The detector's numbers (see `N` … `C_FLAGS`): its own array, or its row of a `DetectorBank`. */
  private readonly h: Float64Array;
  /** The configuration's numbers a sample reads (`C_*`; shared with every detector configured alike). */
  private c!: Float64Array;
  /** The short-cycle model, once the sample period is known (null for slow sensors). */
  private cycle: CycleProfile | null = null;
  /** The parts of the state that are not per-sample numbers. */
  private dts: number[];
  private probe: number[];
  private readonly limitActive: { lolo: boolean; lo: boolean; hi: boolean; hihi: boolean };
  /**
   * The daily and weekly profiles' bins: bin b's mean at `dayAt + b·binStride` (`weekAt` for the weekly
   * one), its count next to it. In a bank the bins of all its sensors lie bin by bin (see `DetectorBank`).
   */
  private readonly bins: Float64Array;
  private readonly dayAt: number;
  private readonly weekAt: number;
  private readonly binStride: number;
  private config: ResolvedConfig;
  /**
   * Per-detector evidence of the last sample (statistic / threshold per anomaly type, indexed by
   * `EVIDENCE_INDEX`; 0 where a detector did not run), written when asked for (`lastEvidence`). Not part of the state.
   */
  private readonly evidence: Float64Array;
  /** The fixed-score finding's text, when the last verdict is one. */
  private detail: string | undefined = undefined;
  /** False on a row of a `DetectorBank` made with `keepEvidence: false` (see there). */
  private readonly keepsEvidence: boolean;
  /** The last sample's evidence was not kept (another detector judged since; only when `keepsEvidence` is false). */
  private evidenceDropped = false;

  /**
   * `storage`: a row from `DetectorBank.row()` to keep the numbers and profile bins in (overwritten), or an
   * array for the numbers only; else the detector's own arrays.
   */
  constructor(
    private readonly settings: DetectorSettings = {},
    state?: SensorState,
    storage?: DetectorRow | Float64Array,
  ) {
    const numbers = storage instanceof Float64Array ? storage : storage?.numbers;
    if (numbers && numbers.length !== SLOT_COUNT) throw new RangeError(`a detector row holds ${SLOT_COUNT} numbers, not ${numbers.length}`);
    // A row reused by a rebuilt detector: its old detector's pending evidence must not land on it later.
    if (PENDING !== null) PENDING.settleEvidence();
    const h = numbers ? numbers.fill(0) : new Float64Array(SLOT_COUNT);
    this.h = h;
    if (storage && !(storage instanceof Float64Array)) {
      this.bins = storage.bins;
      this.dayAt = storage.dayAt;
      this.weekAt = storage.weekAt;
      this.binStride = storage.binStride;
      this.keepsEvidence = storage.keepEvidence;
    } else {
      this.keepsEvidence = true;
      this.bins = new Float64Array(2 * (DAY_BINS + WEEK_BINS));
      this.dayAt = 0;
      this.weekAt = 2 * DAY_BINS;
      this.binStride = 2;
    }
    this.evidence = h.subarray(EVIDENCE, EVIDENCE + ANOMALY_TYPES.length);
    // States saved before a field existed get its initial value.
    const s = state ? migrateState(state) : initialState();
    h[N] = s.n;
    h[LAST_TS] = s.lastTs ?? NaN;
    h[PERIOD] = s.periodMs ?? NaN;
    h[PREV] = s.prev ?? NaN;
    h[MEAN] = s.mean;
    h[VARIANCE] = s.variance;
    h[ACOV] = s.acov;
    h[PREV_DEV] = s.prevDev;
    h[ACOV_N] = s.acovN;
    h[ACOV_VARIANCE] = s.acovVariance;
    h[D_MEAN] = s.dMean;
    h[D_VARIANCE] = s.dVariance;
    h[EWMA] = s.ewma;
    h[CUSUM_HI] = s.cusumHi;
    h[CUSUM_LO] = s.cusumLo;
    h[FAST_VARIANCE] = s.fastVariance;
    h[FLAT_RUN] = s.flatRun;
    h[REPEAT_RATE] = s.repeatRate;
    h[FLAT_RUN_MAX] = s.flatRunMax;
    h[IDLE_LEVEL] = s.idleLevel ?? NaN;
    h[EDGE_N] = s.edgeN;
    h[EDGE_MEAN] = s.edgeMean;
    h[EDGE_VARIANCE] = s.edgeVariance;
    h[ACTIVE_RUN] = s.activeRun;
    h[ACTIVE_MEAN] = s.activeMean;
    h[RETURNS] = s.returns;
    h[ROBUST_PENDING] = s.robustPending;
    h[BLOCK_SUM] = s.blockSum;
    h[BLOCK_N] = s.blockN;
    h[BLOCK_TS] = s.blockTs;
    h[PATTERN_STATISTIC] = s.patternStatistic;
    h[PATTERN_LO] = s.patternLo;
    h[PATTERN_HI] = s.patternHi;
    h[PATTERN_RESIDUAL] = s.patternResidual;
    h[PATTERN_WEEKLY] = s.patternWeekly;
    h[ZERO_RATE] = s.zeroRate;
    h[BURST_MEAN] = s.burstMean;
    h[BURST_VARIANCE] = s.burstVariance;
    h[BURST_N] = s.burstN;
    h[ACTIVITY] = s.activity ?? 0;
    h[COUNT_SIGNAL] = s.countSignal ?? 0;
    for (const zone of s.zones.slice(-RUN_MEMORY)) this.pushZone(zone);
    h[F_BEST] = -1;
    this.dts = s.dts;
    this.probe = s.probe;
    this.limitActive = s.limitActive;
    loadProfile(h, DAY, this.bins, this.dayAt, this.binStride, DAY_BINS, s.day);
    loadProfile(h, WEEK, this.bins, this.weekAt, this.binStride, WEEK_BINS, s.week);
    this.config = resolveConfig(s.periodMs, settings);
    this.resolveRates();
    this.cycle = this.config.enabled.daily ? CycleProfile.for(this.config, s.cycle) : null;
  }

  /** The seasonal profiles' block length and learning rates per block, from the sample period; the configuration's per-sample numbers. */
  private resolveRates(): void {
    const c = this.config;
    const h = new Float64Array(CONFIG_COUNT);
    h[C_WARMUP] = c.warmupSamples;
    h[C_ALPHA] = c.alpha;
    h[C_FAST_ALPHA] = c.fastAlpha;
    h[C_Z] = c.zThreshold;
    h[C_Z_CLIP] = c.zClip;
    h[C_RATE] = c.rateThreshold;
    h[C_LAMBDA] = c.ewmaLambda;
    h[C_L] = c.ewmaL;
    h[C_K] = c.cusumK;
    h[C_H] = c.cusumH;
    h[C_MIN_SIGMA] = c.minSigma;
    h[C_NOISE] = c.noiseRatio;
    h[C_STUCK_MIN] = c.stuckMinSamples;
    h[C_STUCK_LN_P] = Math.log(c.stuckProbability);
    h[C_RUN_RULE_SCORE] = c.runRuleScore;
    h[C_RUN_RULE_RATIO] = fixedRatio(c.runRuleScore);
    const e = c.enabled;
    h[C_FLAGS] =
      (e.zscore ? FLAG_ZSCORE : 0) |
      (e.rate ? FLAG_RATE : 0) |
      (e.ewma ? FLAG_EWMA : 0) |
      (e.cusum ? FLAG_CUSUM : 0) |
      (e.noise ? FLAG_NOISE : 0) |
      (e.runRules ? FLAG_RUN_RULES : 0) |
      (e.stuck ? FLAG_STUCK : 0) |
      (e.daily ? FLAG_DAILY : 0) |
      (e.physical && (c.physicalMin !== null || c.physicalMax !== null) ? FLAG_PHYSICAL : 0) |
      (e.limits && c.limits ? FLAG_LIMITS : 0) |
      (c.countModel ? FLAG_COUNT_MODEL : 0) |
      (c.countModel && c.countActivity ? FLAG_COUNT_ACTIVITY : 0) |
      (c.countModel && !c.countLevelCharts ? FLAG_COUNT_NO_LEVEL : 0) |
      (c.countModel && c.countSticky ? FLAG_COUNT_STICKY : 0);
    const period = c.periodMs;
    const perBin = period && period > 0 ? DAY_MS / DAY_BINS / period : 1;
    const blockSamples = Math.max(1, Math.floor(perBin / BLOCKS_PER_BIN));
    h[C_BLOCK_SAMPLES] = blockSamples;
    const blockMs = (period ?? 0) * blockSamples;
    const rate = (halfLifeMs: number) => 1 - Math.pow(0.5, 1 / (blockMs > 0 ? Math.max(1, halfLifeMs / blockMs) : 20));
    const baselineMs = 1 / -Math.log2(1 - c.alpha) * (period ?? 0);
    h[C_DAY_VARIANCE_ALPHA] = blockMs > 0 ? rate(baselineMs) : c.alpha;
    h[C_DAY_ACOV_ALPHA] = blockMs > 0 ? rate(AUTOCORRELATION_MEMORY * baselineMs) : c.alpha / AUTOCORRELATION_MEMORY;
    h[C_WEEK_SPREAD_ALPHA] = rate(DAY_MS);
    h[C_WEEK_VARIANCE_ALPHA] = rate(WEEK_MS);
    h[C_EWMA_VARIANCE] = c.ewmaLambda / (2 - c.ewmaLambda);
    h[C_ALPHA_FROM] = firstNAtMost(c.alpha);
    h[C_ACOV_ALPHA_FROM] = firstNAtMost(c.alpha / AUTOCORRELATION_MEMORY);
    this.c = sharedConfig(h);
  }

  /** A deep copy of the state, safe to serialise (JSON) and to restore with `new SensorDetector(settings, state)`. */
  snapshot(): SensorState {
    const h = this.h;
    const orNull = (v: number) => (Number.isNaN(v) ? null : v);
    return structuredClone({
      version: 2,
      n: h[N],
      lastTs: orNull(h[LAST_TS]),
      periodMs: orNull(h[PERIOD]),
      dts: this.dts,
      prev: orNull(h[PREV]),
      probe: this.probe,
      mean: h[MEAN],
      variance: h[VARIANCE],
      acov: h[ACOV],
      prevDev: h[PREV_DEV],
      acovN: h[ACOV_N],
      acovVariance: h[ACOV_VARIANCE],
      dMean: h[D_MEAN],
      dVariance: h[D_VARIANCE],
      ewma: h[EWMA],
      cusumHi: h[CUSUM_HI],
      cusumLo: h[CUSUM_LO],
      fastVariance: h[FAST_VARIANCE],
      flatRun: h[FLAT_RUN],
      repeatRate: h[REPEAT_RATE],
      flatRunMax: h[FLAT_RUN_MAX],
      idleLevel: orNull(h[IDLE_LEVEL]),
      edgeN: h[EDGE_N],
      edgeMean: h[EDGE_MEAN],
      edgeVariance: h[EDGE_VARIANCE],
      activeRun: h[ACTIVE_RUN],
      activeMean: h[ACTIVE_MEAN],
      returns: h[RETURNS],
      robustPending: h[ROBUST_PENDING],
      limitActive: this.limitActive,
      zones: this.zones(),
      day: saveProfile(h, DAY, this.bins, this.dayAt, this.binStride, DAY_BINS),
      week: saveProfile(h, WEEK, this.bins, this.weekAt, this.binStride, WEEK_BINS),
      blockSum: h[BLOCK_SUM],
      blockN: h[BLOCK_N],
      blockTs: h[BLOCK_TS],
      patternStatistic: h[PATTERN_STATISTIC],
      patternLo: h[PATTERN_LO],
      patternHi: h[PATTERN_HI],
      patternResidual: h[PATTERN_RESIDUAL],
      patternWeekly: h[PATTERN_WEEKLY],
      zeroRate: h[ZERO_RATE],
      burstMean: h[BURST_MEAN],
      burstVariance: h[BURST_VARIANCE],
      burstN: h[BURST_N],
      ...(this.c[C_FLAGS] & (FLAG_COUNT_ACTIVITY | FLAG_COUNT_STICKY) ? { activity: h[ACTIVITY], countSignal: h[COUNT_SIGNAL] } : {}),
      cycle: this.cycle ? this.cycle.save() : null,
    });
  }

  get resolved(): ResolvedConfig {
    return this.config;
  }

  get warmingUp(): boolean {
    return this.h[N] <= this.c[C_WARMUP];
  }

  /** Samples still to learn before the statistical detectors judge (0 once warmed up; an estimate while the sample period is being learned). */
  get samplesToLearn(): number {
    return Math.max(0, this.config.warmupSamples - this.h[N]);
  }

  /** Judges one sample and learns from it; the verdict with its evidence (a new object each call). */
  step(timestamp: number, value: number): EngineVerdict {
    this.update(timestamp, value);
    return this.verdict();
  }

  /**
   * `step` without building the verdict: judges and learns, returns the score. For callers that need the
   * verdict only now and then (`lastVerdict()`, e.g. when the score reaches the anomaly threshold): the
   * hot path then allocates nothing per sample.
   */
  update(timestamp: number, value: number): number {
    // Numbers passed to or returned from a call that is not inlined are boxed (allocations per sample):
    // the sample goes in the detector's array, the work is in `judgeInput`, which returns nothing, and this
    // small wrapper is inlined into its caller.
    const h = this.h;
    INPUT[0] = timestamp;
    INPUT[1] = value;
    this.judgeInput();
    return h[F_SCORE];
  }

  /** Judges and learns the sample in INPUT (the score and findings go to F_*). */
  private judgeInput(): void {
    const h = this.h;
    const c = this.c;
    const timestamp = INPUT[0];
    const value = INPUT[1];
    this.resetFindings();
    if (!Number.isFinite(value)) {
      this.finishFindings();
      return;
    }
    // The configuration as this sample starts (the sample period may become known during it).
    const period = h[PERIOD];
    const flags = c[C_FLAGS];
    const alpha = c[C_ALPHA];
    const zClip = c[C_Z_CLIP];
    const minSigma = c[C_MIN_SIGMA];
    // Periods since the last sample: 1 on a regular signal; learning rates and the rate test follow it.
    const lastTs = h[LAST_TS];
    // (An interval of exactly one period is 1 without the division: x / x is exactly 1.)
    const dt = timestamp - lastTs;
    const steps = lastTs === lastTs && period > 0 ? (dt === period ? 1 : Math.max(0, dt) / period) : 1;
    if (period !== period) this.trackPeriod(timestamp);
    h[LAST_TS] = timestamp;
    const n = ++h[N];
    if (flags & FLAG_PHYSICAL) this.physical();
    if (flags & FLAG_LIMITS) this.limits();

    const prev = h[PREV];
    if (prev !== prev) {
      h[MEAN] = value;
      h[EWMA] = value;
      h[PREV] = value;
      this.robustStart(value);
      this.finishFindings();
      return;
    }

    const warming = n <= c[C_WARMUP];
    const mean = h[MEAN];
    const variance = h[VARIANCE];
    const sd = Math.max(Math.sqrt(variance), minSigma, 1e-6 * Math.abs(mean), 1e-9); // the baseline spread
    INPUT[SD] = sd;
    const z = (value - mean) / sd;
    const d = value - prev;
    const dMean = h[D_MEAN];
    const dSd = Math.max(Math.sqrt(h[D_VARIANCE]), minSigma, 1e-9 * Math.abs(mean), 1e-12);
    const gap = steps > GAP_PERIODS;
    const lambda = c[C_LAMBDA];
    const ewma = lambda * value + (1 - lambda) * h[EWMA];
    // The EWMA and CUSUM charts assume independent samples; on a cycling or wandering signal successive
    // deviations are alike and both charts would signal every half cycle. They are widened by the
    // signal's own lag-1 autocorrelation, so they signal a departure from how the signal usually moves.
    const rho = variance > 0 ? Math.min(MAX_AUTOCORRELATION, Math.max(0, h[ACOV] / variance)) : 0; // autocorrelation(), inline
    // The CUSUM's from the autocovariance over the variance of the same deviations (see `acovVariance`).
    // Over the baseline variance (learned faster, from every sample) the ratio swung between the cap and
    // far below the signal's own: an ordinary swing widens the baseline at once, the ratio collapsed and
    // the CUSUM called the swing a sustained shift. The EWMA chart keeps that ratio: the consistent one
    // cost the NAB cross-validation folds there (README, detection quality).
    const acovVariance = h[ACOV_VARIANCE];
    const cusumRho = acovVariance > 0 ? Math.min(MAX_AUTOCORRELATION, Math.max(0, h[ACOV] / acovVariance)) : 0;
    const cusumK = c[C_K];
    const zc = Math.max(-zClip, Math.min(zClip, z)) / Math.sqrt((1 + cusumRho) / (1 - cusumRho));
    const cusumHi = Math.max(0, h[CUSUM_HI] + zc - cusumK);
    const cusumLo = Math.max(0, h[CUSUM_LO] - zc - cusumK);
    // Clipped wider than the baseline so a noise burst shows its full spread while one spike cannot dominate.
    const zf = Math.max(-2 * zClip, Math.min(2 * zClip, z)) * sd;
    const fastAlpha = c[C_FAST_ALPHA];
    const fastVariance = (1 - fastAlpha) * h[FAST_VARIANCE] + fastAlpha * zf * zf;
    const flatTolerance = Math.max(minSigma * 1e-3, 1e-12 * Math.abs(value));
    const flat = Math.abs(d) <= flatTolerance;
    const flatRun = flat ? h[FLAT_RUN] + 1 : 0;
    // An edge of an idle stretch: leaving it, or coming back to its level. An idle stretch is a flat run
    // of at least stuckMinSamples and half the usual longest (not a few repeats of a coarse reading).
    const idleRun = Math.max(c[C_STUCK_MIN], 0.5 * h[FLAT_RUN_MAX]);
    const departure = !flat && h[FLAT_RUN] >= idleRun;
    const comeback = !flat && Math.abs(value - h[IDLE_LEVEL]) <= flatTolerance;
    const edge = departure || comeback;
    // Zone code: sign of the deviation × (1 + whole sigmas, at most 3), so 0 never occurs and side is kept.
    const zone = (z >= 0 ? 1 : -1) * (1 + Math.min(3, Math.floor(Math.abs(z))));
    this.pushZone(zone);

    // COUNT_SIGNAL is 1 only with `countSticky`.
    const counts = (flags & FLAG_COUNT_MODEL) !== 0 && h[ZERO_RATE] > (h[COUNT_SIGNAL] === 1 ? ZERO_INFLATED_STAYS : ZERO_INFLATED);
    if (flags & FLAG_COUNT_STICKY) h[COUNT_SIGNAL] = counts ? 1 : 0;
    if (counts) this.countModel(warming);
    if (flags & FLAG_COUNT_ACTIVITY) this.countActivity(warming, counts);
    if (!warming) {
      // A count signal's bursts are its ordinary activity: their sizes are judged by the count model, not
      // as spikes, jumps or noise against a mean its zeros drag down. Sustained changes still are.
      // The hot detectors write their slots directly (see `addFinding`): a call with these numbers as
      // arguments, if not inlined, would box each of them. Fixed-score slots stay NaN (reset).
      const { present, statistic, threshold, lo, hi, arg } = SLOTS;
      if (flags & FLAG_ZSCORE && !counts) {
        const zThreshold = c[C_Z];
        present[0] |= 1 << I_SPIKE;
        statistic[I_SPIKE] = Math.abs(z);
        threshold[I_SPIKE] = zThreshold;
        lo[I_SPIKE] = mean - zThreshold * sd;
        hi[I_SPIKE] = mean + zThreshold * sd;
        arg[I_SPIKE] = z;
      }
      // Across a gap the change is not a per-sample rate.
      if (flags & FLAG_RATE && !gap && !counts) {
        const rateThreshold = c[C_RATE];
        // A step signal's edges are judged against its usual edge jumps: the band is at least as wide as
        // their mean plus rateThreshold of their spreads.
        const stepSd = edge && h[EDGE_N] >= EDGE_MIN_COUNT && h[ACTIVE_MEAN] >= c[C_STUCK_MIN] ? (h[EDGE_MEAN] + rateThreshold * Math.sqrt(h[EDGE_VARIANCE])) / rateThreshold : 0;
        const rateSd = Math.max(dSd, stepSd);
        present[0] |= 1 << I_RATE;
        statistic[I_RATE] = Math.abs(d - dMean) / rateSd;
        threshold[I_RATE] = rateThreshold;
        lo[I_RATE] = prev + dMean - rateThreshold * rateSd;
        hi[I_RATE] = prev + dMean + rateThreshold * rateSd;
        arg[I_RATE] = d;
      }
      const levelCharts = !(counts && flags & FLAG_COUNT_NO_LEVEL);
      if (flags & FLAG_EWMA && levelCharts) {
        const ewmaL = c[C_L];
        const phi = rho * (1 - lambda); // ewmaWidening, inline
        const limit = ewmaL * sd * Math.sqrt(c[C_EWMA_VARIANCE] * ((1 + phi) / (1 - phi)));
        present[0] |= 1 << I_DRIFT;
        statistic[I_DRIFT] = Math.abs(ewma - mean) / (limit / ewmaL);
        threshold[I_DRIFT] = ewmaL;
        lo[I_DRIFT] = mean - limit;
        hi[I_DRIFT] = mean + limit;
        arg[I_DRIFT] = ewma;
      }
      if (flags & FLAG_CUSUM && levelCharts) {
        present[0] |= 1 << I_SHIFT;
        statistic[I_SHIFT] = Math.max(cusumHi, cusumLo);
        threshold[I_SHIFT] = c[C_H];
        lo[I_SHIFT] = mean - cusumK * sd;
        hi[I_SHIFT] = mean + cusumK * sd;
        arg[I_SHIFT] = cusumHi >= cusumLo ? 1 : -1;
      }
      if (flags & FLAG_NOISE && variance > 0 && !counts) {
        const ratio = Math.sqrt(fastVariance / (sd * sd));
        const zThreshold = c[C_Z];
        present[0] |= 1 << I_NOISE;
        statistic[I_NOISE] = ratio;
        threshold[I_NOISE] = c[C_NOISE];
        lo[I_NOISE] = mean - zThreshold * sd;
        hi[I_NOISE] = mean + zThreshold * sd;
        arg[I_NOISE] = ratio;
      }
      if (flags & FLAG_RUN_RULES && !counts) this.runRules();
    }
    // Absence of the usual activity (a counter that stops) is a run of repeats as unlikely as a stuck sensor's,
    // and longer than the signal's own idle stretches (repeats come in runs there, not one by one).
    const runEnded = !flat && h[FLAT_RUN] > 0;
    let stuckThreshold = 0;
    if (flatRun > 0 || runEnded) {
      const p = h[REPEAT_RATE];
      // The run length as unlikely as `stuckProbability` given how often the value repeats.
      const geometric = p <= 0 ? c[C_STUCK_MIN] : p >= 0.999 ? Number.MAX_SAFE_INTEGER : Math.max(c[C_STUCK_MIN], Math.ceil(c[C_STUCK_LN_P] / Math.log(p)));
      stuckThreshold = Math.max(geometric, Math.ceil(STUCK_RUN_MARGIN * h[FLAT_RUN_MAX]));
    }
    if (!warming && flags & FLAG_STUCK && flatRun > 0) {
      // Written directly, like the detectors above (a quantised signal repeats often).
      SLOTS.present[0] |= 1 << I_STUCK;
      SLOTS.statistic[I_STUCK] = flatRun;
      SLOTS.threshold[I_STUCK] = stuckThreshold;
      SLOTS.lo[I_STUCK] = value;
      SLOTS.hi[I_STUCK] = value;
      SLOTS.arg[I_STUCK] = flatRun;
    }
    // Seasonal profiles learn from block means; the per-sample part is inline (no numbers passed in calls).
    let seasonal = false;
    if (flags & FLAG_DAILY && period <= DAY_MS / DAY_BINS) {
      if (h[BLOCK_N] === 0) h[BLOCK_TS] = timestamp;
      h[BLOCK_SUM] += value;
      if (++h[BLOCK_N] >= c[C_BLOCK_SAMPLES]) {
        this.seasonalBlock();
        seasonal = true;
      }
      const patternStatistic = h[PATTERN_STATISTIC];
      if (!warming && patternStatistic > 0) {
        SLOTS.present[0] |= 1 << I_PATTERN;
        SLOTS.statistic[I_PATTERN] = patternStatistic;
        SLOTS.threshold[I_PATTERN] = c[C_L] + 1;
        SLOTS.lo[I_PATTERN] = h[PATTERN_LO];
        SLOTS.hi[I_PATTERN] = h[PATTERN_HI];
        SLOTS.arg[I_PATTERN] = h[PATTERN_RESIDUAL];
        if (h[PATTERN_WEEKLY] === 1) h[F_WEEKLY] = 1;
      }
    }
    // A short cycle's finding shares the pattern slot (a departure from the usual shape in time), the stronger reported.
    // Not on a signal that idles between runs (a batch line, a counter): its steps are judged by the step
    // model, and a profile of phase bins smears each edge into a run of residuals.
    const cycle = this.cycle;
    if (cycle !== null) {
      cycle.io[0] = timestamp;
      cycle.io[1] = value;
      cycle.judge();
      const statistic = cycle.io[2] * (c[C_L] + 1);
      const stepped = h[EDGE_N] >= EDGE_MIN_COUNT && h[ACTIVE_MEAN] >= c[C_STUCK_MIN];
      if (!warming && !stepped && statistic > 0 && !(SLOTS.present[0] & (1 << I_PATTERN) && SLOTS.statistic[I_PATTERN] >= statistic)) {
        const L = c[C_L] + 1;
        SLOTS.present[0] |= 1 << I_PATTERN;
        SLOTS.statistic[I_PATTERN] = statistic;
        SLOTS.threshold[I_PATTERN] = L;
        SLOTS.lo[I_PATTERN] = cycle.io[5] + -L * cycle.io[6];
        SLOTS.hi[I_PATTERN] = cycle.io[5] + L * cycle.io[6];
        SLOTS.arg[I_PATTERN] = cycle.io[3];
        h[F_WEEKLY] = 0;
        h[F_CYCLE] = cycle.io[4];
      }
    }

    // Learn after judging; residuals are clipped so a spike barely moves the baseline while a lasting shift is absorbed.
    // Bias-corrected start: a plain average until the exponential window is full. After a longer interval
    // than usual the baseline forgets as much as it would have over the missed samples; across a gap only
    // as far as the signal's deviations persist (ρ): a cycling or wandering signal has moved meanwhile and
    // the sample after the gap shows where, while one sample of independent noise says nothing new about
    // its level (taken as the mean, it made the EWMA and CUSUM charts report the next hours as a drift).
    // Past the bias-corrected start (n ≥ C_ALPHA_FROM) the maximum with 1/n is α: the same number, without dividing.
    const alphaOnly = n >= c[C_ALPHA_FROM];
    const a = steps === 1 && alphaOnly
      ? alpha
      : Math.max(steps === 1 ? alpha : gap ? Math.max(alpha, rho * alphaOver(alpha, steps)) : alphaOver(alpha, steps), 1 / n);
    const r = n > 3 ? clip(value - mean, zClip * sd) : value - mean;
    h[MEAN] = mean + a * r;
    // Time without samples says nothing about the spread: across a gap it learns as from one sample. Forgotten
    // by the time, it became the spread of the one sample after the gap about itself, nearly 0, and a day or
    // more without samples made the detector surer than ever (a healthy sample at z = 26 after two days).
    const va = gap ? (alphaOnly ? alpha : Math.max(alpha, 1 / n)) : a;
    h[VARIANCE] = (1 - va) * (variance + va * r * r);
    // A step signal's idle stretches say nothing about how it moves when it runs: its changes are learned
    // outside them (else the idle zeros would shrink the spread its running changes are judged against).
    const stepSignal = h[EDGE_N] >= EDGE_MIN_COUNT && h[ACTIVE_MEAN] >= c[C_STUCK_MIN];
    if (!gap && !(stepSignal && flatRun > c[C_STUCK_MIN])) {
      const da = alphaOnly ? alpha : Math.max(alpha, 1 / n);
      const dr = n > 3 ? clip(d - dMean, zClip * dSd) : d - dMean;
      h[D_MEAN] = dMean + da * dr;
      h[D_VARIANCE] = (1 - da) * (h[D_VARIANCE] + da * dr * dr);
    }
    h[EWMA] = ewma;
    h[FAST_VARIANCE] = fastVariance;
    // A flat line after warm-up must not teach the detector that flat lines are normal; one during warm-up
    // (a sensor that idles at a constant value) must.
    if (warming || flatRun <= c[C_STUCK_MIN]) h[REPEAT_RATE] += a * ((flat ? 1 : 0) - h[REPEAT_RATE]);
    // A run that ended teaches the usual longest run: any during warm-up; after it, at most up to twice the
    // threshold (a stuck sensor that recovers must not teach its whole outage, while a state saved before
    // this was learned still catches up within a few idle stretches).
    let runMax = h[FLAT_RUN_MAX] * (1 - alpha / AUTOCORRELATION_MEMORY);
    if (runEnded) runMax = Math.max(runMax, warming ? h[FLAT_RUN] : Math.min(h[FLAT_RUN], 2 * stuckThreshold));
    h[FLAT_RUN_MAX] = runMax;
    if (edge) this.learnEdge(Math.abs(d), comeback);
    if (departure) h[ACTIVE_RUN] = 1;
    else if (h[ACTIVE_RUN] > 0 && !comeback) h[ACTIVE_RUN]++;
    if (flatRun >= idleRun && h[FLAT_RUN] < idleRun) h[IDLE_LEVEL] = value;
    h[FLAT_RUN] = flatRun;
    if (n <= ROBUST_START) this.robustStart(value);
    else if (h[ROBUST_PENDING] === 1) {
      if (!warming) h[ROBUST_PENDING] = 0;
      else if (!flat || this.probe.length > 0) this.robustStart(value);
    }
    h[PREV] = value;
    h[ZERO_RATE] += a * ((value === 0 ? 1 : 0) - h[ZERO_RATE]);
    this.finishFindings();
    const score = h[F_SCORE];
    if (cycle !== null) cycle.learn(score < ANOMALY_SCORE);
    const prevDev = h[PREV_DEV];
    // How alike successive deviations usually are is learned from usual samples only: during a lasting
    // anomaly they are alike too, and learning that would widen the charts until they fall silent.
    if (score < ANOMALY_SCORE) {
      // Counted apart from `n`: a state saved before these fields existed learns them as fast as a new sensor.
      const acovN = ++h[ACOV_N];
      const ka = acovN >= c[C_ACOV_ALPHA_FROM] ? alpha / AUTOCORRELATION_MEMORY : Math.max(alpha / AUTOCORRELATION_MEMORY, 1 / acovN);
      h[ACOV] = (1 - ka) * (h[ACOV] + ka * r * prevDev);
      h[ACOV_VARIANCE] = (1 - ka) * (h[ACOV_VARIANCE] + ka * r * r);
      if (seasonal) {
        const blocks = n / c[C_BLOCK_SAMPLES];
        learnAcov(h, DAY, Math.max(c[C_DAY_ACOV_ALPHA], 1 / blocks));
        learnAcov(h, WEEK, Math.max(c[C_WEEK_VARIANCE_ALPHA], 1 / blocks));
      }
    }
    h[PREV_DEV] = r;
    if (seasonal) {
      h[DAY + P_PREV_RESIDUAL] = h[DAY + P_RESIDUAL];
      h[WEEK + P_PREV_RESIDUAL] = h[WEEK + P_RESIDUAL];
    }
    // A CUSUM that signalled starts again, so a lasting shift is reported once and then learned.
    if (h[F_BEST] === I_SHIFT && score >= ANOMALY_SCORE) {
      h[CUSUM_HI] = 0;
      h[CUSUM_LO] = 0;
    } else {
      h[CUSUM_HI] = cusumHi;
      h[CUSUM_LO] = cusumLo;
    }
  }

  /** Clears the last sample's findings (the shared slots, the detector's verdict numbers). */
  private resetFindings(): void {
    // Only `present`: a fixed score is read only where present, and every write that makes a slot present
    // either sets its fixed score (`addFixed`) or is for a slot whose fixed score is always NaN.
    // Another detector's findings are about to be overwritten: its evidence is written first (this
    // detector's own, never asked for, is superseded by this sample's).
    if (PENDING !== null && PENDING !== this) PENDING.settleEvidence();
    this.evidenceDropped = false;
    SLOTS.present[0] = 0;
    const h = this.h;
    h[F_WEEKLY] = 0;
    h[F_CYCLE] = 0;
    h[F_BEST] = -1;
    h[F_SCORE] = 0;
    h[F_PRODUCT] = 1;
  }

  /**
   * Strongest finding into the detector's numbers; its per-type ratios and joint evidence when asked for
   * (`writeEvidence`: most samples' are never read). Returns nothing: a number returned from a call that
   * is not inlined is boxed.
   */
  private finishFindings(): void {
    const { fixed, statistic, threshold, score: scores } = SLOTS;
    const present = SLOTS.present[0];
    const h = this.h;
    let best = -1;
    let bestScore = 0;
    for (let k = 0; k < REPORT_ORDER.length; k++) {
      const i = REPORT_ORDER[k];
      if (!(present & (1 << i))) continue;
      const f = fixed[i];
      const score = f === f ? f : scoreOf(statistic[i], threshold[i]);
      scores[i] = score;
      if (best < 0 || score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    PENDING = this;
    if (!(bestScore > 0)) return;
    h[F_BEST] = best;
    h[F_SCORE] = bestScore;
    h[F_STATISTIC] = statistic[best];
    h[F_THRESHOLD] = threshold[best];
    h[F_LO] = SLOTS.lo[best];
    h[F_HI] = SLOTS.hi[best];
    h[F_ARG] = SLOTS.arg[best];
    this.detail = fixed[best] === fixed[best] ? SLOTS.details[best] : undefined;
  }

  /** Another detector is about to overwrite SLOTS: this detector's evidence is written, or dropped when not kept. */
  private settleEvidence(): void {
    if (this.keepsEvidence) this.writeEvidence();
    else {
      PENDING = null;
      this.evidenceDropped = true;
    }
  }

  /** Asked for the last sample's evidence: written now if still pending; an error if it was not kept. */
  private evidenceNow(): void {
    if (PENDING === this) this.writeEvidence();
    else if (this.evidenceDropped) throw new Error('this detector keeps a sample\'s evidence only until another detector judges a sample (its bank was made with keepEvidence: false)');
  }

  /**
   * The last sample's per-type ratios and joint evidence (the product of 1 + ratio, kept while a finding
   * scores), from its findings still in SLOTS: the same numbers `finishFindings` would have written.
   */
  private writeEvidence(): void {
    PENDING = null;
    const { fixed, statistic, threshold, fixedRatio, score: scores } = SLOTS;
    const present = SLOTS.present[0];
    const h = this.h;
    let product = 1;
    for (let k = 0; k < REPORT_ORDER.length; k++) {
      const i = REPORT_ORDER[k];
      if (!(present & (1 << i))) {
        h[EVIDENCE + i] = 0;
        continue;
      }
      let ratio: number;
      if (fixed[i] === fixed[i]) {
        ratio = fixedRatio[i]; // fixedRatio(fixed)
        product *= 1 + ratio;
      } else {
        const st = statistic[i];
        const score = scores[i];
        ratio = st === Infinity ? 1e12 : score > 0 ? st / threshold[i] : 0;
        if (score > 0) product *= 1 + ratio;
      }
      h[EVIDENCE + i] = ratio;
    }
    if (h[F_BEST] >= 0) h[F_PRODUCT] = product;
  }

  /** Per anomaly type, the last sample's statistic / threshold (indexed by `EVIDENCE_INDEX`; 0 where a detector did not run). */
  get lastEvidence(): Float64Array {
    this.evidenceNow();
    return this.evidence;
  }

  /** The last sample's verdict (a new object). */
  private verdict(): EngineVerdict {
    this.evidenceNow();
    const h = this.h;
    const i = h[F_BEST];
    if (i < 0) return NOTHING();
    const type = ANOMALY_TYPES[i];
    const lo = h[F_LO];
    const hi = h[F_HI];
    const evidence: AnomalyEvidence = {
      expected_lo: Number.isNaN(lo) ? null : lo,
      expected_hi: Number.isNaN(hi) ? null : hi,
      statistic: h[F_STATISTIC],
      threshold: h[F_THRESHOLD],
    };
    const score = h[F_SCORE];
    const detail = this.detail ?? (score >= ANOMALY_SCORE ? describe(type, h[F_ARG], h[F_WEEKLY] === 1, h[F_CYCLE]) : undefined);
    if (detail !== undefined) evidence.detail = detail;
    return { score, anomaly_type: type, evidence, combined: Math.log(h[F_PRODUCT]) };
  }

  /** The step model learns one edge jump (its size): bias-corrected start, then about the last EDGE_MEMORY edges, clipped. */
  private learnEdge(jump: number, comeback: boolean): void {
    const h = this.h;
    const c = this.c;
    if (comeback && h[ACTIVE_RUN] > 0) {
      const ra = Math.max(1 / EDGE_MEMORY, 1 / ++h[RETURNS]);
      h[ACTIVE_MEAN] += ra * (h[ACTIVE_RUN] - h[ACTIVE_MEAN]);
      h[ACTIVE_RUN] = 0;
    }
    const n = ++h[EDGE_N];
    const mean = h[EDGE_MEAN];
    const sd = Math.sqrt(h[EDGE_VARIANCE]);
    const a = Math.max(1 / EDGE_MEMORY, 1 / n);
    const r = n > EDGE_MIN_COUNT ? clip(jump - mean, Math.max(c[C_Z_CLIP] * sd, 1e-3 * mean)) : jump - mean;
    h[EDGE_MEAN] = mean + a * r;
    h[EDGE_VARIANCE] = (1 - a) * (h[EDGE_VARIANCE] + a * r * r);
  }

  /** Collects the first values; after the last, restarts the baseline from their median and MAD. */
  private robustStart(value: number): void {
    const h = this.h;
    this.probe.push(value);
    if (this.probe.length < ROBUST_START) return;
    const xs = this.probe;
    const diffs = xs.slice(1).map((x, i) => x - xs[i]);
    const mad = (v: number[], m: number) => 1.4826 * median(v.map((x) => Math.abs(x - m)));
    const m = median(xs);
    const dm = median(diffs);
    const retry = h[ROBUST_PENDING] === 1;
    h[ROBUST_PENDING] = 0;
    this.probe = [];
    const sd = mad(xs, m);
    const dsd = mad(diffs, dm);
    // A retry takes the spread only once it finds one, of the values and of their changes (a quantised
    // counter repeats often); until then it waits for the signal's next move.
    if (retry && (sd === 0 || dsd === 0)) {
      h[ROBUST_PENDING] = 1;
      return;
    }
    h[MEAN] = m;
    h[EWMA] = m;
    // First values all the same (a counter that starts idle) say nothing about the spread: it is taken
    // again from the first values that differ (see `SensorState.robustPending`).
    if (!retry && xs.every((x) => x === xs[0])) {
      h[ROBUST_PENDING] = 1;
      return;
    }
    // A MAD of 0 (mostly repeated values) says nothing about the spread: keep what was learned then.
    if (sd > 0) h[VARIANCE] = sd * sd;
    if (dsd > 0) {
      h[D_MEAN] = dm;
      h[D_VARIANCE] = dsd * dsd;
    }
  }

  /** The verdict of the last `update` (or `step`): a new object. */
  lastVerdict(): EngineVerdict {
    return this.verdict();
  }

  /** Index (`EVIDENCE_INDEX`) of the last sample's strongest finding, -1 for none, without building the verdict. */
  get lastBest(): number {
    return this.h[F_BEST];
  }

  /** Joint weight of evidence of the last sample (`EngineVerdict.combined`) without building the verdict. */
  get lastCombined(): number {
    this.evidenceNow();
    return Math.log(this.h[F_PRODUCT]);
  }

  /**
   * Count model for a signal that is zero most of the time: a non-zero sample is judged by its size on a
   * log scale against the usual burst sizes (a burst is this signal's ordinary activity), then learned.
   */
  private countModel(warming: boolean): void {
    const h = this.h;
    const value = INPUT[1];
    if (value === 0) return;
    const c = this.config;
    const x = Math.log(Math.abs(value));
    const burstN = ++h[BURST_N];
    const burstMean = h[BURST_MEAN];
    const bsd = Math.max(Math.sqrt(h[BURST_VARIANCE]), 1e-3);
    const z = (x - burstMean) / bsd;
    if (!warming && burstN > 10 && c.enabled.zscore) {
      const lo = Math.exp(burstMean - c.zThreshold * bsd);
      const hi = Math.exp(burstMean + c.zThreshold * bsd);
      addFinding(I_SPIKE, Math.abs(z), c.zThreshold, value > 0 ? lo : -hi, value > 0 ? hi : -lo, z);
    }
    const a = Math.max(c.alpha, 1 / burstN);
    const r = burstN > 3 ? clip(x - burstMean, c.zClip * bsd) : x - burstMean;
    h[BURST_MEAN] = burstMean + a * r;
    h[BURST_VARIANCE] = (1 - a) * (h[BURST_VARIANCE] + a * r * r);
  }

  /**
   * How often a count signal is active: an EWMA (the EWMA chart's λ) of "the value is not zero" against the
   * usual share p of non-zero samples (1 − the zero rate). Over the EWMA's effective number of samples
   * n = (2 − λ) / λ, a share f > p has probability at most exp(−n·KL(f‖p)) (binomial large-deviation
   * bound); reported as `noise` (the signal got busier) when that is as unlikely as a stuck run. A count
   * signal's anomalies on NAB are often denser activity of ordinary bursts, which the burst-size test cannot
   * see. Learned on every sample while the option is on, judged on active samples of a count signal.
   */
  private countActivity(warming: boolean, counts: boolean): void {
    const h = this.h;
    const c = this.config;
    const lambda = c.ewmaLambda;
    const active = INPUT[1] !== 0 ? 1 : 0;
    const f = (h[ACTIVITY] += lambda * (active - h[ACTIVITY]));
    const p = Math.min(1 - 1e-6, Math.max(1e-6, 1 - h[ZERO_RATE]));
    if (warming || !counts || active === 0 || !(f > p) || !c.enabled.noise) return;
    const fc = Math.min(f, 1 - 1e-9);
    const kl = fc * Math.log(fc / p) + (1 - fc) * Math.log((1 - fc) / (1 - p));
    const statistic = ((2 - lambda) / lambda) * kl;
    const threshold = -Math.log(c.stuckProbability);
    // The usual burst sizes are the expected band: the values are ordinary, their number is not.
    const hi = Math.exp(h[BURST_MEAN] + c.zThreshold * Math.sqrt(h[BURST_VARIANCE]));
    addFinding(I_NOISE, statistic, threshold, INPUT[1] > 0 ? 0 : -hi, INPUT[1] > 0 ? hi : 0, -f / p);
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
    const h = this.h;
    const c = this.c;
    const mean = h[BLOCK_SUM] / h[BLOCK_N];
    h[BLOCK_SUM] = 0;
    h[BLOCK_N] = 0;
    const n = h[N];
    // The configuration's numbers from the detector's own (the period is the configuration's): one object fewer to read.
    const elapsed = n * h[PERIOD];
    const blocks = n / c[C_BLOCK_SAMPLES];
    const va = Math.max(c[C_DAY_VARIANCE_ALPHA], 1 / blocks);
    const blockTs = h[BLOCK_TS];
    const dayReady = this.profileStep(DAY, this.dayAt, DAY_BINS, DAY_MS, DAY_BIN_ALPHA_DAYS, blockTs, mean, elapsed >= 2 * DAY_MS, va);
    // The weekly residual's spread is learned over about a day, not the baseline's hours: on a slowly
    // sampled demand signal hours are few samples, and a day-long departure would teach itself as usual.
    const weekVa = Math.max(c[C_WEEK_SPREAD_ALPHA], 1 / blocks);
    const weekReady = this.profileStep(WEEK, this.weekAt, WEEK_BINS, WEEK_MS, WEEK_BIN_ALPHA_WEEKS, blockTs, mean, elapsed >= 2 * WEEK_MS, weekVa);
    const useWeek = weekReady && h[WEEK + P_FIT] < WEEKLY_EXPLAINS * h[DAY + P_FIT];
    const p = useWeek ? WEEK : DAY;
    // One sigma wider than the EWMA chart: each bin's mean is itself estimated from few samples.
    const L = c[C_L] + 1;
    h[PATTERN_STATISTIC] = useWeek || dayReady ? h[p + P_STATISTIC] : 0;
    h[PATTERN_LO] = h[p + P_MEAN] - L * h[p + P_RSD];
    h[PATTERN_HI] = h[p + P_MEAN] + L * h[p + P_RSD];
    h[PATTERN_RESIDUAL] = h[p + P_RAW];
    h[PATTERN_WEEKLY] = useWeek ? 1 : 0;
  }
  /** One profile's chart statistic (into its `P_*` results) and learning; returns whether it may be judged. */
  private profileStep(p: number, first: number, bins: number, spanMs: number, keepSpans: number, timestamp: number, value: number, oldEnough: boolean, va: number): boolean {
    const h = this.h;
    const c = this.c;
    const binsOf = this.bins;
    const binMs = spanMs / bins;
    const bin = Math.floor((((timestamp % spanMs) + spanMs) % spanMs) / binMs);
    const perBin = binMs / (h[PERIOD] * c[C_BLOCK_SAMPLES]);
    const at = first + bin * this.binStride;
    const binCount = binsOf[at + 1];
    const ready = oldEnough && binCount >= perBin;
    const mean = binCount > 0 ? binsOf[at] : h[MEAN];
    const residual = value - mean;
    const lambda = c[C_LAMBDA];
    const variance = h[p + P_VARIANCE];
    const rsd = Math.max(Math.sqrt(variance), c[C_MIN_SIGMA], 1e-6 * Math.abs(mean), 1e-9);
    const rc = clip(residual, c[C_Z_CLIP] * rsd);
    const ewma = lambda * rc + (1 - lambda) * h[p + P_EWMA];
    h[p + P_RESIDUAL] = rc;
    h[p + P_RAW] = residual;
    h[p + P_MEAN] = mean;
    h[p + P_RSD] = rsd;
    h[p + P_STATISTIC] = ready ? Math.abs(ewma) / (rsd * Math.sqrt(c[C_EWMA_VARIANCE] * ewmaWidening(autocorrelation(h[p + P_ACOV], variance), lambda))) : 0;
    h[p + P_EWMA] = ewma;
    // Counted up to where the bin's weight stops falling, so the state stays the same size for ever.
    const keep = keepSpans * perBin;
    const count = binCount < keep ? binCount + 1 : binCount;
    binsOf[at + 1] = count;
    const a = Math.max(1 / count, 1 / keep);
    binsOf[at] = count === 1 ? value : binsOf[at] + a * rc;
    if (count > 1) {
      h[p + P_VARIANCE] = (1 - va) * (variance + va * rc * rc);
      const fa = Math.max(c[C_WEEK_VARIANCE_ALPHA], c[C_BLOCK_SAMPLES] / h[N]);
      h[p + P_FIT] = (1 - fa) * (h[p + P_FIT] + fa * rc * rc);
    }
    return ready;
  }

  private trackPeriod(ts: number): void {
    const h = this.h;
    const lastTs = h[LAST_TS];
    if (!Number.isNaN(lastTs) && Number.isNaN(h[PERIOD])) {
      const dt = ts - lastTs;
      if (dt > 0) this.dts.push(dt);
      if (this.dts.length >= PERIOD_PROBE) {
        const period = median(this.dts);
        h[PERIOD] = period;
        this.dts = [];
        this.config = resolveConfig(period, this.settings);
        this.resolveRates();
        if (this.config.enabled.daily) this.cycle = CycleProfile.for(this.config);
      }
    }
    h[LAST_TS] = ts;
  }

  private physical(): void {
    const value = INPUT[1];
    const { physicalMin: lo, physicalMax: hi } = this.config;
    if (lo !== null && value < lo) addFixed(I_RANGE, 1, RATIO_RANGE, value, lo, lo, hi, `below physical minimum ${lo}`);
    if (hi !== null && value > hi) addFixed(I_RANGE, 1, RATIO_RANGE, value, hi, lo, hi, `above physical maximum ${hi}`);
  }

  /** lo/lolo/hi/hihi with deadband: a crossed limit stays active until the value is back by the deadband. */
  private limits(): void {
    const l = this.config.limits;
    if (!l) return;
    const value = INPUT[1];
    const db = Math.max(0, l.deadband ?? 0);
    const act = this.limitActive;
    // Per sample, so no closures.
    act.hi = l.hi != null && (value >= l.hi || (act.hi && value > l.hi - db));
    act.hihi = l.hihi != null && (value >= l.hihi || (act.hihi && value > l.hihi - db));
    act.lo = l.lo != null && (value <= l.lo || (act.lo && value < l.lo + db));
    act.lolo = l.lolo != null && (value <= l.lolo || (act.lolo && value < l.lolo + db));
    const lo = l.lo ?? l.lolo ?? null;
    const hi = l.hi ?? l.hihi ?? null;
    // hihi/lolo are near-certain trouble; hi/lo clear the anomaly threshold with margin.
    if (act.hihi) addFixed(I_LIMIT, 0.95, RATIO_HIHI, value, l.hihi!, lo, hi, `hihi limit ${l.hihi} crossed`);
    else if (act.hi) addFixed(I_LIMIT, 0.75, RATIO_HI, value, l.hi!, lo, hi, `hi limit ${l.hi} crossed`);
    if (act.lolo) addFixed(I_LIMIT, 0.95, RATIO_HIHI, value, l.lolo!, lo, hi, `lolo limit ${l.lolo} crossed`);
    else if (act.lo) addFixed(I_LIMIT, 0.75, RATIO_HI, value, l.lo!, lo, hi, `lo limit ${l.lo} crossed`);
  }

  /**
   * Holds the newest zone (the last RUN_MEMORY, ZONE_BITS each in one number, newest lowest: a shift instead
   * of moving nine numbers, and one number of the row instead of nine). The run rules count from the codes.
   */
  private pushZone(zone: number): void {
    const h = this.h;
    const count = h[ZONE_COUNT];
    // Codes ±1..±4 as 0..7: -4..-1 → 0..3, 1..4 → 4..7.
    h[ZONES] = ((h[ZONES] << ZONE_BITS) | (zone < 0 ? zone + 4 : zone + 3)) & ZONE_MASK;
    if (count < RUN_MEMORY) h[ZONE_COUNT] = count + 1;
  }

  /** The held zone codes, oldest first (the saved form). */
  private zones(): number[] {
    const h = this.h;
    const zones: number[] = [];
    for (let age = h[ZONE_COUNT] - 1; age >= 0; age--) zones.push(zoneAt(h[ZONES], age));
    return zones;
  }

  /**
   * Western Electric rules 2–3 and Nelson rule 2 on the zones of recent samples (rule 1 is the z-score):
   * 2 of the last 3 beyond 2σ on one side, else 4 of the last 5 beyond 1σ, else the last 9 on one side.
   * Counted from the packed codes' bits (zone = 1 + whole sigmas): a code's high bit is its side, and
   * |zone| ≥ 3 is codes 6–7 above / 0–1 below, |zone| ≥ 2 codes 5–7 / 0–2. No counts kept per sample.
   */
  private runRules(): void {
    const h = this.h;
    const count = h[ZONE_COUNT];
    const packed = h[ZONES];
    const b0 = packed & CODE_BITS;
    const b1 = (packed >> 1) & CODE_BITS;
    const above = (packed >> 2) & CODE_BITS;
    const below = ~above & CODE_BITS;
    if (count >= 3) {
      const hits = Math.max(bitCount(above & b1 & NEWEST_3), bitCount(below & ~b1 & NEWEST_3));
      if (hits >= 2) return this.runRuleHit(hits, 2, 2, '2 of 3 beyond 2σ on one side');
    }
    if (count >= 5) {
      const hits = Math.max(bitCount(above & (b1 | b0) & NEWEST_5), bitCount(below & ~(b1 & b0) & NEWEST_5));
      if (hits >= 4) return this.runRuleHit(hits, 4, 1, '4 of 5 beyond 1σ on one side');
    }
    if (count >= RUN_MEMORY && (above === CODE_BITS || below === CODE_BITS)) this.runRuleHit(RUN_MEMORY, 9, 0, '9 in a row on one side');
  }

  private runRuleHit(hits: number, need: number, sigmas: number, rule: string): void {
    const mean = this.h[MEAN];
    // The spread the sample is judged on (the baseline learns after the run rules).
    const sd = INPUT[SD];
    addFixed(I_RUN, this.c[C_RUN_RULE_SCORE], this.c[C_RUN_RULE_RATIO], hits, need, mean - sigmas * sd, mean + sigmas * sd, rule);
  }
}

/** A detector's place in a `DetectorBank`: its numbers, and where its profile bins are in the bank's bin array. */
export interface DetectorRow {
  readonly numbers: Float64Array;
  readonly bins: Float64Array;
  readonly dayAt: number;
  readonly weekAt: number;
  readonly binStride: number;
  /** Whether its detector keeps a sample's evidence for later (see `DetectorBank`). */
  readonly keepEvidence: boolean;
}

/**
 * Where many detectors keep their numbers (see `SLOT_COUNT`) and profile bins: rows of a few large
 * arrays, handed out in order. Over thousands of sensors a sample costs mostly the memory it touches;
 * a detector's own arrays are separate allocations placed between every other object, while rows of a
 * bank lie next to each other (each starting on a 64-byte line) in the order sensors were first seen (the
 * order ingestion usually visits them), so a sample's row is a short, predictable read. The bins lie bin
 * by bin, the same bin of the chunk's sensors side by side (mean and count, 16 bytes each): sensors
 * sampled at about the same time learn the same time-of-day and time-of-week bin, so one cache line
 * serves four of them instead of each reading a line of its own 6 KB of bins. Rows are never reused: a
 * sensor whose detector is rebuilt passes its own row again.
 */
export class DetectorBank {
  /** Doubles per row: a detector's numbers rounded up to whole cache lines. */
  static readonly ROW = Math.ceil(SLOT_COUNT / 8) * 8;
  private numbers = new Float64Array(0);
  private bins = new Float64Array(0);
  private next: number;

  /**
   * `keepEvidence: false`: a detector on this bank's rows keeps a sample's per-type evidence and joint
   * evidence (`lastEvidence`, `lastCombined`, the verdict) only until another detector judges a sample, and
   * throws when asked later. For a caller that asks right after the sample or never (the ingestion stage
   * builds the verdict of an anomalous sample at once): over many sensors every sample otherwise works out
   * and writes the evidence of the sample before it (two cache lines of that detector's row, which its own
   * sample does not touch). Scores, verdicts asked for at once and saved states are the same either way.
   */
  constructor(
    private readonly rowsPerChunk = 1024,
    private readonly options: { keepEvidence: boolean } = { keepEvidence: true },
  ) {
    this.next = rowsPerChunk;
  }

  /** A fresh row for one detector (`new SensorDetector(settings, state, row)`). */
  row(): DetectorRow {
    const rows = this.rowsPerChunk;
    if (this.next >= rows) {
      this.numbers = new Float64Array(rows * DetectorBank.ROW);
      this.bins = new Float64Array(rows * 2 * (DAY_BINS + WEEK_BINS));
      this.next = 0;
    }
    const k = this.next++;
    return {
      numbers: this.numbers.subarray(k * DetectorBank.ROW, k * DetectorBank.ROW + SLOT_COUNT),
      bins: this.bins,
      dayAt: 2 * k,
      weekAt: 2 * (DAY_BINS * rows + k),
      binStride: 2 * rows,
      keepEvidence: this.options.keepEvidence,
    };
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
function learnAcov(h: Float64Array, p: number, ka: number): void {
  h[p + P_ACOV] = (1 - ka) * (h[p + P_ACOV] + ka * h[p + P_RESIDUAL] * h[p + P_PREV_RESIDUAL]);
}

/** A saved profile into the detector's numbers and bins. */
function loadProfile(h: Float64Array, p: number, bins: Float64Array, first: number, stride: number, count: number, saved: SeasonalProfile): void {
  h[p + P_VARIANCE] = saved.variance;
  h[p + P_EWMA] = saved.ewma;
  h[p + P_ACOV] = saved.acov;
  h[p + P_PREV_RESIDUAL] = saved.prevResidual;
  h[p + P_FIT] = saved.fit;
  for (let i = 0; i < count; i++) {
    bins[first + i * stride] = saved.mean[i] ?? 0;
    bins[first + i * stride + 1] = saved.count[i] ?? 0;
  }
}

/** A profile in its saved form. */
function saveProfile(h: Float64Array, p: number, bins: Float64Array, first: number, stride: number, count: number): SeasonalProfile {
  const mean: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < count; i++) {
    mean.push(bins[first + i * stride]);
    counts.push(bins[first + i * stride + 1]);
  }
  return { mean, count: counts, variance: h[p + P_VARIANCE], ewma: h[p + P_EWMA], acov: h[p + P_ACOV], prevResidual: h[p + P_PREV_RESIDUAL], fit: h[p + P_FIT] };
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
