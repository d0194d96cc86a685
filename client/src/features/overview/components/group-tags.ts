import type { DeviceDto } from '@idm/contracts';
import type { TileSpec } from './tile-display';

export type { TileSpec };

export interface DeviceGroup {
  device: DeviceDto | { id: string; name: string };
  tags: TileSpec[];
}

export interface AreaGroup {
  area: string;
  devices: DeviceGroup[];
}

/** Tiles grouped by plant area, then by device, each sorted by name so positions never move. */
export function groupTags(tags: readonly TileSpec[], devices: readonly DeviceDto[]): AreaGroup[] {
  const byId = new Map(devices.map((d) => [d.id, d]));
  const areas = new Map<string, Map<string, TileSpec[]>>();
  for (const t of tags) {
    const area = t.area?.trim() || 'Unassigned';
    let devs = areas.get(area);
    if (!devs) areas.set(area, (devs = new Map()));
    let list = devs.get(t.device_id);
    if (!list) devs.set(t.device_id, (list = []));
    list.push(t);
  }
  return [...areas.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([area, devs]) => ({
      area,
      devices: [...devs.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, list]) => ({ device: byId.get(id) ?? { id, name: id }, tags: list.sort((x, y) => x.sensor_id.localeCompare(y.sensor_id)) })),
    }));
}

/** Rows of tiles per render group (see `renderGroups`). */
export const ROWS_PER_RENDER_GROUP = 2;

/**
 * A device's tiles cut into groups of whole rows (`columns` tiles a row), so groups stacked one under another
 * read as one grid: only the last group may end in a short row, as the device's tiles always could.
 *
 * Why: the browser skips rendering far off-screen content per `content-visibility: auto` element, and keeps an
 * intersection observation of every such element, recomputed in every frame that changes layout. On 2 000
 * tiles that was ~4 ms of CPU in each frame of the per-second update (~30 ms/s), the largest single item; on
 * groups of two rows it is the same work over ~150 elements.
 */
export function renderGroups<T>(tiles: readonly T[], columns: number, rows = ROWS_PER_RENDER_GROUP): T[][] {
  const size = Math.max(1, Math.floor(columns)) * Math.max(1, rows);
  const out: T[][] = [];
  for (let i = 0; i < tiles.length; i += size) out.push(tiles.slice(i, i + size));
  return out;
}
