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

  constructor(settings: DetectorSettings = {}, options: AlertScorerOptions = {}) {
    this.detector = new SensorDetector(settings);
    this.decay = Math.pow(0.5, 1 / (options.holdoffHalfLife ?? 100));
    this.alpha = 1 - Math.pow(0.5, 1 / (options.evidenceHalfLife ?? 1000));
    this.surpriseThreshold = options.surpriseThreshold ?? 3;
    this.renotify = options.renotifyFactor ?? 3;
    this.useCombined = options.combine ?? true;
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
    if (!(surprise > this.memory)) return 0;
    this.memory = surprise * this.renotify;
    return scoreOf(surprise, this.surpriseThreshold);
  }
}
