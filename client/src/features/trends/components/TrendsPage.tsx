import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useLiveValue, useWatchSamples } from '../../../lib/live/LiveProvider';
import { useNow } from '../../../lib/use-now';
import { saveText, toCsv } from '../../../lib/csv';
import { getTags } from '../../../lib/tags-api';
import { useResource } from '../../../lib/use-resource';
import { getPenHistory } from '../api/get-pen-history';
import { MultiPenChart, type Pen } from './MultiPenChart';
import { addLive, MAX_PENS, mergeLive, PEN_COLORS, penName, pensTable, readTrendLink, TREND_RANGES, trendLinkParams, type PenPoint, type TrendView } from './pens';
import { getTrendGroups, putTrendGroups, upsertGroup } from '../api/trend-groups';
import type { TrendGroupDto, TrendRangeKey } from '@idm/contracts';
import { toUiError } from '../../../lib/errors';
import { TimeRangeForm } from '../../../components/ui/DateTimeField';

const MAX_POINTS = 400;

/** Feeds one pen's live samples (the sparkline's recent values first) to the page. */
function PenFeed({ id, onPoints }: { id: string; onPoints(id: string, points: PenPoint[]): void }) {
  const live = useLiveValue(id);
  useEffect(() => {
    if (live && !live.stale) onPoints(id, live.trendAt.map((t, i) => ({ t, v: live.trend[i] })));
  }, [id, live, onPoints]);
  return null;
}

/**
 * Multi-pen trends: up to 8 tags overlaid on their own or a shared value axis, a cursor readout of every
 * pen, drag to zoom, CSV export; the view lives in the address (a link to share) and can be saved as a
 * named group (kept on the server, per user).
 */
