import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { AlarmDto, AssetDto, DeviceDto, TagDto } from '@idm/contracts';
import { api } from './api';
import { getAssets } from './assets-api';
import { useAlarmState } from './live/LiveProvider';
import { getTags } from './tags-api';

export type TagInfo = Pick<TagDto, 'sensor_id' | 'device_id' | 'area' | 'unit' | 'description'> & Partial<Pick<TagDto, 'source' | 'state_words'>>;

/**
 * What the alarm screens need to show an alarm's source as people know it: tags (unit, bool words, area),
 * device and asset names. Alarms carry ids only (the REST contract); names change without the alarm.
 */
export interface AlarmSources {
  tags: ReadonlyMap<string, TagInfo>;
  devices: ReadonlyMap<string, { name: string }>;
  assets: ReadonlyMap<string, { name: string; area: string | null }>;
}

export const NO_SOURCES: AlarmSources = { tags: new Map(), devices: new Map(), assets: new Map() };

type Source = Pick<AlarmDto, 'source_type' | 'source_id' | 'sensor_id'>;

/** The name an operator knows a source by: a tag's own name (its id), a device's or an asset's name. */
export function sourceName(dir: AlarmSources, s: Source): string {
  if (s.source_type === 'device') return dir.devices.get(s.source_id)?.name || s.source_id;
  if (s.source_type === 'asset') return dir.assets.get(s.source_id)?.name || s.source_id;
  return s.sensor_id ?? s.source_id;
}

/** Tooltip of a source's name: the id behind it, and a tag's description. */
export function sourceTitle(dir: AlarmSources, s: Source): string {
  if (s.source_type === 'sensor') {
    const d = dir.tags.get(s.sensor_id ?? s.source_id)?.description;
    return d ? `${s.sensor_id ?? s.source_id} · ${d}` : (s.sensor_id ?? s.source_id);
  }
  return `${s.source_type} id ${s.source_id}`;
}

/** A source's plant area: the tag's, a device's that of its tags, an asset's own; '' when unknown. */
export function sourceArea(dir: AlarmSources, s: Source): string {
  if (s.source_type === 'asset') return dir.assets.get(s.source_id)?.area ?? '';
  if (s.sensor_id) return dir.tags.get(s.sensor_id)?.area ?? '';
  return deviceAreas(dir).get(s.source_id) ?? '';
}

const areasCache = new WeakMap<AlarmSources, Map<string, string>>();
/** A device's area: the first area among its tags (computed once per directory). */
function deviceAreas(dir: AlarmSources): Map<string, string> {
  let m = areasCache.get(dir);
  if (!m) {
    m = new Map();
    for (const t of dir.tags.values()) if (t.area && !m.has(t.device_id)) m.set(t.device_id, t.area);
    areasCache.set(dir, m);
  }
  return m;
}

async function getDevices(): Promise<DeviceDto[]> {
  const { data } = await api.get<DeviceDto[]>('/devices');
  return data;
}

interface Loaded {
  dir: AlarmSources;
  /** A list could not be loaded (refused, the server or network down): the previous one was kept. */
  failed: boolean;
}

/**
 * Each list on its own: one refused or failing leaves the others to show, and keeps what `prev` knew of
 * it, so a reload that fails never turns names already shown back into ids.
 */
async function loadSources(prev: AlarmSources): Promise<Loaded> {
  let failed = false;
  const part = <T,>(p: Promise<T[]>): Promise<T[] | null> =>
    p.catch(() => {
      failed = true;
      return null;
    });
  const [tags, devices, assets] = await Promise.all([part(getTags()), part(getDevices()), part(getAssets())]);
  return {
    failed,
    dir: {
      tags: tags ? new Map(tags.map((t) => [t.sensor_id, t])) : prev.tags,
      devices: devices ? new Map(devices.map((d) => [d.id, { name: d.name }])) : prev.devices,
      assets: assets ? new Map(assets.map((x) => [x.id, { name: x.name, area: x.area }])) : prev.assets,
    },
  };
}

/**
 * Reloaded this often (a renamed device, a changed unit); a minute after a load that left a shown device
 * or asset unknown (added since), again each minute while it stays so; after a failed load, soon (5 s
 * doubling to a minute) since the names are then knowable as soon as the server answers.
 */
const RELOAD_MS = 5 * 60_000;
const UNKNOWN_RELOAD_MS = 60_000;
const FAILED_RETRY_MS = 5_000;

const SourcesContext = createContext<AlarmSources | null>(null);

/** Loads the directory once for every alarm view under it (the banner, the summary, the journal). */
export function AlarmSourcesProvider({ children }: { children: ReactNode }) {
  const dir = useLoadedSources(true);
  return <SourcesContext.Provider value={dir}>{children}</SourcesContext.Provider>;
}

/** The directory of the provider above, or (no provider: a screen on its own, a test) one loaded here. */
export function useAlarmSources(): AlarmSources {
  const given = useContext(SourcesContext);
  const own = useLoadedSources(given === null);
  return given ?? own;
}

function useLoadedSources(enabled: boolean): AlarmSources {
  const [loaded, setLoaded] = useState<Loaded>({ dir: NO_SOURCES, failed: false });
  const [tick, setTick] = useState(0);
  const loadedAt = useRef(0);
  const known = useRef<AlarmSources>(NO_SOURCES);
  known.current = loaded.dir;
  /** Failed loads in a row, for the back-off. */
  const failures = useRef(0);
  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    loadedAt.current = Date.now();
    void loadSources(known.current).then((l) => {
      if (!alive) return;
      failures.current = l.failed ? failures.current + 1 : 0;
      setLoaded(l);
    });
    const t = setTimeout(() => setTick((n) => n + 1), RELOAD_MS);
    return () => {
      alive = false;
      clearTimeout(t);
    };
  }, [enabled, tick]);
  const dir = loaded.dir;
  // A device or asset the directory does not know yet (added since it loaded): load again soon.
  const alarms = useAlarmState().alarms;
  let unknown = false;
  if (enabled && dir !== NO_SOURCES)
    for (const a of alarms.values())
      if ((a.source_type === 'device' && !dir.devices.has(a.source_id)) || (a.source_type === 'asset' && !dir.assets.has(a.source_id))) {
        unknown = true;
        break;
      }
  // Re-armed by every load (`loaded` is new each time): a source still unknown after a reload is looked
  // for again a minute later rather than left to the 5-minute reload.
  const failed = enabled && loaded.failed;
  useEffect(() => {
    if (!unknown && !failed) return;
    const wait = failed ? Math.min(UNKNOWN_RELOAD_MS, FAILED_RETRY_MS * 2 ** (failures.current - 1)) : UNKNOWN_RELOAD_MS;
    const t = setTimeout(() => setTick((n) => n + 1), Math.max(0, loadedAt.current + wait - Date.now()));
    return () => clearTimeout(t);
  }, [unknown, failed, loaded]);
  return dir;
}
