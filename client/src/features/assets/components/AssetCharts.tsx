import { CartesianGrid, ComposedChart, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTimeTick, niceDomain, niceTicks, tickLabel, timeTicks } from '../../../lib/chart-scale';
import { dateTime, formatValue } from '../../../lib/format';
import { useRemPx } from '../../../lib/use-rem-px';
import type { TrendPoint } from '../api/get-sensor-trend';
import type { HealthModel } from './asset-chart';

const EPISODE = '#ef7d00';

export interface SensorTrend {
  id: string;
  unit: string;
  description: string;
  points: TrendPoint[];
  /** Share (percent) of the selected episode this sensor drove; null when it is not among the top ones. */
  share: number | null;
}

/**
 * The health statistic and the sensors' trends, stacked on one time axis: every chart has the same domain,
 * ticks, margins and axis width, so a moment sits at the same x in each, and the cursor moves in all at once
 * (`syncId`). Episodes are shaded across all of them.
 */
export function AssetCharts({ from, to, health, sensors, selectedEpisode }: { from: number; to: number; health: HealthModel; sensors: SensorTrend[]; selectedEpisode: string | null }) {
  const rem = useRemPx();
  const px = (r: number) => Math.round(r * rem);
  const { ticks, step } = timeTicks(from, to);
  const fmt = (t: number) => formatTimeTick(t, step, to - from);
  const margin = { top: px(0.6), right: px(4.5), bottom: px(0.2), left: px(0.5) };
  const yWidth = px(4.2);
  const xAxis = (show: boolean) => (
    <XAxis dataKey="t" type="number" domain={[from, to]} ticks={ticks} allowDataOverflow tickFormatter={fmt} stroke="#4f4f4f" fontSize={px(0.78)} hide={!show} />
  );
  const bands = health.episodes.map((e) => (
    <ReferenceArea key={e.id} x1={e.x1} x2={Math.max(e.x2, e.x1 + (to - from) / 300)} fill={EPISODE} fillOpacity={e.id === selectedEpisode ? 0.28 : 0.14} stroke={EPISODE} strokeOpacity={0.6} ifOverflow="hidden" />
  ));
  const axes = new Map(sensors.map((s) => [s.id, trendAxis(s.points)]));
  return (
    <div className="chart-box asset-charts" data-testid="asset-charts">
      <div className="asset-chart-title">
        <strong>Health statistic</strong> <span className="muted">(ratio to its limit, log scale; over 1 = abnormal)</span>
      </div>
      <ResponsiveContainer width="100%" height={px(12)}>
        <ComposedChart data={health.points} margin={margin} syncId="asset" syncMethod="value">
          <CartesianGrid stroke="#c4c4c4" vertical={false} />
          {xAxis(true)}
          <YAxis scale="log" domain={health.yDomain} allowDataOverflow ticks={logTicks(health.yDomain)} tickFormatter={(v: number) => formatValue(v)} stroke="#4f4f4f" fontSize={px(0.78)} width={yWidth} />
          {health.unscored.map((u) => (
            <ReferenceArea key={`u${u.x1}`} x1={u.x1} x2={u.x2} fill="#bdbdbd" fillOpacity={0.5} ifOverflow="hidden" label={{ value: u.state === 'training' ? 'learning' : 'sensor missing', position: 'insideTop', fill: '#333', fontSize: px(0.72) }} />
          ))}
          {bands}
          <ReferenceLine y={1} stroke="#222" strokeDasharray="8 4" label={{ value: 'limit', position: 'right', fill: '#222', fontSize: px(0.76) }} />
          <Line dataKey="ratio" stroke="#1f1f1f" strokeWidth={px(0.12)} dot={false} isAnimationActive={false} connectNulls={false} name="ratio to limit" />
          <Tooltip isAnimationActive={false} labelFormatter={(t) => dateTime(Number(t))} formatter={(v: unknown) => [`${formatValue(Number(v))} × limit`, 'health statistic']} />
        </ComposedChart>
      </ResponsiveContainer>
      {sensors.map((s) => (
        <div key={s.id} className={s.share !== null ? 'asset-sensor driving' : 'asset-sensor'} data-testid="asset-sensor" data-sensor-id={s.id}>
          <div className="asset-chart-title">
            <strong>{s.id}</strong> <span className="muted">{s.description}</span>
            {s.share !== null && <span className="contributor">▲ drives the episode: {s.share} %</span>}
          </div>
          <ResponsiveContainer width="100%" height={px(6)}>
            <ComposedChart data={s.points} margin={margin} syncId="asset" syncMethod="value">
              <CartesianGrid stroke="#d0d0d0" vertical={false} />
              {xAxis(false)}
              <YAxis domain={axes.get(s.id)!.domain} ticks={axes.get(s.id)!.ticks} allowDataOverflow tickFormatter={(v: number) => tickLabel(v, axes.get(s.id)!.ticks)} stroke="#4f4f4f" fontSize={px(0.72)} width={yWidth} label={{ value: s.unit, angle: -90, position: 'insideLeft', fill: '#4f4f4f', fontSize: px(0.72) }} />
              {bands}
              <Line dataKey="mean" stroke={s.share !== null ? '#000' : '#3a3a3a'} strokeWidth={px(s.share !== null ? 0.16 : 0.1)} dot={false} isAnimationActive={false} connectNulls={false} name={s.id} />
              <Tooltip isAnimationActive={false} labelFormatter={(t) => dateTime(Number(t))} formatter={(v: unknown) => [`${formatValue(Number(v))} ${s.unit}`, s.id]} />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      ))}
      <div className="legend">
        <span>
          <span className="sw" style={{ borderTop: '0.12rem dashed #222' }} /> limit
        </span>
        <span>
          <span className="sw" style={{ background: 'rgba(239,125,0,0.3)' }} /> multivariate episode
        </span>
        <span>
          <span className="sw" style={{ background: '#bdbdbd' }} /> not scored (learning, sensor missing)
        </span>
      </div>
    </div>
  );
}

function logTicks([lo, hi]: [number, number]): number[] {
  const out: number[] = [];
  for (let v = 10 ** Math.ceil(Math.log10(lo)); v <= hi; v *= 10) out.push(Number(v.toPrecision(1)));
  return out;
}

/** A sensor chart's value range and its round ticks (three intervals: the charts are short). */
function trendAxis(points: readonly TrendPoint[]): { domain: [number, number]; ticks: number[] | undefined } {
  const domain = trendDomain(points);
  return { domain, ticks: niceTicks(domain, 3) };
}

function trendDomain(points: readonly TrendPoint[]): [number, number] {
  const vs = points.map((p) => p.mean).filter((v): v is number => v !== null);
  if (!vs.length) return [0, 1];
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
  return niceDomain(lo - pad, hi + pad);
}
