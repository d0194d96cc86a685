import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { AlarmPriorityName } from '@idm/contracts';
import { useAlarmState } from '../../../lib/live/LiveProvider';
import { isUnacked, sortAlarms } from '../../../lib/live/alarm-state';
import { useAlarmActions } from '../hooks/use-alarm-actions';
import { AlarmDetailPanel } from './AlarmDetailPanel';
import { AlarmList } from './AlarmList';

type Filter = 'all' | 'unacked' | AlarmPriorityName;

export function AlarmsPage() {
  const state = useAlarmState();
  const actions = useAlarmActions();
  const [filter, setFilter] = useState<Filter>('all');
  // `?alarm=<id>`: one alarm picked out by a link (an anomaly episode's). One that needs no attention any
  // more is not in the list, so it is shown on its own above it.
  const focusId = useSearchParams()[0].get('alarm') ?? undefined;
  const focusListed = focusId !== undefined && state.alarms.has(focusId);
  const alarms = useMemo(() => {
    const all = sortAlarms(state.alarms.values());
    if (filter === 'all') return all;
    if (filter === 'unacked') return all.filter(isUnacked);
    return all.filter((a) => a.priority === filter);
  }, [state, filter]);

  return (
    <section className="panel" aria-labelledby="alarms-title">
      <div className="panel-head">
        <h2 id="alarms-title">Alarms</h2>
        <label>
          Show{' '}
          <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="all">All needing attention</option>
            <option value="unacked">Unacknowledged</option>
            <option value="critical">Critical</option>
            <option value="high">High</option>
            <option value="medium">Medium</option>
            <option value="low">Low</option>
          </select>
        </label>
        {!actions && <span className="muted">View only: acknowledging needs the operator role.</span>}
      </div>
      {state.ready && focusId && !focusListed && <AlarmDetailPanel id={focusId} />}
      {!state.ready ? <p className="muted">Waiting for the alarm snapshot…</p> : <AlarmList alarms={alarms} actions={actions} focusId={focusListed ? focusId : undefined} />}
    </section>
  );
}
