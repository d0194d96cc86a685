import type { AnomalyEpisode } from '@idm/contracts';
import { dateTime, duration } from '../../lib/format';
import { useNow } from '../../lib/use-now';

/**
 * Where an anomaly episode ends: its last anomalous sample once the detector has closed it; while it is still
 * going on (`active`), "ongoing" and how long since it started, counting up (its stored end trails the live
 * value, so showing it would read as finished).
 */
export function EpisodeEnd({ episode }: { episode: Pick<AnomalyEpisode, 'timestamp' | 'end_timestamp' | 'active'> }) {
  const now = useNow(1000, episode.active);
  if (!episode.active) return <span className="num">{dateTime(episode.end_timestamp)}</span>;
  const since = duration(now - Date.parse(episode.timestamp));
  return (
    <span title={`Still going on, for ${since} so far`}>
      <strong>ongoing</strong> <span className="num">({since})</span>
    </span>
  );
}
