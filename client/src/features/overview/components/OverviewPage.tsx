import { memo, useCallback, useEffect, useMemo, useRef, useSyncExternalStore, type CSSProperties } from 'react';
import { Link } from 'react-router-dom';
import type { AlarmDto, AssetDto, AssetHealthSummaryDto, DeviceStatusDto } from '@idm/contracts';
import { useAlarmState, useConnection, useLive, useWatchSamples } from '../../../lib/live/LiveProvider';
import { isUnacked, PRIORITY_RANK } from '../../../lib/live/alarm-state';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { useResource } from '../../../lib/use-resource';
import { dayTime } from '../../../lib/format';
import { getDevices } from '../api/get-devices';
import { getDeviceStatuses } from '../api/get-device-statuses';
import { getSensors } from '../api/get-sensors';
import { getTags } from '../../../lib/tags-api';
import { assetStateText, getAssetHealthSummaries, getAssets } from '../../../lib/assets-api';
import { assetPath } from '../../../lib/routes';
import { groupTags, renderGroups, type DeviceGroup, type TileSpec } from './group-tags';
import { Tile } from './Tile';
import { commOkText, deviceHeadState, type DeviceHeadState } from './tile-display';
import { useGridColumns } from './use-grid-columns';

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

/**
 * How many of these sensors' tiles say COMM FAIL, and how many have a value at all, from the same live
 * store the tiles read (a primitive snapshot, so the header re-renders only when the counts change).
 */
function useTileComm(ids: readonly string[]): { failed: number; withValue: number } {
  const live = useLive();
  const subscribe = useCallback(
    (l: () => void) => {
      if (!live) return () => undefined;
      // A frame of samples notifies each changed tag at once: count once per frame, not once per tag
      // (a device of 2 000 tags would otherwise recount 2 000 tiles 2 000 times a second).
      let queued = false;
      let alive = true;
      const once = () => {
        if (queued) return;
        queued = true;
        queueMicrotask(() => {
          queued = false;
          if (alive) l();
        });
      };
      const offs = ids.map((id) => live.samples.subscribe(id, once));
      return () => {
        alive = false;
        offs.forEach((off) => off());
      };
    },
    [live, ids],
  );
  const snapshot = useSyncExternalStore(subscribe, () => {
    let failed = 0;
    let withValue = 0;
    for (const id of ids) {
      const v = live?.samples.get(id);
      if (!v) continue;
      withValue++;
      if (v.quality === 'comm_failure') failed++;
    }
    return `${failed}/${withValue}`;
  });
  const [failed, withValue] = snapshot.split('/').map(Number);
  return { failed, withValue };
}

function CommStatus({ device, status, ids, linkDown }: { device: DeviceGroup['device']; status?: DeviceStatusDto; ids: readonly string[]; linkDown: boolean }) {
  const head: DeviceHeadState = deviceHeadState(status, useTileComm(ids), linkDown);
  switch (head.kind) {
    case 'no_link':
      return <span className="comm comm-bad">✕ NO LINK to IDM: device state unknown</span>;
    case 'comm_failure':
      return (
        <span className="comm comm-bad" role="status">
          ✕ COMM FAILURE{head.since ? ` since ${dayTime(head.since)}` : ''}
        </span>
      );
    case 'partial':
      return (
        <span className="comm comm-bad" role="status">
          ✕ COMM FAIL on {head.failed} of {head.of} tags
        </span>
      );
    case 'disabled':
      return <span className="comm">polling disabled</span>;
    case 'connecting':
      return <span className="comm">connecting…</span>;
    case 'unknown':
      return <span className="comm">comm: unknown</span>;
    case 'ok':
      return <span className="comm">{commOkText(device, head.pollMs)}</span>;
  }
}

// Memoised in two parts: the 5-second polls of device states and asset health re-render only a device's header,
// not its tiles (re-creating 2 000 tile elements there cost ~10 ms of script every poll).
const DeviceBlock = memo(function DeviceBlock({ device, tags, status, bySensor, linkDown }: { device: DeviceGroup['device']; tags: TileSpec[]; status?: DeviceStatusDto; bySensor: Map<string, AlarmDto>; linkDown: boolean }) {
  const ids = useMemo(() => tags.map((t) => t.sensor_id), [tags]);
  return (
    <div className="device" data-device-id={device.id}>
      <div className="device-head">
        <h3>{device.name}</h3>
        <CommStatus device={device} status={status} ids={ids} linkDown={linkDown} />
      </div>
      <DeviceTiles tags={tags} bySensor={bySensor} linkDown={linkDown} />
    </div>
  );
});

