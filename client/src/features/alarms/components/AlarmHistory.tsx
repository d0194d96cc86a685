import type { AlarmDto } from '@idm/contracts';
import { dateTime } from '../../../lib/format';
import { useResource } from '../../../lib/use-resource';
import { getAlarm } from '../api/get-alarm';

/** The audit trail of one alarm: every transition with who did it and their comment. */
export function AlarmHistory({ alarm }: { alarm: AlarmDto }) {
  // Reloads whenever the alarm changes (a new comment or acknowledgement arrives over the socket).
  const detail = useResource(() => getAlarm(alarm.id), `${alarm.id}|${alarm.updated_at}`);
  if (detail.error) return <p className="form-error">{detail.error.message}</p>;
  if (!detail.data) return <p className="muted">Loading the history…</p>;
  return (
    <ol className="audit" aria-label={`History of ${alarm.message}`}>
      {alarm.shelve_reason && alarm.state === 'shelved' && (
        <li>
          Shelved by {alarm.shelved_by ?? '—'}: “{alarm.shelve_reason}”
        </li>
      )}
      {detail.data.history.map((h, i) => (
        <li key={`${h.at}-${i}`}>
          <span className="num">{dateTime(h.at)}</span> <strong>{h.kind.replace(/_/g, ' ')}</strong>
          {h.by ? ` by ${h.by}` : ''}
          {h.comment ? `: “${h.comment}”` : ''}
        </li>
      ))}
    </ol>
  );
}
