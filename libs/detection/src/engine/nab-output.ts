import { EpisodeTracker } from './episode-tracker';
import { SensorDetector } from './sensor-detector';
import type { DetectorSettings } from './config';

/**
 * The per-row score the command-line detector writes: the engine's score when the sample is not inside an
 * already-open episode, and 0 inside one, because the server alerts once per episode, not per sample.
 */
export class AlertScorer {
  private readonly detector: SensorDetector;
  private readonly episodes: EpisodeTracker;

  constructor(settings: DetectorSettings = {}) {
    this.detector = new SensorDetector(settings);
    this.episodes = new EpisodeTracker(this.detector.resolved.episodeClearSamples);
  }

  step(timestamp: number, value: number): number {
    const wasOpen = this.episodes.open !== null;
    const verdict = this.detector.step(timestamp, value);
    this.episodes.step(timestamp, verdict);
    return wasOpen ? 0 : verdict.score;
  }
}