export function TrendsPage() {
  const [params, setParams] = useSearchParams();
  // A preset range (the link says `range=1h`) counts back from when it was opened or picked.
  const [openedAt, setOpenedAt] = useState(() => Date.now());
  const view = useMemo(() => readTrendLink(params, openedAt), [params, openedAt]);
  // Changes build on the last one asked for, not on the last render: two picks in quick succession (before
  // the address has re-rendered the page) must both land, not the second overwrite the first.
  const asked = useRef<TrendView | null>(null);
  useEffect(() => {
    asked.current = null;
  }, [view]);
  const show = (next: Partial<TrendView> | ((current: TrendView) => Partial<TrendView>)) => {
    const current = asked.current ?? view;
    const v = { ...current, ...(typeof next === 'function' ? next(current) : next) };
    asked.current = v;
    setParams(trendLinkParams(v));
  };
  const tags = useResource(getTags, 'tags');
  const saved = useResource(getTrendGroups, 'trend-groups');
  const [changed, setChanged] = useState<TrendGroupDto[] | null>(null);
  const groups = changed ?? saved.data ?? [];
  const [groupError, setGroupError] = useState<string | null>(null);
  const [groupName, setGroupName] = useState('');
  const [copied, setCopied] = useState(false);

  const key = `${view.pens.join(',')}|${view.from}|${view.to}`;
  const series = useResource(() => Promise.all(view.pens.map((id) => getPenHistory(id, view.from, view.to, MAX_POINTS).catch(() => []))), key);
  // A preset range slides with the clock and grows with live samples; a zoomed (custom) one stays put.
  const sliding = view.range !== 'custom';
  const now = useNow(1000, sliding);
  const span = view.to - view.from;
  const domain: [number, number] = sliding ? [now - span, now] : [view.from, view.to];
  useWatchSamples(view.pens);
  const [live, setLive] = useState<Record<string, PenPoint[]>>({});
  const onPoints = useCallback((id: string, pts: PenPoint[]) => setLive((held) => ({ ...held, [id]: addLive(held[id] ?? [], pts) })), []);
  const tagOf = (id: string) => tags.data?.find((t) => t.sensor_id === id);
  const pens: Pen[] = view.pens.map((id, i) => ({
    id,
    name: penName(id, tagOf(id)),
    unit: tagOf(id)?.unit ?? '',
    color: PEN_COLORS[i % PEN_COLORS.length],
    points: mergeLive(series.data?.[i] ?? [], sliding ? (live[id] ?? []) : [], domain[0], domain[1]),
  }));
  const free = (tags.data ?? []).filter((t) => !view.pens.includes(t.sensor_id));

  const pick = (range: string) => {
    const r = TREND_RANGES.find((x) => x.key === range)!;
    const t = Date.now();
    setOpenedAt(t);
    show({ range, from: t - r.ms, to: t });
  };
  const link = `${window.location.origin}${window.location.pathname}#/trends?${trendLinkParams(view).toString()}`;
  const saveGroup = async () => {
    const name = groupName.trim();
    if (!name || !view.pens.length) return;
    setGroupError(null);
    try {
      setChanged(await putTrendGroups(upsertGroup(groups, { name, pens: view.pens, axes: view.axes, range: (view.range === 'custom' ? '1h' : view.range) as TrendRangeKey })));
      setGroupName('');
    } catch (err) {
      setGroupError(toUiError(err).message);
    }
  };

  return (
    <section className="panel trends" aria-labelledby="trends-title">
      <div className="panel-head">
        <h2 id="trends-title">Trends</h2>
        <button type="button" disabled={!pens.length} onClick={() => { const t = pensTable(pens); saveText(toCsv(t.header, t.rows), `trend_${new Date(view.from).toISOString().slice(0, 16).replace(/[-:]/g, '')}.csv`); }}>
          Export CSV
        </button>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => setCopied(false))}>
          Copy link
        </button>
        {copied && <span className="muted">Link copied.</span>}
      </div>
      <div className="filters" role="group" aria-label="Pens">
        {pens.map((p) => (
          <span key={p.id} className="pen-chip" data-pen={p.id} title={p.id}>
            <span className="sw" style={{ background: p.color }} /> {p.name}
            {p.unit && <span className="muted"> ({p.unit})</span>}
            <button type="button" aria-label={`Remove ${p.name}`} onClick={() => show((v) => ({ pens: v.pens.filter((x) => x !== p.id) }))}>
              ×
            </button>
          </span>
        ))}
        <label>
          Add pen
          <select value="" disabled={view.pens.length >= MAX_PENS} onChange={(e) => { const id = e.target.value; if (id) show((v) => ({ pens: v.pens.includes(id) ? v.pens : [...v.pens, id].slice(0, MAX_PENS) })); }}>
            <option value="">{view.pens.length >= MAX_PENS ? `at most ${MAX_PENS} pens` : 'choose a tag…'}</option>
            {free.map((t) => (
              <option key={t.sensor_id} value={t.sensor_id}>
                {penName(t.sensor_id, t)}{t.description ? ` (${t.sensor_id})` : ''} · {t.area}
              </option>
            ))}
          </select>
        </label>
        <label>
          Axes
          <select value={view.axes} onChange={(e) => show({ axes: e.target.value as TrendView['axes'] })}>
            <option value="own">one per pen</option>
            <option value="shared">shared</option>
          </select>
        </label>
      </div>
      <div className="filters" role="group" aria-label="Time range">
        {TREND_RANGES.map((r) => (
          <button key={r.key} type="button" aria-pressed={view.range === r.key} className={view.range === r.key ? 'primary' : ''} onClick={() => pick(r.key)}>
            {r.label}
          </button>
        ))}
        {view.range === 'custom' && (
          <button type="button" onClick={() => pick('1h')}>
            Reset zoom
          </button>
        )}
        <TimeRangeForm key={`${view.range}|${view.from}|${view.to}`} from={view.from} to={view.to} onApply={(from, to) => show({ range: 'custom', from, to })} />
      </div>
      <div className="filters" role="group" aria-label="Trend groups">
        <label>
          Saved groups
          <select value="" onChange={(e) => { const g = groups.find((x) => x.name === e.target.value); if (g) { const r = TREND_RANGES.find((x) => x.key === g.range) ?? TREND_RANGES[1]; const t = Date.now(); setOpenedAt(t); show({ pens: g.pens, axes: g.axes, range: r.key, from: t - r.ms, to: t }); } }}>
            <option value="">{groups.length ? 'open…' : 'none yet'}</option>
            {groups.map((g) => (
              <option key={g.name} value={g.name}>
                {g.name} ({g.pens.length} pens)
              </option>
            ))}
          </select>
        </label>
        <label>
          Name <input value={groupName} onChange={(e) => setGroupName(e.target.value)} size={14} maxLength={60} />
        </label>
        <button type="button" disabled={!groupName.trim() || !view.pens.length} onClick={() => void saveGroup()}>
          Save group
        </button>
        {groupError && <span className="form-error">{groupError}</span>}
      </div>
      {view.pens.map((id) => (
        <PenFeed key={id} id={id} onPoints={onPoints} />
      ))}
      {series.error && <p className="form-error">{series.error.message}</p>}
      {pens.length ? (
        <MultiPenChart pens={pens} domain={domain} axes={view.axes} onZoom={(from, to) => show({ range: 'custom', from, to })} />
      ) : (
        <p className="muted">
          {tags.data?.length === 0
            ? 'No tags to trend yet: an admin imports a device file under Devices.'
            : `No pens yet: choose a tag under Add pen (up to ${MAX_PENS}, compared on one time axis)${groups.length ? ', or open one of your saved groups' : ''}.`}
        </p>
      )}
    </section>
  );
}
