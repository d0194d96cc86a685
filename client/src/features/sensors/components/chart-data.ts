import { niceDomain } from '../../../lib/chart-scale';
import { codeWords } from '../../../lib/format';

export { niceDomain };
import type { AnomalyEpisode, AnomalySeverity, TagLimits } from '@idm/contracts';

/** One bucket of history as the chart needs it: the spread (min..max) and the mean over [t, t + width). */
export interface Bucket {
  /** Epoch ms of the bucket start. */
  t: number;
  min: number;
  max: number;
  mean: number;
}

export interface LivePoint {
  t: number;
  value: number;
}

/** A point of the chart; null fields break the line and band (no data there). */
export interface ChartPoint {
  t: number;
  band: [number, number] | null;
  mean: number | null;
}

export interface EpisodeMark {
  id: string;
  x1: number;
  x2: number;
  severity: AnomalySeverity;
  label: string;
  open: boolean;
  /** Still going on: drawn up to the live edge. */
  active: boolean;
}

export interface LimitLine {
  y: number;
  kind: 'lolo' | 'lo' | 'hi' | 'hihi';
  label: string;
}

export interface ChartModel {
  points: ChartPoint[];
  episodes: EpisodeMark[];
  limits: LimitLine[];
  domain: [number, number];
  yDomain: [number, number];
}

const LIMIT_LABEL = { lolo: 'LL', lo: 'L', hi: 'H', hihi: 'HH' } as const;

/**
 * Turns history buckets, live samples, anomaly episodes and limits into what the trend draws, for the
 * range [from, to]:
 * - buckets and live samples merged in time order; live samples only after the last bucket (history
 *   wins where both exist) and duplicates dropped;
 * - a gap longer than 3× the usual spacing breaks the line instead of drawing a straight bridge over
 *   missing data;
 * - episodes drawn from their first to their last anomalous sample, clipped to the range; one still going
 *   on (`active`) up to `now` (the live edge: its stored end trails the live value);
 * - the value axis widened to show every limit line, with 5 % padding.
 */
export function shapeChart(input: {
  from: number;
  to: number;
  buckets: readonly Bucket[];
  live?: readonly LivePoint[];
  episodes?: readonly AnomalyEpisode[];
  limits?: TagLimits;
  /** The wall clock (default: the end of the range). */
  now?: number;
}): ChartModel {
  const { from, to } = input;
  const inRange = (t: number) => t >= from && t <= to;
  const rows: { t: number; min: number; max: number; mean: number }[] = input.buckets
    .filter((b) => inRange(b.t) && [b.min, b.max, b.mean].every(Number.isFinite))
    .map((b) => ({ t: b.t, min: Math.min(b.min, b.max), max: Math.max(b.min, b.max), mean: b.mean }))
    .sort((a, b) => a.t - b.t);
  const lastHistory = rows.length ? rows[rows.length - 1].t : -Infinity;
  const seen = new Set(rows.map((r) => r.t));
  for (const p of input.live ?? []) {
    if (!inRange(p.t) || p.t <= lastHistory || seen.has(p.t) || !Number.isFinite(p.value)) continue;
    seen.add(p.t);
    rows.push({ t: p.t, min: p.value, max: p.value, mean: p.value });
  }
  rows.sort((a, b) => a.t - b.t);

  const steps = rows.slice(1).map((r, i) => r.t - rows[i].t).sort((a, b) => a - b);
  const usual = steps.length ? steps[Math.floor(steps.length / 2)] : 0;
  const points: ChartPoint[] = [];
  rows.forEach((r, i) => {
    if (i > 0 && usual > 0 && r.t - rows[i - 1].t > 3 * usual) points.push({ t: rows[i - 1].t + usual, band: null, mean: null });
    points.push({ t: r.t, band: [r.min, r.max], mean: r.mean });
  });

  const episodes: EpisodeMark[] = [];
  for (const e of input.episodes ?? []) {
    // An episode spans its first to its last anomalous sample; `resolved` only says the operator side is
    // done (its alarm returned to normal and was acknowledged), so it does not move the end.
    const start = Date.parse(e.timestamp);
    const stored = Number.isFinite(Date.parse(e.end_timestamp)) ? Date.parse(e.end_timestamp) : start;
    const end = e.active ? Math.max(stored, Math.min(input.now ?? to, to)) : stored;
    if (!Number.isFinite(start) || end < from || start > to) continue;
    episodes.push({ id: e.id, x1: Math.max(start, from), x2: Math.min(Math.max(end, start), to), severity: e.severity, label: codeWords(e.anomaly_type), open: !e.resolved, active: e.active });
  }

  const limits: LimitLine[] = [];
  for (const kind of ['hihi', 'hi', 'lo', 'lolo'] as const) {
    const y = input.limits?.[kind];
    if (typeof y === 'number' && Number.isFinite(y)) limits.push({ y, kind, label: `${LIMIT_LABEL[kind]} ${y}` });
  }

  const ys = [...rows.flatMap((r) => [r.min, r.max]), ...limits.map((l) => l.y)];
  let lo = ys.length ? Math.min(...ys) : 0;
  let hi = ys.length ? Math.max(...ys) : 1;
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  return { points, episodes, limits, domain: [from, to], yDomain: niceDomain(lo - pad, hi + pad) };
}
