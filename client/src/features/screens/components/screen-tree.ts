import { ALARM_PRIORITIES, type AlarmDto, type AlarmPriorityName, type ScreenSummaryDto } from '@idm/contracts';

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

/** A screen's active alarms and the most urgent one's priority (null when none). */
export interface ScreenAlarms {
  n: number;
  top: AlarmPriorityName | null;
}

/**
 * Active alarms per screen from the live alarm list (the REST count is only a start value): its tags' own
 * alarms, and a comm failure of a device one of its tags is read from (`deviceOf`: sensor → device; a screen
 * whose every value read COMM FAIL counted 0 before).
 */
export function alarmCounts(screens: readonly ScreenSummaryDto[], alarms: Iterable<AlarmDto>, deviceOf: ReadonlyMap<string, string> = new Map()): Map<string, ScreenAlarms> {
  const perTag = new Map<string, AlarmDto[]>();
  const perDevice = new Map<string, AlarmDto[]>();
  for (const a of alarms) {
    if (!a.active) continue;
    if (a.sensor_id) perTag.set(a.sensor_id, [...(perTag.get(a.sensor_id) ?? []), a]);
    else if (a.source_type === 'device') perDevice.set(a.source_id, [...(perDevice.get(a.source_id) ?? []), a]);
  }
  return new Map(
    screens.map((s) => {
      const devices = new Set(s.tags.map((t) => deviceOf.get(t)).filter((d): d is string => !!d));
      const shown = [...s.tags.flatMap((t) => perTag.get(t) ?? []), ...[...devices].flatMap((d) => perDevice.get(d) ?? [])];
      const rank = Math.min(...shown.map((a) => ALARM_PRIORITIES.indexOf(a.priority)));
      return [s.id, { n: shown.length, top: shown.length ? ALARM_PRIORITIES[rank] : null }];
    }),
  );
}
