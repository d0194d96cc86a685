import { useEffect, useMemo } from 'react';
import type { AlarmDto, DeviceStatusDto } from '@idm/contracts';
import { useAlarmState, useConnection, useLive, useWatchSamples } from '../../../lib/live/LiveProvider';
import { isUnacked, PRIORITY_RANK } from '../../../lib/live/alarm-state';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { useResource } from '../../../lib/use-resource';
import { clock } from '../../../lib/format';
import { getDevices } from '../api/get-devices';
import { getDeviceStatuses } from '../api/get-device-statuses';
import { getSensors } from '../api/get-sensors';
import { getTags } from '../../../lib/tags-api';
import { groupTags, type TileSpec } from './group-tags';
import { Tile } from './Tile';

/** The most important alarm per sensor (priority, then unacknowledged first). */
function alarmsBySensor(alarms: Iterable<AlarmDto>): Map<string, AlarmDto> {
  const out = new Map<string, AlarmDto>();
  for (const a of alarms) {
    if (!a.sensor_id || a.state === 'shelved' || a.state === 'out_of_service') continue;
    const cur = out.get(a.sensor_id);
    if (!cur || PRIORITY_RANK[a.priority] < PRIORITY_RANK[cur.priority] || (a.priority === cur.priority && !a.acknowledged && cur.acknowledged)) out.set(a.sensor_id, a);
  }
  return out;
}

function CommStatus({ status }: { status?: DeviceStatusDto }) {
  if (!status) return <span className="comm">comm: unknown</span>;
  if (status.state === 'comm_failure') {
    return (
      <span className="comm comm-bad" role="status">
        ✕ COMM FAILURE{status.last_good_poll_at ? ` since ${clock(status.last_good_poll_at)}` : ''}
      </span>
    );
  }
  if (status.state === 'disabled') return <span className="comm">polling disabled</span>;
  if (status.state === 'connecting') return <span className="comm">connecting…</span>;
  return <span className="comm">comm OK · poll {status.last_poll_duration_ms ?? '—'} ms</span>;
}

export function OverviewPage() {
  const tags = useResource(getTags, 'tags');
  const sensors = useResource(getSensors, 'sensors');
  const devices = useResource(getDevices, 'devices');
  const statuses = useResource(getDeviceStatuses, 'statuses', 5000);
  const alarmState = useAlarmState();
  const conn = useConnection();
  const live = useLive();

  // The latest stored values fill the tiles at once; live samples take over as they arrive.
  useEffect(() => {
    for (const s of sensors.data ?? []) {
      if (s.latest) live?.samples.seed(s.sensor_id, s.latest.value, Date.parse(s.latest.timestamp), s.latest.quality, s.latest.status);
    }
  }, [sensors.data, live]);

  // Registered tags, plus sensors that only post samples over REST (no tag in the registry).
  const specs = useMemo<TileSpec[]>(
    () => [
      ...(tags.data ?? []),
      ...(sensors.data ?? [])
        .filter((s) => !s.registered)
        .map((s) => ({ sensor_id: s.sensor_id, device_id: s.device_id ?? 'REST', area: s.area ?? 'Posted over REST', unit: s.unit ?? '', description: s.description ?? '' })),
    ],
    [tags.data, sensors.data],
  );
  const groups = useMemo(() => groupTags(specs, devices.data ?? []), [specs, devices.data]);
  const ids = useMemo(() => specs.map((t) => t.sensor_id), [specs]);
  useWatchSamples(ids);
  const bySensor = useMemo(() => alarmsBySensor(alarmState.alarms.values()), [alarmState]);
  const statusById = useMemo(() => new Map((statuses.data ?? []).map((s) => [s.device_id, s])), [statuses.data]);

  if (tags.error) return <p className="panel form-error">Tags could not be loaded: {tags.error.message}</p>;
  if (tags.loading && !tags.data) return <p className="panel muted">Loading the plant…</p>;
  if (!groups.length) return <p className="panel muted">No tags configured yet. An admin can import a device file under Devices.</p>;

  const areaId = (area: string) => `area-${area.replace(/[^A-Za-z0-9]+/g, '-')}`;
  return (
    <div className={`overview${conn.state === 'offline' ? ' offline' : ''}`} data-testid="overview">
      {groups.length > 1 && (
        <nav className="area-summary" aria-label="Areas">
          {groups.map((g) => {
            const alarms = g.devices.flatMap((d) => d.tags.map((t) => bySensor.get(t.sensor_id)).filter((a): a is AlarmDto => !!a));
            const worst = alarms.sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority])[0];
            const failed = g.devices.filter((d) => statusById.get(d.device.id)?.state === 'comm_failure').length;
            return (
              <a key={g.area} href={`#${areaId(g.area)}`} onClick={(e) => (e.preventDefault(), document.getElementById(areaId(g.area))?.scrollIntoView({ block: 'start' }))} className={worst || failed ? 'area-chip abnormal' : 'area-chip'}>
                <strong>{g.area}</strong>
                {worst && <PriorityBadge priority={worst.priority} unacked={alarms.some(isUnacked)} />}
                {alarms.length > 0 && <span>{alarms.length} in alarm</span>}
                {failed > 0 && <span className="quality">{failed} comm fail</span>}
                {!worst && !failed && <span className="muted">normal</span>}
              </a>
            );
          })}
        </nav>
      )}
      {groups.map((g) => (
        <section key={g.area} id={areaId(g.area)} className="area" aria-label={g.area}>
          <h2>{g.area}</h2>
          {g.devices.map((d) => (
            <div key={d.device.id} className="device" data-device-id={d.device.id}>
              <div className="device-head">
                <h3>{d.device.name}</h3>
                <CommStatus status={statusById.get(d.device.id)} />
              </div>
              <div className="tiles">
                {d.tags.map((t) => (
                  <Tile key={t.sensor_id} tag={t} alarm={bySensor.get(t.sensor_id)} />
                ))}
              </div>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
