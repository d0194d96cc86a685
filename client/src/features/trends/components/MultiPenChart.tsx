import { useRef, useState, type PointerEvent } from 'react';
import { CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { formatTimeTick, niceDomain, niceTicks, tickLabel, timeTicks } from '../../../lib/chart-scale';
import { dateTime, formatValue } from '../../../lib/format';
import { useRemPx } from '../../../lib/use-rem-px';
import { pointAt, type PenPoint } from './pens';

export interface Pen {
  id: string;
  /** The tag's name as operators know it (see penName); the id is its tooltip. */
  name: string;
  unit: string;
  color: string;
  points: PenPoint[];
}

/** A value axis over the points: a round range and its ticks on round numbers. */
function yScale(points: readonly PenPoint[]): { domain: [number, number]; ticks?: number[] } {
  if (!points.length) return { domain: [0, 1] };
  let lo = Math.min(...points.map((p) => p.v));
  let hi = Math.max(...points.map((p) => p.v));
  if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  const domain = niceDomain(lo - pad, hi + pad);
  return { domain, ticks: niceTicks(domain) };
}

/** The usual spacing of a pen's points: the cursor reads a value no further than this from a point. */
function spacing(points: readonly PenPoint[]): number {
  const steps = points.slice(1).map((p, i) => p.t - points[i].t).sort((a, b) => a - b);
  return steps.length ? steps[Math.floor(steps.length / 2)] : Infinity;
}

/**
 * Up to 8 pens overlaid, each on its own value axis (in its colour) or all on one shared axis. Moving the
 * pointer over the plot sets a cursor; the readout lists every pen's value there. Dragging zooms.
 */
export function MultiPenChart({ pens, domain, axes, onZoom }: { pens: Pen[]; domain: [number, number]; axes: 'own' | 'shared'; onZoom(from: number, to: number): void }) {
  const rem = useRemPx();
  const px = (r: number) => Math.round(r * rem);
  const [d0, d1] = domain;
  const { ticks, step } = timeTicks(d0, d1);
  const [cursor, setCursor] = useState<number | null>(null);
  const [sel, setSel] = useState<{ a: number; b: number } | null>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const axisW = px(3.6);
  const own = axes === 'own';
  const left = own ? pens.filter((_, i) => i % 2 === 0).length : 1;
  const right = own ? pens.length - left : 0;
  const margin = { top: px(0.8), right: px(0.8), bottom: px(0.5), left: px(0.5) };
  const shared = yScale(pens.flatMap((p) => p.points));

  /** The time under the pointer, from its position across the plot area (between the value axes). */
  const timeAt = (e: PointerEvent<HTMLDivElement>, clamp: boolean): number | null => {
    const box = plotRef.current?.getBoundingClientRect();
    if (!box) return null;
    const x0 = box.left + margin.left + left * axisW;
    const x1 = box.right - margin.right - right * axisW;
    if (x1 <= x0) return null;
    let f = (e.clientX - x0) / (x1 - x0);
    if (!clamp && (f < 0 || f > 1)) return null;
    f = Math.min(1, Math.max(0, f));
    return d0 + f * (d1 - d0);
  };

  return (
    <div className="chart-box" data-testid="multi-pen-chart" data-from={d0} data-to={d1}>
      <div
        ref={plotRef}
        className="chart-plot"
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          const t = timeAt(e, false);
          if (t === null) return;
          e.currentTarget.setPointerCapture?.(e.pointerId);
          setSel({ a: t, b: t });
        }}
        onPointerMove={(e) => {
          const t = timeAt(e, !!sel);
          if (sel && t !== null) setSel({ ...sel, b: t });
          if (t !== null) setCursor(t);
        }}
        onPointerUp={(e) => {
          if (!sel) return;
          const b = timeAt(e, true) ?? sel.b;
          if (Math.abs(b - sel.a) > 1000) onZoom(Math.min(sel.a, b), Math.max(sel.a, b));
          setSel(null);
        }}
        onPointerCancel={() => setSel(null)}
      >
        <ResponsiveContainer width="100%" height={px(24)}>
          <ComposedChart margin={margin}>
            <CartesianGrid stroke="#c4c4c4" vertical={false} yAxisId={own ? pens[0]?.id ?? 'shared' : 'shared'} />
            <XAxis dataKey="t" type="number" domain={domain} ticks={ticks} allowDataOverflow tickFormatter={(t: number) => formatTimeTick(t, step, d1 - d0)} stroke="#4f4f4f" fontSize={px(0.82)} />
            {own ? (
              pens.map((p, i) => {
                const y = yScale(p.points);
                return <YAxis key={p.id} yAxisId={p.id} orientation={i % 2 === 0 ? 'left' : 'right'} domain={y.domain} ticks={y.ticks} allowDataOverflow width={axisW} stroke={p.color} tickFormatter={(v: number) => tickLabel(v, y.ticks)} fontSize={px(0.76)} />;
              })
            ) : (
              <YAxis yAxisId="shared" domain={shared.domain} ticks={shared.ticks} allowDataOverflow width={axisW} stroke="#4f4f4f" tickFormatter={(v: number) => tickLabel(v, shared.ticks)} fontSize={px(0.82)} />
            )}
            {pens.map((p) => (
              <Line key={p.id} data={p.points} dataKey="v" name={p.name} yAxisId={own ? p.id : 'shared'} stroke={p.color} strokeWidth={px(0.12)} dot={false} isAnimationActive={false} connectNulls={false} />
            ))}
            {cursor !== null && <ReferenceLine x={cursor} yAxisId={own ? pens[0]?.id ?? 'shared' : 'shared'} stroke="#222" strokeDasharray="3 3" />}
            {sel && <ReferenceArea x1={Math.min(sel.a, sel.b)} x2={Math.max(sel.a, sel.b)} yAxisId={own ? pens[0]?.id ?? 'shared' : 'shared'} fill="#005fcc" fillOpacity={0.15} stroke="#005fcc" />}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <table className="grid pen-readout" data-testid="cursor-readout" data-cursor={cursor ?? ''}>
        <caption>
          Cursor <span data-testid="cursor-time">{cursor === null ? '— (move over the chart)' : dateTime(cursor)}</span>
        </caption>
        <tbody>
          {pens.map((p) => {
            const at = cursor === null ? null : pointAt(p.points, cursor, spacing(p.points) * 1.5);
            const v = at?.v ?? null;
            return (
              <tr key={p.id} data-pen={p.id}>
                <td title={p.id} data-testid="pen-name">
                  <span className="sw" style={{ background: p.color }} /> {p.name}
                </td>
                <td className="num" data-testid="pen-value" data-value={v ?? ''} data-at={at?.t ?? ''}>
                  {formatValue(v)}
                </td>
                <td>{p.unit}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
