import { Suspense, useCallback, useEffect, useRef } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router-dom';
import { highestRole } from '@idm/contracts';
import { useAuth } from '../lib/auth';
import { isKiosk } from '../lib/kiosk';
import { useDateTimeVersion, useUserSettingsSync } from '../lib/user-settings';
import { LiveProvider } from '../lib/live/LiveProvider';
import { AlarmSourcesProvider } from '../lib/alarm-sources';
import { AlarmBanner } from '../features/alarms/components/AlarmBanner';
import { useAlarmActions } from '../features/alarms/hooks/use-alarm-actions';
import { ConnectionIndicator } from './ConnectionIndicator';

/** The signed-in frame: top bar and the alarm banner (on every screen, fixed at the top), then the routed screen. */
export function Shell() {
  const { user, signOut } = useAuth();
  const location = useLocation();
  const head = useStickyHeadHeight();
  const actions = useAlarmActions();
  useUserSettingsSync(user?.id);
  // A new date-time format re-renders every screen (memoised rows and tiles included).
  const dateTimeVersion = useDateTimeVersion();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  // A wall screen (kiosk mode) shows the overview and the alarms only: no way to wander off or sign out.
  const kiosk = isKiosk();
  if (kiosk && location.pathname !== '/overview') return <Navigate to="/overview" replace />;
  return (
    <LiveProvider>
      {/* Device and asset names, units: loaded once for the banner, the alarm list and the journal. */}
      <AlarmSourcesProvider>
      <div className={kiosk ? 'shell kiosk' : 'shell'} key={dateTimeVersion}>
        {/* Fixed at the top while the screen scrolls: a new alarm or a lost connection is never out of sight. */}
        <div className="shell-head" ref={head}>
        <header className="topbar">
          <span className="brand">IDM</span>
          {!kiosk && <ScreenNav />}
          <ConnectionIndicator />
          <span className="user" data-testid="user" hidden={kiosk}>
            <NavLink to="/settings" title={`${user.username} · ${highestRole(user.roles)}: your settings (date-time format and time zone)`}>
              {user.username} · {highestRole(user.roles)}
            </NavLink>
          </span>
          {!kiosk && (
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          )}
        </header>
        <AlarmBanner actions={actions} />
        </div>
        <main className="content">
          <Suspense fallback={<p className="muted panel">Loading…</p>}>
            <Outlet />
          </Suspense>
        </main>
      </div>
      </AlarmSourcesProvider>
    </LiveProvider>
  );
}

/** The screens this user may open: Reports from supervisor up, Users and Devices for admins. */
export function ScreenNav() {
  const { can } = useAuth();
  return (
    <nav aria-label="Screens">
      <NavLink to="/overview">Overview</NavLink>
      <NavLink to="/graphics">Graphics</NavLink>
      <NavLink to="/alarms">Alarms</NavLink>
      <NavLink to="/journal">Journal</NavLink>
      <NavLink to="/trends">Trends</NavLink>
      <NavLink to="/anomalies">Anomalies</NavLink>
      {can('supervisor') && <NavLink to="/reports">Reports</NavLink>}
      {can('admin') && <NavLink to="/admin/users">Users</NavLink>}
      {can('admin') && <NavLink to="/admin/devices">Devices</NavLink>}
    </nav>
  );
}

/**
 * Publishes the fixed head's height as `--head-h` (it grows with the banner's rows), so a section scrolled
 * into view (an area chip on the overview) stops below the head instead of under it.
 */
function useStickyHeadHeight() {
  const observer = useRef<ResizeObserver | null>(null);
  useEffect(() => () => observer.current?.disconnect(), []);
  // A callback ref: the head exists only once signed in, and React hands it over (or null) as it comes and goes.
  return useCallback((el: HTMLDivElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    const root = document.documentElement;
    if (!el || typeof ResizeObserver === 'undefined') {
      root.style.removeProperty('--head-h');
      return;
    }
    observer.current = new ResizeObserver(() => root.style.setProperty('--head-h', `${el.offsetHeight}px`));
    observer.current.observe(el);
  }, []);
}
