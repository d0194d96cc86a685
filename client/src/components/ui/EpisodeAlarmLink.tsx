import { Link } from 'react-router-dom';
import { alarmPath } from '../../lib/routes';

/** The alarm an anomaly episode raised, as a link to it in the alarms view; a dash when it raised none. */
export function EpisodeAlarmLink({ alarmId }: { alarmId: string | null }) {
  if (!alarmId) return <span className="muted">—</span>;
  return (
    <Link to={alarmPath(alarmId)} aria-label={`Alarm ${alarmId}`} title={alarmId}>
      Alarm
    </Link>
  );
}
