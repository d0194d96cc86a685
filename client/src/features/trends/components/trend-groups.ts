import type { TrendView } from './pens';

/** A named set of pens with its axes and range, saved by a user. */
export interface TrendGroup {
  name: string;
  pens: string[];
  axes: TrendView['axes'];
  range: string;
}

/**
 * Trend groups are kept per user in this browser's localStorage (`idm.trend-groups.<username>`); a group is
 * passed to others as its link.
 */
const key = (username: string) => `idm.trend-groups.${username}`;

export function loadGroups(username: string): TrendGroup[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(key(username)) ?? '[]');
    return Array.isArray(v) ? (v as TrendGroup[]).filter((g) => typeof g?.name === 'string' && Array.isArray(g.pens)) : [];
  } catch {
    return [];
  }
}

export function saveGroups(username: string, groups: TrendGroup[]): void {
  try {
    localStorage.setItem(key(username), JSON.stringify(groups));
  } catch {
    /* storage refused: the link still shares the trend */
  }
}

/** Adds or replaces (by name) a group; returns the new list, sorted by name. */
export function upsertGroup(groups: readonly TrendGroup[], g: TrendGroup): TrendGroup[] {
  return [...groups.filter((x) => x.name !== g.name), g].sort((a, b) => a.name.localeCompare(b.name));
}
