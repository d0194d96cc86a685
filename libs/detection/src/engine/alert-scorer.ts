import type { AnomalyType } from '@idm/contracts';
import { EVIDENCE_INDEX, SensorDetector } from './sensor-detector';
import type { DetectorSettings } from './config';
import { scoreOf } from './score';

/**
 * The scorer's windows below are given in samples of this period (NAB's five minutes, where they were
 * chosen): a sensor sampled at another rate gets the same windows in time (see `timeScaled`).
 */
export const REFERENCE_PERIOD_MS = 300_000;
/** Bounds (in samples) of a time-scaled window, as the engine's (`config.ts`): sane at any sample rate. */
const WINDOW_SAMPLES = { min: 20, max: 2000 };

export interface AlertScorerOptions {
  /** Samples (at `REFERENCE_PERIOD_MS`) over which the memory of a reported alert fades by half. */
  holdoffHalfLife?: number;
  /** Half-life (samples at `REFERENCE_PERIOD_MS`) of the sensor's learned distribution of detector evidence. */
  evidenceHalfLife?: number;
  /** Surprise (in standard deviations of the log evidence) that maps to 0.5. */
  surpriseThreshold?: number;
  /** After a report, a new one needs this many times the reported surprise (before fading). */
  renotifyFactor?: number;
  /**
   * Off by default. When set, `renotifyFactor` holds only while the evidence stays up: a peak-hold of
   * the evidence fading with this fraction of `holdoffHalfLife` says how much of the reported event is
   * still going on, and once it has died down a new event needs only to beat the fading report itself
   * (a second, separate anomaly half the size of the first is news; the same one going on is not).
   */
  renotifyRelease?: number;
  /**
   * Chattering suppression (default 0.4; 0 turns it off), as ISA-18.2 treats an alarm that keeps coming
   * back: each report's `renotifyFactor` is raised by this much per alarm the sensor has raised recently
   * (reports scoring at least the anomaly score 0.5, counted with fading over `chatterHalfLife`). A sensor
   * alarmed again and again shows its routine (a mostly idle counter's bursts come back every few hours),
   * so the next event of that size is less news; a sensor rarely alarmed keeps the plain factor, and weak
   * reports (noise near the threshold) do not count. An escalation stays news: an event `renotifyFactor`
   * times the strongest recent alarm needs to beat only the plain memory, not the raised one.
   */
  renotifyChatter?: number;
  /** Half-life of that alarm count, in `holdoffHalfLife`s (default 10: about three days at five minutes). */
  chatterHalfLife?: number;
  /** Rank by the sum of all detectors' evidence rather than the strongest one's. */
  combine?: boolean;
  /** Samples after the detector's warm-up before alerts are reported. */
  evidenceWarmup?: number;
  /**
   * Detectors whose evidence is also judged against its own history (default: the daily profile). A
   * cyclic sensor's value-level detectors fire routinely, so the joint evidence is routinely high and a
   * departure from the daily profile drowns in it; judged on its own, that departure stands out.
   */
  ownEvidence?: AnomalyType[];
  /** Weight of an own-evidence alert against the joint one (below 1: a second test, so a little stricter). */
  ownWeight?: number;
  /**
   * Judge recurrence (default on): the same kind of evidence at about this time of day as on each of the
   * two previous days, and not clearly stronger (a nightly job, a daily batch), is the signal's routine,
   * not news.
   */
  recurrence?: boolean;
  /** A recurring event is news again when its strength exceeds this many times the routine one (daily jobs vary). */
  recurrenceMargin?: number;
  /**
   * Windows in time (default on): the repeat memory and the evidence distribution keep their windows'
   * duration at the sensor's own sample period (bounded to 20-2000 samples), and the memory fades over a
   * gap by the time it spans. Off: per sample whatever the rate (a 100-sample memory is 8 hours at five
   * minutes but two days at 30 minutes, long enough to hide a holiday behind the last evening peak).
   */
  timeScaled?: boolean;
}

/** The numeric defaults of `AlertScorerOptions` (the benches perturb and report against these). */
export const ALERT_SCORER_DEFAULTS = {
  holdoffHalfLife: 85,
  evidenceHalfLife: 1000,
  evidenceWarmup: 100,
  surpriseThreshold: 3,
  renotifyFactor: 2.5,
  renotifyChatter: 0.4,
  ownWeight: 0.8,
  recurrenceMargin: 1.5,
} as const;

