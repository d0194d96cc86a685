import { useRef, useState, type PointerEvent } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTimeTick, niceTicks, tickLabel, timeTicks } from '../../../lib/chart-scale';
import { dateTime, formatValue } from '../../../lib/format';
import { useRemPx } from '../../../lib/use-rem-px';
import type { ChartModel } from './chart-data';

const SEVERITY_FILL = { low: '#8e44ad', medium: '#e8c100', high: '#ef7d00', critical: '#d0021b' } as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/**
 * The trend: min/max band with the mean line, limit lines, anomaly episodes shaded; drag across the
 * chart to zoom into that time range. Sizes are in rem, so the chart grows with the screen like the rest.
 */
export function TrendChart({ model, unit, onZoom, heightRem = 24 }: { model: ChartModel; unit: string; onZoom(from: number, to: number): void; heightRem?: number }) {
  const [sel, setSel] = useState<{ a: number; b: number } | null>(null);
  /**
   * Whether the pointer or the keyboard focus is on the plot. Recharts showed the readout and dot of the first
   * point when the screen opened, with nothing over the chart: a live trend then read an old value beside its
   * cursor dot until the pointer passed over and left. The readout is for the pointer, so it shows only then.
   */
  const [engaged, setEngaged] = useState(false);
  const rem = useRemPx();
  const px = (r: number) => Math.round(r * rem);
  const yTicks = niceTicks(model.yDomain);
  const [d0, d1] = model.domain;
  // Round local times (10:00, 10:15...) rather than the range split in six.
  const { ticks, step } = timeTicks(d0, d1);
  const fmt = (t: number) => formatTimeTick(t, step, d1 - d0);
  const margin = { top: px(1.05), right: px(5.6), bottom: px(0.5), left: px(0.5) };
  const yAxisWidth = px(4.2);
  const plotRef = useRef<HTMLDivElement>(null);
  /**
   * The time under the pointer, from its position across the plot area. Read from the pointer itself rather
   * than from the chart's hovered point (Recharts' `activeLabel`), which is only known once the chart has
   * handled a mouse move: a press that came first, or one off the line, did not start a zoom.
   */
  const timeAt = (e: PointerEvent<HTMLDivElement>): number | null => {
    const box = plotRef.current?.getBoundingClientRect();
    if (!box) return null;
    const left = box.left + margin.left + yAxisWidth;
    const right = box.right - margin.right;
    if (right <= left || e.clientX < left || e.clientX > right) return null;
    return d0 + ((e.clientX - left) / (right - left)) * (d1 - d0);
  };
  const clampTime = (e: PointerEvent<HTMLDivElement>): number => {
    const box = plotRef.current!.getBoundingClientRect();
    const left = box.left + margin.left + yAxisWidth;
    const right = box.right - margin.right;
    const f = Math.min(1, Math.max(0, (e.clientX - left) / (right - left)));
    return d0 + f * (d1 - d0);
  };
  return (
    <div className="chart-box" data-testid="trend-chart">
      <div
        ref={plotRef}
        className="chart-plot"
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          const v = timeAt(e);
          if (v === null) return;
          e.currentTarget.setPointerCapture?.(e.pointerId);
          setSel({ a: v, b: v });
        }}
        onPointerMove={(e) => {
          if (!engaged) setEngaged(true);
          if (sel) setSel({ ...sel, b: clampTime(e) });
        }}
        onPointerUp={(e) => {
          if (!sel) return;
          const b = clampTime(e);
          if (Math.abs(b - sel.a) > 1000) onZoom(Math.min(sel.a, b), Math.max(sel.a, b));
          setSel(null);
        }}
        onPointerCancel={() => setSel(null)}
        // A move, not an enter: Chromium's first pointerover can come from inside the plot, and React then sends no enter.
        onMouseMove={() => !engaged && setEngaged(true)}
        onMouseLeave={() => setEngaged(false)}
        onPointerLeave={() => setEngaged(false)}
        onFocus={() => setEngaged(true)}
        onBlur={() => setEngaged(false)}
      >
      <ResponsiveContainer width="100%" height={px(heightRem)}>
        <ComposedChart data={model.points} margin={margin}>
          <CartesianGrid stroke="#c4c4c4" vertical={false} />
          <XAxis dataKey="t" type="number" domain={model.domain} ticks={ticks} allowDataOverflow tickFormatter={fmt} stroke="#4f4f4f" fontSize={px(0.82)} minTickGap={px(2.4)} />
          <YAxis domain={model.yDomain} ticks={yTicks} allowDataOverflow tickFormatter={(v: number) => tickLabel(v, yTicks)} stroke="#4f4f4f" fontSize={px(0.82)} width={yAxisWidth} label={{ value: unit, angle: -90, position: 'insideLeft', fill: '#4f4f4f' }} />
          {model.episodes.map((e) => (
            <ReferenceArea key={e.id} x1={e.x1} x2={Math.max(e.x2, e.x1 + (model.domain[1] - model.domain[0]) / 300)} fill={SEVERITY_FILL[e.severity]} fillOpacity={0.18} stroke={SEVERITY_FILL[e.severity]} strokeOpacity={0.6} ifOverflow="hidden" label={e.x2 - e.x1 > (model.domain[1] - model.domain[0]) * 0.04 || model.episodes.length <= 3 ? { value: `▲ ${e.label}`, position: 'insideTop', fill: '#222', fontSize: px(0.76) } : undefined} />
          ))}
          {model.limits.map((l) => (
            <ReferenceLine key={l.kind} y={l.y} stroke={l.kind.length === 4 ? '#555' : '#7a7a7a'} strokeDasharray={l.kind.length === 4 ? '8 4' : '4 4'} ifOverflow="extendDomain" label={{ value: l.label, position: 'right', fill: '#333', fontSize: px(0.76) }} />
          ))}
          <Area dataKey="band" stroke="none" fill="#9c9c9c" fillOpacity={0.55} activeDot={engaged} isAnimationActive={false} connectNulls={false} name="min–max" />
          <Line dataKey="mean" stroke="#1f1f1f" strokeWidth={px(0.12)} dot={false} activeDot={engaged} isAnimationActive={false} connectNulls={false} name="mean" />
          <Tooltip
            isAnimationActive={false}
            // Hidden rather than switched off: Recharts' own `active` prop, once false, kept the hover readout off.
            wrapperStyle={engaged ? undefined : { display: 'none' }}
            cursor={engaged}
            separator=": "
            labelFormatter={(t) => dateTime(Number(t))}
            formatter={(v: unknown, name: unknown) => (Array.isArray(v) ? [`${formatValue(v[0])} – ${formatValue(v[1])} ${unit}`, String(name)] : [`${formatValue(Number(v))} ${unit}`, String(name)])}
          />
          {sel && <ReferenceArea x1={Math.min(sel.a, sel.b)} x2={Math.max(sel.a, sel.b)} fill="#005fcc" fillOpacity={0.15} stroke="#005fcc" />}
        </ComposedChart>
      </ResponsiveContainer>
      </div>
      <div className="legend">
        <span>
          <span className="sw" style={{ background: '#9c9c9c' }} /> min–max
        </span>
        <span>
          <span className="sw" style={{ background: '#1f1f1f', height: '0.18rem' }} /> mean
        </span>
        <span>
          <span className="sw" style={{ borderTop: '0.12rem dashed #555' }} /> limits
        </span>
        {/* In the colour each episode is shaded in (by severity): one orange swatch matched none of a critical episode's red. */}
        {SEVERITIES.filter((sev) => model.episodes.some((e) => e.severity === sev)).map((sev) => (
          <span key={sev} data-severity={sev}>
            <span className="sw" style={{ background: SEVERITY_FILL[sev], opacity: 0.35 }} /> ▲ {sev} anomaly episode
          </span>
        ))}
        <span>Drag across the chart to zoom.</span>
      </div>
    </div>
  );
}