/**
 * A device's tiles in groups of whole rows, each a grid of its own with `content-visibility: auto` (the browser
 * skips a group far off screen; see `renderGroups`). A tile learns it is skipped from its group
 * (`data-visibility-group`, read by `useLiveValueNearScreen`).
 */
const DeviceTiles = memo(function DeviceTiles({ tags, bySensor, linkDown }: { tags: TileSpec[]; bySensor: Map<string, AlarmDto>; linkDown: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const columns = useGridColumns(ref);
  const groups = useMemo(() => renderGroups(tags, columns), [tags, columns]);
  return (
    <div className="tiles" ref={ref}>
      {groups.map((group, i) => (
        <div key={i} className="tile-group" data-visibility-group="" style={{ '--rows': Math.ceil(group.length / columns) } as CSSProperties}>
          {group.map((t) => (
            <Tile key={t.sensor_id} tag={t} alarm={bySensor.get(t.sensor_id)} linkDown={linkDown} />
          ))}
        </div>
      ))}
    </div>
  );
});

/**
 * The equipment of an area: one chip per asset with its health verdict in words, its alarm's priority badge,
 * linking to the asset view. Abnormal (an anomaly, a sensor missing, an alarm) is the only thing given weight.
 */
function AssetChips({ assets, health, alarms }: { assets: AssetDto[]; health: Map<string, AssetHealthSummaryDto>; alarms: Map<string, AlarmDto> }) {
  if (!assets.length) return null;
  return (
    <div className="asset-chips" role="list" aria-label="Equipment health">
      {assets.map((a) => {
        const summary = health.get(a.id);
        const state = summary?.state ?? 'unknown';
        const text = assetStateText(summary);
        const alarm = alarms.get(a.id);
        const abnormal = state === 'anomaly' || state === 'missing' || !!alarm;
        return (
          <Link key={a.id} role="listitem" to={assetPath(a.id)} className={abnormal ? 'asset-chip abnormal' : 'asset-chip'} data-asset-id={a.id}>
            <strong>{a.name}</strong>
            {alarm && <PriorityBadge priority={alarm.priority} unacked={isUnacked(alarm)} />}
            <span className={abnormal ? 'asset-state-word abnormal' : 'asset-state-word muted'} title={text.title}>
              {text.word}
            </span>
          </Link>
        );
      })}
    </div>
  );
}

/** The most important standing alarm per asset. */
function alarmsByAsset(alarms: Iterable<AlarmDto>): Map<string, AlarmDto> {
  const out = new Map<string, AlarmDto>();
  for (const a of alarms) {
    if (a.source_type !== 'asset' || a.state === 'normal' || a.state === 'shelved' || a.state === 'out_of_service') continue;
    const cur = out.get(a.source_id);
    if (!cur || PRIORITY_RANK[a.priority] < PRIORITY_RANK[cur.priority]) out.set(a.source_id, a);
  }
  return out;
}

export function OverviewPage() {
  const tags = useResource(getTags, 'tags');
  const sensors = useResource(getSensors, 'sensors');
  const devices = useResource(getDevices, 'devices');
  const statuses = useResource(getDeviceStatuses, 'statuses', 5000);
  const assets = useResource(getAssets, 'assets');
  const assetHealth = useResource(getAssetHealthSummaries, 'asset-health', 5000);
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
  const healthById = useMemo(() => new Map((assetHealth.data ?? []).map((h) => [h.asset_id, h])), [assetHealth.data]);
  const byAsset = useMemo(() => alarmsByAsset(alarmState.alarms.values()), [alarmState]);
  const assetsIn = (area: string | null) => (assets.data ?? []).filter((a) => a.area === area);
  const areaNames = new Set(groups.map((g) => g.area));
  const elsewhere = (assets.data ?? []).filter((a) => a.area === null || !areaNames.has(a.area));

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
          <AssetChips assets={assetsIn(g.area)} health={healthById} alarms={byAsset} />
          {g.devices.map((d) => (
            <DeviceBlock key={d.device.id} device={d.device} tags={d.tags} status={statusById.get(d.device.id)} bySensor={bySensor} linkDown={conn.state === 'offline'} />
          ))}
        </section>
      ))}
      {elsewhere.length > 0 && (
        <section className="area" aria-label="Other equipment">
          <h2>Other equipment</h2>
          <AssetChips assets={elsewhere} health={healthById} alarms={byAsset} />
        </section>
      )}
    </div>
  );
}
