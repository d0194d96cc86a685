import type { AnomalyEpisode } from '@idm/contracts';

/**
 * An anomaly episode's status: OPEN only while it is still going on (`active`); once ended, "ended, alarm
 * unacknowledged" until its alarm is back to normal and acknowledged (`resolved`), then "resolved".
 */
export function EpisodeStatus({ episode }: { episode: Pick<AnomalyEpisode, 'active' | 'resolved'> }) {
  if (episode.active) return <strong>OPEN</strong>;
  if (episode.resolved) return <>resolved</>;
  return <span title="The episode ended; its alarm is not yet back to normal and acknowledged">ended, unacknowledged</span>;
}
