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

/** Each list on its own: one refused or failing leaves the others (and the ids) to show. */
async function loadSources(): Promise<AlarmSources> {
  const [tags, devices, assets] = await Promise.all([getTags().catch(() => [] as TagDto[]), getDevices().catch(() => [] as DeviceDto[]), getAssets().catch(() => [] as AssetDto[])]);
  return {
    tags: new Map(tags.map((t) => [t.sensor_id, t])),
    devices: new Map(devices.map((d) => [d.id, { name: d.name }])),
    assets: new Map(assets.map((x) => [x.id, { name: x.name, area: x.area }])),
  };
}

/** Reloaded this often (a renamed device, a changed unit), and at most this often for an unknown source. */
const RELOAD_MS = 5 * 60_000;
const UNKNOWN_RELOAD_MS = 60_000;

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
  const [dir, setDir] = useState<AlarmSources>(NO_SOURCES);
  const [tick, setTick] = useState(0);
  const loadedAt = useRef(0);
  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    loadedAt.current = Date.now();
    void loadSources().then((d) => alive && setDir(d));
    const t = setTimeout(() => setTick((n) => n + 1), RELOAD_MS);
    return () => {
      alive = false;
      clearTimeout(t);
    };
  }, [enabled, tick]);
  // A device or asset the directory does not know yet (added since it loaded): load again soon.
  const alarms = useAlarmState().alarms;
  let unknown = false;
  if (enabled && dir !== NO_SOURCES)
    for (const a of alarms.values())
      if ((a.source_type === 'device' && !dir.devices.has(a.source_id)) || (a.source_type === 'asset' && !dir.assets.has(a.source_id))) {
        unknown = true;
        break;
      }
  useEffect(() => {
    if (!unknown) return;
    const t = setTimeout(() => setTick((n) => n + 1), Math.max(0, loadedAt.current + UNKNOWN_RELOAD_MS - Date.now()));
    return () => clearTimeout(t);
  }, [unknown]);
  return dir;
}
