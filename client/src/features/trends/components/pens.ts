import { MAX_TREND_PENS } from '@idm/contracts';
import { dateTime } from '../../../lib/format';

/** At most this many pens on one trend (more cannot be told apart). */
export const MAX_PENS = MAX_TREND_PENS;
/** Pen colours that stay apart on the grey background, also for colour-blind eyes (Okabe–Ito, then two greys-safe). */
export const PEN_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#8c564b'];

export interface PenPoint {
  t: number;
  v: number;
}

export const TREND_RANGES = [
  { key: '10m', label: '10 min', ms: 10 * 60_000 },
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { key: '24h', label: '24 h', ms: 86_400_000 },
  { key: '7d', label: '7 days', ms: 7 * 86_400_000 },
] as const;

/** What a trend link holds: the pens, the range (a preset relative to now, or fixed times) and the axes. */
export interface TrendView {
  pens: string[];
  range: string;
  from: number;
  to: number;
  axes: 'own' | 'shared';
}

/** Reads a trend from its link (`?pens=A,B&range=1h` or `&from=<iso>&to=<iso>`, `&axes=shared`). */
export function readTrendLink(params: URLSearchParams, now: number): TrendView {
  const pens = [...new Set((params.get('pens') ?? '').split(',').map((p) => p.trim()).filter(Boolean))].slice(0, MAX_PENS);
  const axes = params.get('axes') === 'shared' ? 'shared' : 'own';
  const from = Date.parse(params.get('from') ?? '');
  const to = Date.parse(params.get('to') ?? '');
  if (Number.isFinite(from) && Number.isFinite(to) && from < to) return { pens, range: 'custom', from, to, axes };
  const preset = TREND_RANGES.find((r) => r.key === params.get('range')) ?? TREND_RANGES[1];
  return { pens, range: preset.key, from: now - preset.ms, to: now, axes };
}

/** The link of a trend view (the inverse of readTrendLink). */
export function trendLinkParams(v: TrendView): URLSearchParams {
  const p = new URLSearchParams();
  if (v.pens.length) p.set('pens', v.pens.join(','));
  if (v.range === 'custom') {
    p.set('from', new Date(v.from).toISOString());
    p.set('to', new Date(v.to).toISOString());
  } else p.set('range', v.range);
  if (v.axes === 'shared') p.set('axes', 'shared');
  return p;
}

/** The pen's point nearest time `t`, if one lies within `maxGap` (else none: no data there). */
export function pointAt(points: readonly PenPoint[], t: number, maxGap: number): PenPoint | null {
  if (!points.length) return null;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  const cands = [points[lo], points[lo - 1]].filter(Boolean);
  const best = cands.reduce((a, b) => (Math.abs(b.t - t) < Math.abs(a.t - t) ? b : a));
  return Math.abs(best.t - t) <= maxGap ? best : null;
}

/** The pen's value at time `t` (see pointAt). */
export function valueAt(points: readonly PenPoint[], t: number, maxGap: number): number | null {
  return pointAt(points, t, maxGap)?.v ?? null;
}

/**
 * A pen's trend: the stored history, then the live samples that came after it (history wins where both
 * exist), within [from, to].
 */
export function mergeLive(history: readonly PenPoint[], live: readonly PenPoint[], from: number, to: number): PenPoint[] {
  const last = history.length ? history[history.length - 1].t : -Infinity;
  return [...history, ...live.filter((p) => p.t > last)].filter((p) => p.t >= from && p.t <= to);
}

/** Adds new live points to those held (by time, no repeats), keeping the newest `keep`. */
export function addLive(held: readonly PenPoint[], fresh: readonly PenPoint[], keep = 3000): PenPoint[] {
  const byT = new Map(held.map((p) => [p.t, p]));
  for (const p of fresh) if (Number.isFinite(p.v)) byT.set(p.t, p);
  return [...byT.values()].sort((a, b) => a.t - b.t).slice(-keep);
}

/**
 * A pen's name on screen: its tag's description ("Pressure 8 of PLC 03"), as operators know it; the tag id
 * when the tag has none or is not (yet) known. The id stays in the tooltip and the link.
 */
export function penName(id: string, tag: { description?: string | null } | undefined): string {
  return tag?.description?.trim() || id;
}

/** A CSV column name for each pen: its name and unit; the id is added where two pens share a name. */
export function penColumns(pens: readonly { id: string; name?: string; unit?: string }[]): string[] {
  const named = pens.map((p) => `${p.name ?? p.id}${p.unit ? ` (${p.unit})` : ''}`);
  return named.map((n, i) => (named.indexOf(n) !== named.lastIndexOf(n) && pens[i].name !== pens[i].id ? `${n} [${pens[i].id}]` : n));
}

/** Every pen's points as one table: a row per time any pen has a point, a column per pen (by name and unit). */
export function pensTable(pens: readonly { id: string; name?: string; unit?: string; points: readonly PenPoint[] }[]): { header: string[]; rows: (string | number | null)[][] } {
  const times = [...new Set(pens.flatMap((p) => p.points.map((x) => x.t)))].sort((a, b) => a - b);
  const byPen = pens.map((p) => new Map(p.points.map((x) => [x.t, x.v])));
  return {
    header: ['time_local', 'time_utc', ...penColumns(pens)],
    rows: times.map((t) => [dateTime(t), new Date(t).toISOString(), ...byPen.map((m) => m.get(t) ?? null)]),
  };
}
