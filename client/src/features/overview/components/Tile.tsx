import { memo } from 'react';
import { Link } from 'react-router-dom';
import type { AlarmDto } from '@idm/contracts';
import type { TileSpec } from './group-tags';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { Sparkline } from '../../../components/ui/Sparkline';
import { useLiveValue } from '../../../lib/live/LiveProvider';
import { isUnacked } from '../../../lib/live/alarm-state';
import { formatValue } from '../../../lib/format';

const QUALITY_TEXT: Record<string, string> = { bad: 'BAD', comm_failure: 'COMM FAIL', stale: 'STALE' };

/**
 * One tag: name, value with unit (fixed-width digits so nothing moves), a sparkline and its alarm
 * state. Grey when normal; an alarm adds a priority bar, shape and word; bad or stale data is hatched
 * and labelled.
 */
export const Tile = memo(function Tile({ tag, alarm }: { tag: TileSpec; alarm?: AlarmDto }) {
  // The link and name render once; only TileLive re-renders on each sample (Link's hooks are not free
  // when 2 000 tiles update every second).
  return (
    <Link to={`/sensors/${encodeURIComponent(tag.sensor_id)}`} className={`tile${alarm ? ` alarm-${alarm.priority}` : ''}`} data-sensor-id={tag.sensor_id} title={tag.description || tag.sensor_id}>
      <span className="tile-name">
        <strong>{tag.sensor_id}</strong>
        <span className="tile-desc">{tag.description}</span>
      </span>
      <TileLive tag={tag} alarm={alarm} />
    </Link>
  );
});

function TileLive({ tag, alarm }: { tag: TileSpec; alarm?: AlarmDto }) {
  const live = useLiveValue(tag.sensor_id);
  const badQuality = live && live.quality !== 'good' ? (QUALITY_TEXT[live.quality] ?? live.quality.toUpperCase()) : null;
  const cls = ['tile-live', live?.stale ? 'stale' : '', badQuality ? 'bad' : ''].filter(Boolean).join(' ');
  return (
    <span className={cls}>
      <span className="tile-row">
        <span className="value" data-testid="tile-value">
          {formatValue(live?.value)}
        </span>
        <span className="unit">{tag.unit}</span>
      </span>
      <Sparkline values={live?.trend ?? []} />
      <span className="tile-state">
        {alarm && (
          <>
            <PriorityBadge priority={alarm.priority} unacked={isUnacked(alarm)} />
            {!badQuality && !live?.stale && <span className="alarm-word">{isUnacked(alarm) ? 'UNACK' : 'ALARM'}</span>}
          </>
        )}
        {badQuality && <span className="quality">{badQuality}</span>}
        {!badQuality && live?.stale && <span className="quality">STALE</span>}
        {!live && <span className="muted">no data yet</span>}
      </span>
    </span>
  );
}