/**
 * What the alert score reads of the engine after each sample (a `SensorDetector` is one). The engine never
 * reads the alert score back, so a bench can record this once per series and replay it under other
 * `AlertScorerOptions` (`judge`).
 */
export interface EngineOutput {
  readonly warmingUp: boolean;
  readonly lastCombined: number;
  readonly lastEvidence: ArrayLike<number>;
  readonly lastBest: number;
  readonly resolved: { readonly periodMs: number | null };
}

/** Hour-of-day bins of the recurrence memory; an event also matches the neighbouring hours (daily jobs wander). */
const RECUR_BINS = 24;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The per-row alert score the command-line detector writes, in [0, 1]. Two causal steps on top of the
 * engine's score: (1) how unusual the engine's evidence is for this sensor (a bursty sensor's routine
 * bursts stop being news), (2) an operator hears about a problem once, not on every sample of it: a score
 * is reported only when it beats the fading memory of what was already reported, else 0; (3) nor about
 * the routine: the same kind of event at about the same time on each of the last two days (see
 * `recurrence`), whose aftermath then counts as reported.
 */
export class AlertScorer {
  readonly detector: SensorDetector;
  /** Learned mean and variance of the joint evidence. */
  private readonly joint = { mean: 0, variance: 0 };
  private n = 0;
  private memory = 0;
  /** Peak-hold of the recent evidence (`renotifyRelease`): how much of the reported event is still going on. */
  private activity = 0;
  private activityDecay = 1;
  /** Alarms raised recently, counted with fading (`renotifyChatter`), and the per-sample fading. */
  private alarms = 0;
  private alarmsDecay = 1;
  /** With `renotifyChatter`: the memory without the raise, and the strongest recent alarm (fading like the count). */
  private plainMemory = 0;
  private alarmPeak = 0;
  /** Per-sample fading of the memory and learning rate of the evidence, at the sample period `scaledFor`. */
  private decay: number;
  private alpha: number;
  private evidenceWarmup: number;
  private scaledFor: number | null = null;
  private lastTs = NaN;
  private readonly holdoffHalfLife: number;
  private readonly evidenceHalfLife: number;
  private readonly evidenceWarmupSamples: number;
  private readonly timeScaled: boolean;
  private readonly surpriseThreshold: number;
  private readonly renotify: number;
  private readonly release: number;
  private readonly chatter: number;
  private readonly chatterHalfLife: number;
  private readonly useCombined: boolean;
  private readonly own: { index: number; mean: number; variance: number }[];
  private readonly ownWeight: number;
  /**
   * Per hour of the day, the strongest evidence on the day `recurDay` (today's so far) and on the one and
   * two days before it.
   */
  private readonly recurToday = new Float64Array(RECUR_BINS);
  private readonly recurDay = new Float64Array(RECUR_BINS).fill(-Infinity);
  private readonly recurYesterday = new Float64Array(RECUR_BINS);
  private readonly recurBefore = new Float64Array(RECUR_BINS);
  /** The kind of finding (`EVIDENCE_INDEX`) each of those was: a routine is the same kind of event each day. */
  private readonly recurTodayKind = new Int8Array(RECUR_BINS).fill(-1);
  private readonly recurYesterdayKind = new Int8Array(RECUR_BINS).fill(-1);
  private readonly recurBeforeKind = new Int8Array(RECUR_BINS).fill(-1);
  private readonly recurOn: boolean;
  private readonly recurMargin: number;

  constructor(settings: DetectorSettings = {}, options: AlertScorerOptions = {}) {
    this.detector = new SensorDetector(settings);
    this.holdoffHalfLife = options.holdoffHalfLife ?? ALERT_SCORER_DEFAULTS.holdoffHalfLife;
    this.evidenceHalfLife = options.evidenceHalfLife ?? ALERT_SCORER_DEFAULTS.evidenceHalfLife;
    this.evidenceWarmupSamples = options.evidenceWarmup ?? ALERT_SCORER_DEFAULTS.evidenceWarmup;
    this.timeScaled = options.timeScaled ?? true;
    this.decay = Math.pow(0.5, 1 / this.holdoffHalfLife);
    this.alpha = 1 - Math.pow(0.5, 1 / this.evidenceHalfLife);
    this.evidenceWarmup = this.evidenceWarmupSamples;
    this.surpriseThreshold = options.surpriseThreshold ?? ALERT_SCORER_DEFAULTS.surpriseThreshold;
    this.renotify = options.renotifyFactor ?? ALERT_SCORER_DEFAULTS.renotifyFactor;
    this.release = options.renotifyRelease ?? 0;
    if (this.release > 0) this.activityDecay = Math.pow(0.5, 1 / (this.holdoffHalfLife * this.release));
    this.chatter = options.renotifyChatter ?? ALERT_SCORER_DEFAULTS.renotifyChatter;
    this.chatterHalfLife = options.chatterHalfLife ?? 10;
    if (this.chatter > 0) this.alarmsDecay = Math.pow(0.5, 1 / (this.holdoffHalfLife * this.chatterHalfLife));
    this.useCombined = options.combine ?? true;
    this.own = (options.ownEvidence ?? ['pattern']).map((t) => ({ index: EVIDENCE_INDEX[t], mean: 0, variance: 0 }));
    this.ownWeight = options.ownWeight ?? ALERT_SCORER_DEFAULTS.ownWeight;
    this.recurOn = options.recurrence ?? true;
    this.recurMargin = options.recurrenceMargin ?? ALERT_SCORER_DEFAULTS.recurrenceMargin;
  }

