import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ALARM_PRIORITIES, type AlarmDto, type AlarmPriorityName } from '@idm/contracts';
import { useAlarmState } from '../../../lib/live/LiveProvider';
import { sourceArea, useAlarmSources } from '../../../lib/alarm-sources';
import { useAlarmActions } from '../hooks/use-alarm-actions';
import { AlarmDetailPanel } from './AlarmDetailPanel';
import { AlarmList } from './AlarmList';
import { filterAlarms, firstOutIds, NO_FILTER, type AlarmFilter, type StateFilter } from './alarm-summary';

const STATE_OPTIONS: [StateFilter, string][] = [
  ['all', 'All needing attention'],
  ['unacked', 'Unacknowledged'],
  ['unack_active', 'Unacknowledged, active'],
  ['unack_rtn', 'Unacknowledged, returned'],
  ['ack_active', 'Acknowledged, active'],
  ['shelved', 'Shelved'],
  ['out_of_service', 'Out of service'],
];

export function AlarmsPage() {
  const state = useAlarmState();
  const actions = useAlarmActions();
  const [filter, setFilter] = useState<AlarmFilter>(NO_FILTER);
  // Areas (a sensor's own, a device's that of its tags, an asset's own), device and asset names and units
  // come from the registry. Without it (not loaded yet, or refused) the ids show and the area filter just
  // has nothing to offer.
  const sources = useAlarmSources();
  const areas = useMemo(() => {
    const all = new Set<string>();
    for (const t of sources.tags.values()) if (t.area) all.add(t.area);
    for (const x of sources.assets.values()) if (x.area) all.add(x.area);
    return [...all].sort((a, b) => a.localeCompare(b));
  }, [sources]);
  const areaOf = useMemo(() => (a: AlarmDto) => sourceArea(sources, a), [sources]);
  // `?alarm=<id>`: one alarm picked out by a link (an anomaly episode's). One that needs no attention any
  // more is not in the list, so it is shown on its own above it.
  const focusId = useSearchParams()[0].get('alarm') ?? undefined;
  const focusListed = focusId !== undefined && state.alarms.has(focusId);
  const all = useMemo(() => [...state.alarms.values()], [state]);
  // Over every alarm, not just the filtered ones: the first of a flood stays the first whatever is shown.
  // Each area's part of a flood has its own first-out (a trip in one unit is not caused by another's).
  const firstOut = useMemo(() => firstOutIds(all, { groupOf: areaOf }), [all, areaOf]);
  const alarms = useMemo(() => filterAlarms(all, filter, areaOf), [all, filter, areaOf]);
  const set = <K extends keyof AlarmFilter>(k: K, v: AlarmFilter[K]) => setFilter((f) => ({ ...f, [k]: v }));

  return (
    <section className="panel" aria-labelledby="alarms-title">
      <div className="panel-head alarm-filters">
        <h2 id="alarms-title">Alarms</h2>
        <label>
          Area{' '}
          <select value={filter.area} onChange={(e) => set('area', e.target.value)}>
            <option value="">All areas</option>
            {areas.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Priority{' '}
          <select value={filter.priority} onChange={(e) => set('priority', e.target.value as AlarmPriorityName | '')}>
            <option value="">All priorities</option>
            {ALARM_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p[0].toUpperCase() + p.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <label>
          State{' '}
          <select value={filter.state} onChange={(e) => set('state', e.target.value as StateFilter)}>
            {STATE_OPTIONS.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="alarm-count">
          {alarms.length} of {all.length}
        </span>
        {!actions && <span className="muted">View only: acknowledging needs the operator role.</span>}
      </div>
      {state.ready && focusId && !focusListed && <AlarmDetailPanel id={focusId} />}
      {!state.ready ? (
        <p className="muted">Waiting for the alarm snapshot…</p>
      ) : (
        <AlarmList alarms={alarms} actions={actions} focusId={focusListed ? focusId : undefined} firstOut={firstOut} sources={sources} />
      )}
    </section>
  );
}
