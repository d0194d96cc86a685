import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { useAlarmState, useLiveValue, useWatchSamples } from '../../../lib/live/LiveProvider';
import { isUnacked, sortAlarms } from '../../../lib/live/alarm-state';
import { formatValue, clock } from '../../../lib/format';
import { useResource } from '../../../lib/use-resource';
import { useNow } from '../../../lib/use-now';
import { downloadFile } from '../../../lib/download';
import { anomalyHistoryPath, trendPath } from '../../../lib/routes';
import { toUiError } from '../../../lib/errors';
import { alarmLineText } from '../../../lib/alarm-text';
import { sourceName, sourceTitle, useAlarmSources } from '../../../lib/alarm-sources';
import { getEpisodes } from '../api/get-episodes';
import { getHistory } from '../api/get-history';
import { getTag } from '../api/get-tag';
import { shapeChart, type LivePoint } from './chart-data';
import { EpisodeList } from './EpisodeList';
import { TrendChart } from './TrendChart';
import { TimeRangeForm } from '../../../components/ui/DateTimeField';

const RANGES = [
  { key: 'live', label: 'Live 10 min', ms: 10 * 60_000 },
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { key: '24h', label: '24 h', ms: 86_400_000 },
  { key: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: '30 days', ms: 30 * 86_400_000 },
] as const;

type Range = { key: string; from: number; to: number };

/** About one bucket per 3–4 px of a wall-screen chart: enough to keep every spike, few enough to draw fast. */
const MAX_POINTS = 400;
const LIVE_KEEP = 3000;

export function SensorDetailPage() {
  const id = useParams().id ?? '';
  const tag = useResource(() => getTag(id), `tag:${id}`);
  const [range, setRange] = useState<Range>(() => ({ key: 'live', from: Date.now() - RANGES[0].ms, to: Date.now() }));
  const liveMode = range.key === 'live';
  // The live window slides with the clock; other ranges stay put.
  const now = useNow(1000, liveMode);
  const from = liveMode ? now - RANGES[0].ms : range.from;
  const to = liveMode ? now : range.to;

  useWatchSamples(useMemo(() => [id], [id]));
  const live = useLiveValue(id);
  // Starts from the recent values the overview already holds, then grows with every live sample.
  const [livePoints, setLivePoints] = useState<LivePoint[]>(() => (live ? live.trendAt.map((t, i) => ({ t, value: live.trend[i] })) : []));
  useEffect(() => {
    if (!live || live.stale) return;
    setLivePoints((pts) => {
      if (pts.length && pts[pts.length - 1].t >= live.at) return pts;
      const seed = pts.length ? [] : live.trendAt.slice(0, -1).map((t, i) => ({ t, value: live.trend[i] }));
      return [...pts.slice(-(LIVE_KEEP - 1)), ...seed, { t: live.at, value: live.value }];
    });
  }, [live]);

  const historyKey = `${id}|${range.key}|${range.from}|${range.to}`;
  const history = useResource(() => getHistory(id, range.from, range.to, MAX_POINTS), historyKey);
  const episodes = useResource(() => getEpisodes(id, range.from, range.to), historyKey, liveMode ? 15_000 : undefined);
  const model = useMemo(
    // A fixed range was picked at its end: an episode still going on is shaded to there.
    () => shapeChart({ from, to, now: liveMode ? now : to, buckets: history.data ?? [], live: livePoints, episodes: episodes.data ?? [], limits: tag.data?.limits }),
    [from, to, now, liveMode, history.data, livePoints, episodes.data, tag.data],
  );

  const alarms = useAlarmState();
  const mine = sortAlarms([...alarms.alarms.values()].filter((a) => a.sensor_id === id));

  const pick = (key: string, ms: number) => {
    const t = Date.now();
    setRange({ key, from: t - ms, to: t });
  };

  const t = tag.data;
  // The device as people know it (its name; the id in the tooltip), from the directory the alarm screens load.
  const sources = useAlarmSources();
  const device = t ? ({ source_type: 'device', source_id: t.device_id, sensor_id: null } as const) : null;
  const [exportError, setExportError] = useState<string | null>(null);
  return (
    <section className="panel" aria-labelledby="sensor-title">
      <div className="detail-head">
        <h2 id="sensor-title">
          {id} <span className="muted">{t?.description}</span>
        </h2>
        <span className="value" data-testid="detail-value">
          {formatValue(live?.value)} <span className="unit muted">{t?.unit}</span>
        </span>
        <span className="muted">
          {t && device && (
            <>
              {t.area} · <span title={sourceTitle(sources, device)}>{sourceName(sources, device)}</span>
            </>
          )}{' '}
          {live ? `· at ${clock(live.at)}` : ''}
          {live && live.quality !== 'good' && <strong className="quality"> · {live.quality.toUpperCase()}</strong>}
          {live?.stale && <strong className="quality"> · STALE</strong>}
        </span>
        {mine.length > 0 && (
          <span className="detail-alarms">
            {mine.map((a) => (
              <span key={a.id} className="tile-state">
                <PriorityBadge priority={a.priority} unacked={isUnacked(a)} /> <span title={a.message}>{alarmLineText(a)}</span> · {isUnacked(a) ? 'UNACK' : 'acked'}
              </span>
            ))}
          </span>
        )}
      </div>
      {tag.error && <p className="form-error">{tag.error.message}</p>}

      <div className="filters" role="group" aria-label="Time range">
        {RANGES.map((r) => (
          <button key={r.key} type="button" aria-pressed={range.key === r.key} className={range.key === r.key ? 'primary' : ''} onClick={() => pick(r.key, r.ms)}>
            {r.label}
          </button>
        ))}
        <TimeRangeForm key={`${range.key}|${range.from}|${range.to}`} from={range.from} to={range.to} onApply={(f, t) => setRange({ key: 'custom', from: f, to: t })} />
        <button
          type="button"
          title="Raw samples of the shown range (at most 31 days)"
          onClick={() =>
            void downloadFile(`/sensors/${encodeURIComponent(id)}/export.csv`, { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, `${id}.csv`).then(
              () => setExportError(null),
              (err) => setExportError(toUiError(err).message),
            )
          }
        >
          Export CSV
        </button>
        {range.key === 'zoom' && (
          <button type="button" onClick={() => pick('live', RANGES[0].ms)}>
            Reset zoom
          </button>
        )}
      </div>

      {exportError && <p className="form-error">{exportError}</p>}
      {history.error && history.error.status !== 404 && <p className="form-error">History could not be loaded: {history.error.message}</p>}
      {history.error?.status === 404 && <p className="muted">No stored history for this range yet; the live trend is shown.</p>}
      <TrendChart model={model} unit={t?.unit ?? ''} onZoom={(a, b) => setRange({ key: 'zoom', from: a, to: b })} />

      <p className="muted">
        {model.episodes.length ? `${model.episodes.length} anomaly episode(s) in this range.` : 'No anomaly episodes in this range.'}{' '}
        <Link to={anomalyHistoryPath(id)}>Anomaly history of {id}</Link> · <Link to={trendPath([id])}>Compare with other tags</Link>
      </p>
      <EpisodeList episodes={episodes.data ?? []} />
    </section>
  );
}
