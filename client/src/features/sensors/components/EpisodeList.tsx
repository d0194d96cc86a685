import type { AnomalyEpisode } from '@idm/contracts';
import { EpisodeAlarmLink } from '../../../components/ui/EpisodeAlarmLink';
import { EpisodeEnd } from '../../../components/ui/EpisodeEnd';
import { EpisodeStatus } from '../../../components/ui/EpisodeStatus';
import { codeWords, dateTime } from '../../../lib/format';

/** The anomaly episodes of the shown range (newest first, the first `max`), each with the alarm it raised. */
export function EpisodeList({ episodes, max = 10 }: { episodes: readonly AnomalyEpisode[]; max?: number }) {
  if (!episodes.length) return null;
  return (
    <table className="grid episode-list" aria-label="Anomaly episodes in this range">
      <thead>
        <tr>
          <th scope="col">Start</th>
          <th scope="col">Last anomalous sample</th>
          <th scope="col">Type</th>
          <th scope="col">Severity</th>
          <th scope="col">Status</th>
          <th scope="col">Alarm</th>
        </tr>
      </thead>
      <tbody>
        {episodes.slice(0, max).map((e) => (
          <tr key={e.id} data-episode-id={e.id}>
            <td className="num">{dateTime(e.timestamp)}</td>
            <td>
              <EpisodeEnd episode={e} />
            </td>
            <td>{codeWords(e.anomaly_type)}</td>
            <td>{e.severity}</td>
            <td>
              <EpisodeStatus episode={e} />
            </td>
            <td>
              <EpisodeAlarmLink alarmId={e.alarm_id} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
