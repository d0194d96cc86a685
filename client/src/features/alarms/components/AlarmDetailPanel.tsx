import { Link } from 'react-router-dom';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { isUnacked } from '../../../lib/live/alarm-state';
import { dateTime } from '../../../lib/format';
import { anomalyHistoryPath } from '../../../lib/routes';
import { useResource } from '../../../lib/use-resource';
import { getAlarm } from '../api/get-alarm';
import { stateLabel } from './alarm-labels';
import { AuditTrail } from './AlarmHistory';

/**
 * An alarm picked by its address (`/alarms?alarm=<id>`, e.g. from an anomaly episode) that no longer needs
 * attention, so it is not in the list: its state and history, read from the server.
 */
export function AlarmDetailPanel({ id }: { id: string }) {
  const detail = useResource(() => getAlarm(id), id);
  if (detail.error) return <p className="notice">{detail.error.status === 404 ? `Alarm ${id} does not exist (any more).` : `Alarm ${id} could not be loaded: ${detail.error.message}`}</p>;
  if (!detail.data) return <p className="muted">Loading alarm {id}…</p>;
  const a = detail.data;
  return (
    <section className="notice alarm-detail" aria-label={`Alarm ${a.message}`} data-alarm-id={a.id} data-state={a.state}>
      <p>
        <PriorityBadge priority={a.priority} unacked={isUnacked(a)} /> <strong>{a.message}</strong> · {stateLabel(a)} · raised {dateTime(a.raised_at)}, cleared {dateTime(a.cleared_at)}
        {a.acked_by ? `, acknowledged by ${a.acked_by}` : ''}
      </p>
      <p className="muted">
        This alarm needs no attention now, so it is not in the list below.
        {a.sensor_id && (
          <>
            {' '}
            Its episodes: <Link to={anomalyHistoryPath(a.sensor_id)}>anomaly history of {a.sensor_id}</Link>.
          </>
        )}
      </p>
      <AuditTrail alarm={a} history={a.history} />
    </section>
  );
}