  /** Surprise of `evidence` under a learned mean / variance, then learns it (outliers clipped at 4 sd). */
  private surprise(evidence: number, stats: { mean: number; variance: number }, a: number): number {
    const sd = Math.max(Math.sqrt(stats.variance), 0.05);
    const surprise = this.n > 1 ? (evidence - stats.mean) / sd : 0;
    const r = Math.min(evidence - stats.mean, 4 * sd);
    stats.mean += a * r;
    stats.variance = (1 - a) * (stats.variance + a * r * r);
    return surprise;
  }

  /**
   * The routine evidence at about this time of day: the weaker of yesterday's and the day before's
   * strongest in this hour or a neighbouring one (a daily job wanders), then remembers this sample's.
   */
  private recurrence(timestamp: number, strength: number, kind: number): number {
    const day = Math.floor(timestamp / DAY_MS);
    const bin = Math.floor((timestamp - day * DAY_MS) / HOUR_MS);
    let yesterday = 0;
    let before = 0;
    for (let d = -1; d <= 1; d++) {
      const b = (bin + d + RECUR_BINS) % RECUR_BINS;
      this.roll(b, day);
      if (this.recurYesterdayKind[b] === kind) yesterday = Math.max(yesterday, this.recurYesterday[b]);
      if (this.recurBeforeKind[b] === kind) before = Math.max(before, this.recurBefore[b]);
    }
    if (strength > this.recurToday[bin]) {
      this.recurToday[bin] = strength;
      this.recurTodayKind[bin] = kind;
    }
    return Math.min(yesterday, before);
  }

  /** Moves an hour's memory on to `day` (days without samples remember nothing). */
  private roll(b: number, day: number): void {
    const last = this.recurDay[b];
    if (last === day) return;
    this.recurBefore[b] = last === day - 1 ? this.recurYesterday[b] : last === day - 2 ? this.recurToday[b] : 0;
    this.recurBeforeKind[b] = last === day - 1 ? this.recurYesterdayKind[b] : last === day - 2 ? this.recurTodayKind[b] : -1;
    this.recurYesterday[b] = last === day - 1 ? this.recurToday[b] : 0;
    this.recurYesterdayKind[b] = last === day - 1 ? this.recurTodayKind[b] : -1;
    this.recurToday[b] = 0;
    this.recurTodayKind[b] = -1;
    this.recurDay[b] = day;
  }

  /**
   * Re-expresses the windows at the sensor's sample period once it is known (and if it changes): each
   * keeps its duration at `REFERENCE_PERIOD_MS`, bounded in samples.
   */
  private scaleTo(periodMs: number): void {
    this.scaledFor = periodMs;
    // Bounded like the engine's windows, but never beyond the setting itself (it holds at the reference period).
    const samples = (atReference: number) =>
      Math.min(Math.max(WINDOW_SAMPLES.max, atReference), Math.max(Math.min(WINDOW_SAMPLES.min, atReference), (atReference * REFERENCE_PERIOD_MS) / periodMs));
    this.decay = Math.pow(0.5, 1 / samples(this.holdoffHalfLife));
    if (this.release > 0) this.activityDecay = Math.pow(0.5, 1 / (samples(this.holdoffHalfLife) * this.release));
    if (this.chatter > 0) this.alarmsDecay = Math.pow(0.5, 1 / (samples(this.holdoffHalfLife) * this.chatterHalfLife));
    this.alpha = 1 - Math.pow(0.5, 1 / samples(this.evidenceHalfLife));
    this.evidenceWarmup = Math.round(samples(this.evidenceWarmupSamples));
  }

