import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { AnomalyEpisode, AssetDto, AssetHealthHistoryDto, TagDto } from '@idm/contracts';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { assetStateText, getAssetHealthSummaries, getAssets } from '../../../lib/assets-api';
import { useAlarmState } from '../../../lib/live/LiveProvider';
import { isUnacked } from '../../../lib/live/alarm-state';
import { dateTime } from '../../../lib/format';
import { trendPath } from '../../../lib/routes';
import { getTags } from '../../../lib/tags-api';
import { useResource } from '../../../lib/use-resource';
import { getAssetEpisodes } from '../api/get-asset-episodes';
import { getAssetHealth } from '../api/get-asset-health';
import { getSensorTrend, type TrendPoint } from '../api/get-sensor-trend';
import { shapeHealth, topContributors } from './asset-chart';
import { AssetCharts } from './AssetCharts';

/** The health history is kept at most 24 h per request, so the view offers up to that. */
const RANGES = [
  { key: '10m', label: '10 min', ms: 600_000 },
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { key: '24h', label: '24 h', ms: 86_400_000 },
] as const;
const MAX_POINTS = 300;
const REFRESH_MS = 10_000;

interface AssetData {
  from: number;
  to: number;
  health: AssetHealthHistoryDto;
  episodes: AnomalyEpisode[];
  trends: Map<string, TrendPoint[]>;
}

async function loadAsset(asset: AssetDto, ms: number): Promise<AssetData> {
  const to = Date.now();
  const from = to - ms;
  const [health, episodes, ...trends] = await Promise.all([
    getAssetHealth(asset.id, from, to),
    getAssetEpisodes(asset.id, from, to),
    // A sensor without stored history yet (404) is drawn empty rather than failing the view.
    ...asset.sensor_ids.map((id) => getSensorTrend(id, from, to, MAX_POINTS).catch(() => [] as TrendPoint[])),
  ]);
  return { from, to, health, episodes, trends: new Map(asset.sensor_ids.map((id, i) => [id, trends[i]])) };
}

/**
 * The asset view: the asset's health statistic against its limit over time with its episodes shaded, its
 * sensors' trends below on the same time axis (so a move of the statistic lines up with the tags that made
 * it), and the episodes with the sensors that drove each.
 */
export function AssetPage() {
  const id = useParams().id ?? '';
  const assets = useResource(getAssets, 'assets');
  const asset = assets.data?.find((a) => a.id === id);
  const tags = useResource(getTags, 'tags');
  const summaries = useResource(getAssetHealthSummaries, 'asset-health', REFRESH_MS);
  const [rangeKey, setRangeKey] = useState<(typeof RANGES)[number]['key']>('10m');
  const ms = RANGES.find((r) => r.key === rangeKey)!.ms;
  const data = useResource(() => (asset ? loadAsset(asset, ms) : Promise.resolve(null)), `${asset ? JSON.stringify(asset) : ''}|${rangeKey}`, REFRESH_MS);
  const [picked, setPicked] = useState<string | null>(null);

  const d = data.data;
  const health = useMemo(() => (d ? shapeHealth(d.health.points, d.episodes, d.from, d.to, d.to, d.health.bucket_ms) : null), [d]);
  const episodes = useMemo(() => [...(d?.episodes ?? [])].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp)), [d]);
  const selected = episodes.find((e) => e.id === picked) ?? episodes[0] ?? null;
  const shares = useMemo(() => new Map(selected ? topContributors(selected).map((c) => [c.sensor_id, c.percent]) : []), [selected]);
  const tagById = useMemo(() => new Map((tags.data ?? []).map((t: TagDto) => [t.sensor_id, t])), [tags.data]);
  const summary = summaries.data?.find((s) => s.asset_id === id);
  const alarms = [...useAlarmState().alarms.values()].filter((a) => a.source_type === 'asset' && a.source_id === id && a.state !== 'normal');

  if (assets.error) return <p className="panel form-error">Assets could not be loaded: {assets.error.message}</p>;
  if (assets.loading && !assets.data) return <p className="panel muted">Loading the asset…</p>;
  if (!asset) return <p className="panel form-error">No asset "{id}".</p>;

  return (
    <section className="panel asset-view" aria-labelledby="asset-title">
      <div className="detail-head">
        <h2 id="asset-title">
          {asset.name} <span className="muted">{asset.id}</span>
        </h2>
        <span className={`asset-state asset-${summary?.state ?? 'unknown'}`} data-testid="asset-state" title={assetStateText(summary).title}>
          {assetStateText(summary).word}
        </span>
        <span className="muted">
          {asset.area ?? 'No area'} · {asset.sensor_ids.length} sensors
        </span>
        {alarms.map((a) => (
          <span key={a.id} className="tile-state">
            <PriorityBadge priority={a.priority} unacked={isUnacked(a)} /> {a.message} · {isUnacked(a) ? 'UNACK' : 'acked'}
          </span>
        ))}
      </div>

      <div className="filters" role="group" aria-label="Time range">
        {RANGES.map((r) => (
          <button key={r.key} type="button" aria-pressed={rangeKey === r.key} className={rangeKey === r.key ? 'primary' : ''} onClick={() => setRangeKey(r.key)}>
            {r.label}
          </button>
        ))}
        <Link to={trendPath(asset.sensor_ids)}>Open the sensors in Trends</Link>
      </div>

      {data.error && <p className="form-error">The asset's history could not be loaded: {data.error.message}</p>}
      {d && health && (
        <AssetCharts
          from={d.from}
          to={d.to}
          health={health}
          selectedEpisode={selected?.id ?? null}
          sensors={asset.sensor_ids.map((sid) => ({ id: sid, unit: tagById.get(sid)?.unit ?? '', description: tagById.get(sid)?.description ?? '', points: d.trends.get(sid) ?? [], share: shares.get(sid) ?? null }))}
        />
      )}

      <h3>Episodes in this range</h3>
      {episodes.length === 0 ? (
        <p className="muted">No multivariate episodes in this range.</p>
      ) : (
        <table className="asset-episodes" aria-label="Asset episodes">
          <thead>
            <tr>
              <th>Start</th>
              <th>End</th>
              <th>Peak</th>
              <th>Sensors driving it</th>
            </tr>
          </thead>
          <tbody>
            {episodes.map((e) => (
              <tr key={e.id} aria-selected={e.id === selected?.id} className={e.id === selected?.id ? 'selected' : ''} onClick={() => setPicked(e.id)}>
                <td>{dateTime(e.timestamp)}</td>
                <td>{e.active ? 'going on' : dateTime(e.end_timestamp)}</td>
                <td>
                  {e.severity} · {e.evidence.statistic !== null ? `${e.evidence.statistic.toFixed(1)}× limit` : ''}
                </td>
                <td>
                  {topContributors(e).map((c) => (
                    <span key={c.sensor_id} className="contributor" data-testid="contributor">
                      {c.sensor_id} {c.percent} %
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
