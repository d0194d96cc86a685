import { useMemo } from 'react';
import { Link, NavLink, useParams } from 'react-router-dom';
import type { ScreenSummaryDto } from '@idm/contracts';
import { useAuth } from '../../../lib/auth';
import { useAlarmState } from '../../../lib/live/LiveProvider';
import { useResource } from '../../../lib/use-resource';
import { getTags } from '../../../lib/tags-api';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { getScreen, listScreens } from '../api/screens';
import { alarmCounts, breadcrumb, flattenTree } from './screen-tree';
import { ScreenView } from './ScreenView';
import './screens.css';

/** The admin's link to a new screen; the operator's empty state names it. */
const UPLOAD = 'Upload a screen';

/** Graphics: the navigation tree of screens (with live alarm counts) and the open screen, live. */
export function ScreensPage() {
  const { id } = useParams();
  const { can } = useAuth();
  const screens = useResource(listScreens, 'screens', 30_000);
  const list = screens.data ?? [];
  const openId = id ?? flattenTree(list)[0]?.screen.id;
  return (
    <section className="screen-layout">
      <nav className="panel screen-tree" aria-label="Screens">
        <h2>Graphics</h2>
        {screens.error && <p className="abnormal-text">{screens.error.message}</p>}
        {!screens.loading && !screens.error && !list.length && (
          <p className="muted">
            No screens yet.{' '}
            {can('admin') ? 'Upload an SVG drawing to make the first one and bind its shapes to tags.' : `An admin adds screens under Graphics → ${UPLOAD}.`}
          </p>
        )}
        <ScreenTree screens={list} />
        {can('admin') && <Link to="/graphics/new/edit">{UPLOAD}</Link>}
      </nav>
      <div>{openId && <OpenScreen id={openId} screens={list} canEdit={can('admin')} />}</div>
    </section>
  );
}

function ScreenTree({ screens }: { screens: ScreenSummaryDto[] }) {
  const alarms = useAlarmState();
  // Which device each tag is read from, so a device's comm failure counts on the screens showing its tags.
  const tags = useResource(getTags, 'tags', 60_000);
  const deviceOf = useMemo(() => new Map((tags.data ?? []).flatMap((t) => (t.device_id ? [[t.sensor_id, t.device_id] as const] : []))), [tags.data]);
  const counts = useMemo(() => alarmCounts(screens, alarms.alarms.values(), deviceOf), [screens, alarms, deviceOf]);
  return (
    <ul>
      {flattenTree(screens).map(({ screen, depth }) => {
        const { n, top } = counts.get(screen.id) ?? { n: 0, top: null };
        return (
          <li key={screen.id} style={{ paddingLeft: `${depth}rem` }}>
            <NavLink to={`/graphics/${encodeURIComponent(screen.id)}`} data-testid={`screen-link-${screen.id}`}>
              <span>{screen.name}</span>
              <span className="alarm-summary">
                {/* The most urgent priority by shape, colour and number; the count itself stays neutral (it was
                    orange, the High colour, whatever the priority). */}
                {top && <PriorityBadge priority={top} />}
                <span className={`alarm-count${n ? ' some' : ''}`} title={`${n} active alarm${n === 1 ? '' : 's'}`} data-testid="screen-alarm-count">
                  {n}
                </span>
              </span>
            </NavLink>
          </li>
        );
      })}
    </ul>
  );
}

function OpenScreen({ id, screens, canEdit }: { id: string; screens: ScreenSummaryDto[]; canEdit: boolean }) {
  const screen = useResource(() => getScreen(id), `screen:${id}`);
  const path = breadcrumb(screens, id);
  return (
    <article className="panel">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        {path.map((s, i) => (
          <span key={s.id}>
            {i > 0 && '› '}
            {i < path.length - 1 ? <Link to={`/graphics/${encodeURIComponent(s.id)}`}>{s.name}</Link> : <strong>{s.name}</strong>}
          </span>
        ))}
        {canEdit && (
          <Link to={`/graphics/${encodeURIComponent(id)}/edit`} className="push-right">
            Edit bindings
          </Link>
        )}
      </nav>
      {screen.error && <p className="abnormal-text">{screen.error.message}</p>}
      {screen.data && <ScreenView screen={screen.data} />}
    </article>
  );
}