  /**
   * What a sample must beat to be reported: the fading memory of the last report (`renotifyFactor` times
   * it). With `renotifyRelease`, the factor applies only to the part of the report whose evidence is still
   * going on (the peak-hold before this sample), the rest counts once; the peak-hold then takes this sample.
   */
  private repeatLevel(steps: number, strength: number): number {
    if (!(this.release > 0)) return this.memory;
    this.activity *= steps === 1 ? this.activityDecay : Math.pow(this.activityDecay, steps);
    const reported = this.memory / this.renotify;
    const level = reported + (this.renotify - 1) * Math.min(reported, this.activity);
    this.activity = Math.max(this.activity, strength);
    return level;
  }

  /**
   * With `renotifyChatter`: clearly bigger than anything the sensor has alarmed on lately, so the raise
   * (which is about its routine) does not apply; the plain repeat memory still does.
   */
  private escalates(strength: number): boolean {
    return this.chatter > 0 && strength > this.plainMemory && strength > this.renotify * this.alarmPeak;
  }

  step(timestamp: number, value: number): number {
    // The score and joint evidence only: building a verdict object per sample would be wasted here.
    return this.judge(timestamp, this.detector.update(timestamp, value), this.detector);
  }

  /** The alert score of one sample from the engine's output for it (`step` after the engine). */
  judge(timestamp: number, score: number, engine: EngineOutput): number {
    // The time since the last sample in sample periods: the memory fades by the time (a gap by all of it).
    let steps = 1;
    const period = engine.resolved.periodMs;
    if (this.timeScaled && period !== null && period > 0) {
      if (period !== this.scaledFor) this.scaleTo(period);
      const dt = timestamp - this.lastTs;
      if (dt >= 0) steps = dt / period;
    }
    this.lastTs = timestamp;
    if (engine.warmingUp) return 0;
    const evidence = this.useCombined ? engine.lastCombined : Math.log1p(score >= 1 ? 1e12 : score / (1 - score));
    this.n++;
    const a = Math.max(this.alpha, 1 / this.n);
    const surprise = this.surprise(evidence, this.joint, a);
    // Both must hold: the engine finds the sample anomalous (statistic / threshold) and that is unusual for
    // this sensor (surprise / its threshold); the joint strength is the weaker of the two.
    const engineStrength = score >= 1 ? Infinity : score / (1 - score);
    let strength = Math.min(Math.max(0, surprise) / this.surpriseThreshold, engineStrength);
    // The same for each own-evidence detector, on its own statistic and its own history.
    for (const o of this.own) {
      const ratio = engine.lastEvidence[o.index];
      const own = this.surprise(Math.log1p(ratio), o, a);
      strength = Math.max(strength, this.ownWeight * Math.min(Math.max(0, own) / this.surpriseThreshold, ratio));
    }
    this.memory *= steps === 1 ? this.decay : Math.pow(this.decay, steps);
    if (this.chatter > 0) {
      const fade = steps === 1 ? this.alarmsDecay : Math.pow(this.alarmsDecay, steps);
      this.alarms *= fade;
      this.alarmPeak *= fade;
      this.plainMemory *= steps === 1 ? this.decay : Math.pow(this.decay, steps);
    }
    const usual = this.recurOn ? this.recurrence(timestamp, strength, engine.lastBest) : 0;
    // Its own warm-up: surprise means nothing until the evidence distribution has been seen for a while.
    if (this.n <= this.evidenceWarmup) return 0;
    if (!(strength > this.repeatLevel(steps, strength)) && !this.escalates(strength)) return 0;
    if (!(strength > this.recurMargin * usual)) {
      // Known routine: its aftermath (the charts catching up with it) is a repeat too, as if reported.
      this.memory = Math.max(this.memory, strength * this.renotify);
      this.plainMemory = Math.max(this.plainMemory, strength * this.renotify);
      return 0;
    }
    this.memory = strength * this.renotify * (1 + this.chatter * this.alarms);
    this.plainMemory = strength * this.renotify;
    // strength 1 is score 0.5 (`scoreOf`): only an alarm counts towards chattering.
    if (strength >= 1) {
      this.alarms++;
      this.alarmPeak = Math.max(this.alarmPeak, strength);
    }
    return scoreOf(strength, 1);
  }
}
