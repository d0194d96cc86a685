import { SensorDetector } from './sensor-detector';
import type { DetectorSettings } from './config';
import { scoreOf } from './score';

export interface AlertScorerOptions {
  /** Samples over which the memory of a reported alert fades by half. */
  holdoffHalfLife?: number;
  /** Half-life (samples) of the sensor's learned distribution of detector evidence. */
  evidenceHalfLife?: number;
  /** Surprise (in standard deviations of the log evidence) that maps to 0.5. */
  surpriseThreshold?: number;
  /** After a report, a new one needs this many times the reported surprise (before fading). */
  renotifyFactor?: number;
  /** Rank by the sum of all detectors' evidence rather than the strongest one's. */
  combine?: boolean;
  /** Samples after the detector's warm-up before alerts are reported. */
  evidenceWarmup?: number;
}

/**
 * The per-row alert score the command-line detector writes, in [0, 1]. Two causal steps on top of the
 * engine's score: (1) how unusual the engine's evidence is for this sensor (a bursty sensor's routine
 * bursts stop being news), (2) an operator hears about a problem once, not on every sample of it: a score
 * is reported only when it beats the fading memory of what was already reported, else 0.
 */
export class AlertScorer {
  readonly detector: SensorDetector;
  private mean = 0;
  private variance = 0;
  private n = 0;
  private memory = 0;
  private readonly decay: number;
  private readonly alpha: number;
  private readonly surpriseThreshold: number;
  private readonly renotify: number;
  private readonly useCombined: boolean;
  private readonly evidenceWarmup: number;

  constructor(settings: DetectorSettings = {}, options: AlertScorerOptions = {}) {
    this.detector = new SensorDetector(settings);
    this.decay = Math.pow(0.5, 1 / (options.holdoffHalfLife ?? 100));
    this.alpha = 1 - Math.pow(0.5, 1 / (options.evidenceHalfLife ?? 1000));
    this.surpriseThreshold = options.surpriseThreshold ?? 3;
    this.renotify = options.renotifyFactor ?? 3;
    this.useCombined = options.combine ?? true;
    this.evidenceWarmup = options.evidenceWarmup ?? 100;
  }

  step(timestamp: number, value: number): number {
    const verdict = this.detector.step(timestamp, value);
    if (this.detector.warmingUp) return 0;
    const evidence = this.useCombined ? verdict.combined : Math.log1p(verdict.score >= 1 ? 1e12 : verdict.score / (1 - verdict.score));
    const sd = Math.sqrt(this.variance) || 1e-3;
    const surprise = this.n > 0 ? (evidence - this.mean) / Math.max(sd, 0.05) : 0;
    this.n++;
    const a = Math.max(this.alpha, 1 / this.n);
    const r = Math.min(evidence - this.mean, 4 * Math.max(sd, 0.05));
    this.mean += a * r;
    this.variance = (1 - a) * (this.variance + a * r * r);
    this.memory *= this.decay;
    // Its own warm-up: surprise means nothing until the evidence distribution has been seen for a while.
    if (this.n <= this.evidenceWarmup) return 0;
    // Both must hold: the engine finds the sample anomalous (statistic / threshold) and that is unusual for
    // this sensor (surprise / its threshold); the joint strength is the weaker of the two.
    const engineStrength = verdict.score >= 1 ? Infinity : verdict.score / (1 - verdict.score);
    const strength = Math.min(Math.max(0, surprise) / this.surpriseThreshold, engineStrength);
    if (!(strength > this.memory)) return 0;
    this.memory = strength * this.renotify;
    return scoreOf(strength, 1);
  }
}
