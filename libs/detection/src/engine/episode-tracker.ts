import type { AnomalyEvidence, AnomalyType } from '@idm/contracts';
import { ANOMALY_SCORE } from './score';
import type { EngineVerdict } from './sensor-detector';

/** An anomaly episode as the engine sees it (times in epoch ms). */
export interface EpisodeState {
  start: number;
  last: number;
  peak: number;
  type: AnomalyType;
  evidence: AnomalyEvidence;
  samples: number;
  /** Consecutive normal samples since the last anomalous one. */
  quiet: number;
}

export type EpisodeChange = { kind: 'opened' | 'updated' | 'closed'; episode: EpisodeState } | null;

/**
 * Groups anomalous samples into episodes: an episode opens on the first anomalous sample and closes after
 * `clearSamples` consecutive normal ones (an off-delay, so a flapping signal is one episode, not many).
 * The type and evidence are those of the peak score. `updated` is reported only when the peak grows.
 */
export class EpisodeTracker {
  constructor(
    private readonly clearSamples: number,
    public open: EpisodeState | null = null,
  ) {}

  step(timestamp: number, verdict: EngineVerdict): EpisodeChange {
    const anomalous = verdict.score >= ANOMALY_SCORE && verdict.anomaly_type !== null;
    const ep = this.open;
    if (!ep) {
      if (!anomalous) return null;
      this.open = { start: timestamp, last: timestamp, peak: verdict.score, type: verdict.anomaly_type!, evidence: verdict.evidence!, samples: 1, quiet: 0 };
      return { kind: 'opened', episode: { ...this.open } };
    }
    if (anomalous) {
      ep.last = timestamp;
      ep.samples++;
      ep.quiet = 0;
      if (verdict.score > ep.peak) {
        ep.peak = verdict.score;
        ep.type = verdict.anomaly_type!;
        ep.evidence = verdict.evidence!;
        return { kind: 'updated', episode: { ...ep } };
      }
      return null;
    }
    ep.quiet++;
    if (ep.quiet >= this.clearSamples) {
      this.open = null;
      return { kind: 'closed', episode: { ...ep } };
    }
    return null;
  }
}
