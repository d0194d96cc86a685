import type { AnomalyEvidence, EpisodeType } from '@idm/contracts';
import { ANOMALY_SEVERITIES, severityOf } from '@idm/contracts';
import { ANOMALY_SCORE } from './score';
import type { EngineVerdict, SensorDetector } from './sensor-detector';

/** A normal sample's verdict as the tracker reads it (score and type only; never stored). */
const NORMAL: EngineVerdict = Object.freeze({ score: 0, anomaly_type: null, evidence: null, combined: 0 });

/** An anomaly episode as the engine sees it (times in epoch ms). */
export interface EpisodeState {
  start: number;
  last: number;
  peak: number;
  type: EpisodeType;
  evidence: AnomalyEvidence;
  samples: number;
  /** Consecutive normal samples since the last anomalous one. */
  quiet: number;
}

export type EpisodeChange = { kind: 'opened' | 'updated' | 'closed'; episode: EpisodeState } | null;

/**
 * Groups anomalous samples into episodes: an episode opens on the first anomalous sample and closes after
 * `clearSamples` consecutive normal ones (an off-delay, so a flapping signal is one episode, not many) that
 * also span at least `clearMs` since the last anomalous one. The time matters where samples do not come at
 * a steady rate (an asset ticks on its polls, which a busy server delivers late and in bursts): a count of
 * samples alone is then a shorter off-delay than meant, and one sustained fault became two episodes.
 * The type is fixed when the episode opens (alarms key their condition on it); the evidence is that of
 * the peak score. `updated` is reported only when the peak's severity rises.
 */
export class EpisodeTracker {
  constructor(
    private readonly clearSamples: number,
    public open: EpisodeState | null = null,
    private readonly clearMs = 0,
  ) {}

  /**
   * `step` for a sample judged with `detector.update` (score only): the verdict object is built only for
   * an anomalous sample, where the episode keeps its evidence, so a normal sample allocates nothing.
   */
  observe(timestamp: number, detector: SensorDetector, score: number): EpisodeChange {
    if (score < ANOMALY_SCORE) return this.open ? this.step(timestamp, NORMAL) : null;
    return this.step(timestamp, detector.lastVerdict());
  }

  step(timestamp: number, verdict: Pick<EngineVerdict, 'score' | 'evidence'> & { anomaly_type: EpisodeType | null }): EpisodeChange {
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
        const worse = rank(verdict.score) > rank(ep.peak);
        ep.peak = verdict.score;
        ep.evidence = verdict.evidence!;
        // Reported (and written) only when the severity rises: a creeping score is not news on every sample.
        if (worse) return { kind: 'updated', episode: { ...ep } };
      }
      return null;
    }
    ep.quiet++;
    if (ep.quiet >= this.clearSamples && timestamp - ep.last >= this.clearMs) {
      this.open = null;
      return { kind: 'closed', episode: { ...ep } };
    }
    return null;
  }
}

const rank = (score: number) => ANOMALY_SEVERITIES.indexOf(severityOf(score));
