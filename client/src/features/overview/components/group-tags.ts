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
