import { Link } from 'react-router-dom';
import type { AlarmAuditEntryDto, AlarmDto } from '@idm/contracts';
import { EpisodeEnd } from '../../../components/ui/EpisodeEnd';
import { codeWords, dateTime } from '../../../lib/format';
import { anomalyHistoryPath } from '../../../lib/routes';
import { useResource } from '../../../lib/use-resource';
import { getAlarm } from '../api/get-alarm';
import { getAlarmEpisodes } from '../api/get-alarm-episodes';

/** The audit trail of one alarm and the anomaly episodes behind it. */
export function AlarmHistory({ alarm }: { alarm: AlarmDto }) {
  // Reloads whenever the alarm changes (a new comment or acknowledgement arrives over the socket).
  const detail = useResource(() => getAlarm(alarm.id), `${alarm.id}|${alarm.updated_at}`);
  if (detail.error) return <p className="form-error">{detail.error.message}</p>;
  if (!detail.data) return <p className="muted">Loading the history…</p>;
  return (
    <>
      <AuditTrail alarm={alarm} history={detail.data.history} />
      <AlarmEpisodes alarm={alarm} />
    </>
  );
}

/** Every transition of an alarm with who did it and their comment. */
export function AuditTrail({ alarm, history }: { alarm: AlarmDto; history: readonly AlarmAuditEntryDto[] }) {
  return (
    <ol className="audit" aria-label={`History of ${alarm.message}`}>
      {alarm.shelve_reason && alarm.state === 'shelved' && (
        <li>
          Shelved by {alarm.shelved_by ?? '—'}: “{alarm.shelve_reason}”
        </li>
      )}
      {history.map((h, i) => (
        <li key={`${h.at}-${i}`}>
          <span className="num">{dateTime(h.at)}</span> <strong>{codeWords(h.kind)}</strong>
          {h.by ? ` by ${h.by}` : ''}
          {h.comment ? `: “${h.comment}”` : ''}
        </li>
      ))}
    </ol>
  );
}

/** The anomaly episodes the alarm's current activation was raised for (none for a device alarm). */
function AlarmEpisodes({ alarm }: { alarm: AlarmDto }) {
  const episodes = useResource(() => getAlarmEpisodes(alarm), `${alarm.id}|${alarm.anomaly_ids.join(',')}`);
  if (!alarm.sensor_id || !alarm.anomaly_ids.length) return null;
  const found = new Map((episodes.data ?? []).map((e) => [e.id, e]));
  return (
    <div className="alarm-episodes">
      <strong>Anomaly episodes behind this alarm ({alarm.anomaly_ids.length})</strong>{' '}
      <Link to={anomalyHistoryPath(alarm.sensor_id)}>Anomaly history of {alarm.sensor_id}</Link>
      {episodes.error && <p className="form-error">Episodes could not be loaded: {episodes.error.message}</p>}
      {episodes.data && (
        <ul aria-label={`Anomaly episodes behind ${alarm.message}`}>
          {[...alarm.anomaly_ids].reverse().map((id) => {
            const e = found.get(id);
            return (
              <li key={id} data-episode-id={id}>
                {e ? (
                  <>
                    <span className="num">{dateTime(e.timestamp)}</span> – <EpisodeEnd episode={e} /> {codeWords(e.anomaly_type)}, {e.severity}
                    {e.evidence.detail ? `: ${e.evidence.detail}` : ''}
                  </>
                ) : (
                  <span className="muted">{id} (older than the sensor’s newest 100 episodes)</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
