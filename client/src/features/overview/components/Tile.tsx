import { memo, useMemo, useRef, type RefObject } from 'react';
import { Link } from 'react-router-dom';
import { isBoolTag, type AlarmDto } from '@idm/contracts';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { Sparkline } from '../../../components/ui/Sparkline';
import { useLiveValueNearScreen } from '../../../lib/live/LiveProvider';
import { analogPosition, analogScale, outsideLimits, shownValue, valueText, type AnalogScale, type TileSpec } from './tile-display';

const QUALITY_TEXT: Record<string, string> = { bad: 'BAD', comm_failure: 'COMM FAIL', stale: 'STALE' };

/** Alarm word by state: returned-to-normal but unacknowledged reads differently from still active. */
const ALARM_WORD: Partial<Record<AlarmDto['state'], string>> = { unack_active: 'UNACK', unack_rtn: 'RTN UNACK', ack_active: 'ALARM' };

/**
 * One tag: name, value with unit (fixed-width digits so nothing moves), an analog indicator, a sparkline
 * and its alarm state. Grey when normal; an alarm adds a priority bar, shape and word; bad or stale data
 * is hatched and labelled; a lost screen connection says NO LINK on every tile.
 */
export const Tile = memo(function Tile({ tag, alarm, linkDown = false }: { tag: TileSpec; alarm?: AlarmDto; linkDown?: boolean }) {
  const scale = useMemo(() => analogScale(tag), [tag]);
  // Far off screen (not rendered by the browser: content-visibility) a tile skips its re-render per sample,
  // most of the overview's script time; its live part is hidden until it is current again.
  const ref = useRef<HTMLAnchorElement>(null);
  // The link and name render once; only TileLive re-renders on each sample (Link's hooks are not free
  // when 2 000 tiles update every second).
  return (
    <Link ref={ref} to={`/sensors/${encodeURIComponent(tag.sensor_id)}`} className={`tile${alarm ? ` alarm-${alarm.priority}` : ''}`} data-sensor-id={tag.sensor_id} title={tag.description || tag.sensor_id}>
      <span className="tile-name">
        <strong>{tag.sensor_id}</strong>
        <span className="tile-desc">{tag.description}</span>
      </span>
      <TileLive tag={tag} alarm={alarm} scale={scale} linkDown={linkDown} tileRef={ref} />
    </Link>
  );
});

function TileLive({ tag, alarm, scale, linkDown, tileRef }: { tag: TileSpec; alarm?: AlarmDto; scale: AnalogScale | null; linkDown: boolean; tileRef: RefObject<HTMLAnchorElement | null> }) {
  const live = useLiveValueNearScreen(tag.sensor_id, tileRef);
  const badQuality = live && live.quality !== 'good' ? (QUALITY_TEXT[live.quality] ?? live.quality.toUpperCase()) : null;
  // Nothing on this screen is current while its own connection is down: that, not the data, is the news.
  const untrusted = linkDown ? 'NO LINK' : badQuality ?? (live?.stale ? 'STALE' : null);
  const text = valueText(live, tag);
  const shown = shownValue(live);
  const numeric = shown !== null && live?.quality !== 'bad' && Number.isFinite(shown) && !isBoolTag(tag);
  const cls = ['tile-live', live?.stale || linkDown ? 'stale' : '', badQuality ? 'bad' : '', linkDown ? 'no-link' : ''].filter(Boolean).join(' ');
  const word = alarm ? ALARM_WORD[alarm.state] : undefined;
  return (
    <span className={cls}>
      <span className="tile-row">
        {/* Long words or numbers shrink, then end in an ellipsis; the full text is in the title. */}
        <span className={`value${text.length > 9 ? ' longer' : text.length > 6 ? ' long' : ''}`} data-testid="tile-value" title={text.length > 6 ? text : undefined}>
          {text}
        </span>
        <span className="unit">{isBoolTag(tag) ? '' : tag.unit}</span>
      </span>
      {scale && <AnalogBar scale={scale} value={numeric ? shown : null} abnormal={numeric && outsideLimits(tag, shown)} />}
      <Sparkline values={live?.trend ?? []} />
      <span className="tile-state">
        {alarm && (
          <>
            <PriorityBadge priority={alarm.priority} unacked={alarm.state === 'unack_active'} />
            {!untrusted && word && <span className={`alarm-word alarm-${alarm.state}`}>{word}</span>}
          </>
        )}
        {untrusted && <span className="quality">{untrusted}</span>}
        {!live && !linkDown && <span className="muted">no data yet</span>}
      </span>
    </span>
  );
}

/**
 * ISA-101 analog indicator: a grey scale with limit marks and a pointer where the value sits; the pointer
 * takes a colour only when the value is beyond its limits. No pointer without a trustworthy number.
 * The marks render once per tag; a new value only moves the pointer, by a transform (no layout).
 */
function AnalogBar({ scale, value, abnormal }: { scale: AnalogScale; value: number | null; abnormal: boolean }) {
  const pos = value === null ? null : analogPosition(scale, value);
  return (
    <span className="analog" data-testid="analog" aria-hidden="true">
      <AnalogMarks scale={scale} />
      {pos && (
        <span className="track" style={{ transform: `translateX(${(pos.at * 100).toFixed(1)}%)` }}>
          <span className={`pointer${abnormal ? ' abnormal' : ''}${pos.past ? ` past-${pos.past}` : ''}`} data-at={pos.at.toFixed(3)} />
        </span>
      )}
    </span>
  );
}

const AnalogMarks = memo(function AnalogMarks({ scale }: { scale: AnalogScale }) {
  return (
    <>
      {scale.marks.map((m) => (
        <span key={m.kind} className={`mark mark-${m.kind}`} style={{ left: `${(m.at * 100).toFixed(1)}%` }} />
      ))}
    </>
  );
});
