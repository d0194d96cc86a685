import { useMemo } from 'react';
import { Link, NavLink, useParams } from 'react-router-dom';
import type { ScreenSummaryDto } from '@idm/contracts';
import { useAuth } from '../../../lib/auth';
import { useAlarmState } from '../../../lib/live/LiveProvider';
import { useResource } from '../../../lib/use-resource';
import { getScreen, listScreens } from '../api/screens';
import { alarmCounts, breadcrumb, flattenTree } from './screen-tree';
import { ScreenView } from './ScreenView';
import './screens.css';

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
        {!screens.loading && !list.length && <p className="muted">No screens yet.{can('admin') && ' Upload a drawing with “New screen”.'}</p>}
        <ScreenTree screens={list} />
        {can('admin') && <Link to="/graphics/new/edit">New screen</Link>}
      </nav>
      <div>{openId && <OpenScreen id={openId} screens={list} canEdit={can('admin')} />}</div>
    </section>
  );
}

function ScreenTree({ screens }: { screens: ScreenSummaryDto[] }) {
  const alarms = useAlarmState();
  const counts = useMemo(() => alarmCounts(screens, alarms.alarms.values()), [screens, alarms]);
  return (
    <ul>
      {flattenTree(screens).map(({ screen, depth }) => {
        const n = counts.get(screen.id) ?? 0;
        return (
          <li key={screen.id} style={{ paddingLeft: `${depth}rem` }}>
            <NavLink to={`/graphics/${encodeURIComponent(screen.id)}`} data-testid={`screen-link-${screen.id}`}>
              <span>{screen.name}</span>
              <span className={`alarm-count${n ? ' some' : ''}`} title={`${n} active alarm${n === 1 ? '' : 's'}`} data-testid="screen-alarm-count">
                {n}
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
