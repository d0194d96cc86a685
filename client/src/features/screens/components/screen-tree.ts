import type { AlarmDto, ScreenSummaryDto } from '@idm/contracts';

export interface TreeNode {
  screen: ScreenSummaryDto;
  depth: number;
}

/** The screens in navigation order (each parent followed by its children, by name); orphans show at the top level. */
export function flattenTree(screens: readonly ScreenSummaryDto[]): TreeNode[] {
  const ids = new Set(screens.map((s) => s.id));
  const children = new Map<string | null, ScreenSummaryDto[]>();
  for (const s of screens) {
    const parent = s.parent_id && ids.has(s.parent_id) ? s.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: TreeNode[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number): void => {
    for (const s of [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
      if (seen.has(s.id)) continue;
      seen.add(s.id);
      out.push({ screen: s, depth });
      visit(s.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/** The path from the top of the tree down to a screen, for the breadcrumb. */
export function breadcrumb(screens: readonly ScreenSummaryDto[], id: string): ScreenSummaryDto[] {
  const byId = new Map(screens.map((s) => [s.id, s]));
  const path: ScreenSummaryDto[] = [];
  for (let at = byId.get(id); at && !path.includes(at); at = at.parent_id ? byId.get(at.parent_id) : undefined) path.unshift(at);
  return path;
}

/** Active alarms per screen from the live alarm list (the REST count is only a start value). */
export function alarmCounts(screens: readonly ScreenSummaryDto[], alarms: Iterable<AlarmDto>): Map<string, number> {
  const perTag = new Map<string, number>();
  for (const a of alarms) if (a.active && a.sensor_id) perTag.set(a.sensor_id, (perTag.get(a.sensor_id) ?? 0) + 1);
  return new Map(screens.map((s) => [s.id, s.tags.reduce((n, t) => n + (perTag.get(t) ?? 0), 0)]));
}
