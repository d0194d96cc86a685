import type { AnomalyEpisode, AssetHealthPointDto } from '@idm/contracts';

/** Lowest ratio drawn on the health chart's log axis (quieter still is drawn there): 1/20 of the limit. */
export const RATIO_FLOOR = 0.05;

export interface EpisodeBand {
  id: string;
  x1: number;
  x2: number;
  active: boolean;
}

export interface HealthModel {
  points: { t: number; ratio: number | null }[];
  /** Log-axis domain: from RATIO_FLOOR to a round power of ten at or above the highest ratio (at least 10). */
  yDomain: [number, number];
  episodes: EpisodeBand[];
  /** Stretches without a score (learning, or a sensor missing), to say so on the chart. */
  unscored: { x1: number; x2: number; state: 'training' | 'missing' }[];
}

/**
 * What the health chart draws: the ratio to the limit per bucket (floored for the log axis; a gap where
 * nothing was scored), the episodes as bands from their first to their last anomalous moment (one still going
 * on runs to `now`), clipped to [from, to].
 */
export function shapeHealth(points: readonly AssetHealthPointDto[], episodes: readonly AnomalyEpisode[], from: number, to: number, now: number, bucketMs: number): HealthModel {
  const shaped = points.map((p) => ({ t: p.t, ratio: p.ratio === null ? null : Math.max(RATIO_FLOOR, p.ratio) }));
  const max = Math.max(1, ...shaped.map((p) => p.ratio ?? 0));
  const top = Math.max(10, 10 ** Math.ceil(Math.log10(max)));
  const unscored: HealthModel['unscored'] = [];
  for (const p of points) {
    if (p.state === 'scored') continue;
    const last = unscored[unscored.length - 1];
    if (last && last.state === p.state && p.t <= last.x2) last.x2 = p.t + bucketMs;
    else unscored.push({ x1: p.t, x2: p.t + bucketMs, state: p.state });
  }
  return { points: shaped, yDomain: [RATIO_FLOOR, top], episodes: episodeBands(episodes, from, to, now), unscored };
}

export function episodeBands(episodes: readonly AnomalyEpisode[], from: number, to: number, now: number): EpisodeBand[] {
  const out: EpisodeBand[] = [];
  for (const e of episodes) {
    const start = Date.parse(e.timestamp);
    const end = e.active ? now : Date.parse(e.end_timestamp);
    if (end < from || start > to) continue;
    out.push({ id: e.id, x1: Math.max(start, from), x2: Math.min(Math.max(end, start), to), active: e.active });
  }
  return out;
}

/** The sensors driving an episode, largest share first, as the operator reads them ("P01-PT-002 62 %"). */
export function topContributors(e: AnomalyEpisode): { sensor_id: string; percent: number }[] {
  return [...(e.evidence.contributions ?? [])].sort((a, b) => b.share - a.share).map((c) => ({ sensor_id: c.sensor_id, percent: Math.round(c.share * 100) }));
}
