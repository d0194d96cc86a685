import { Suspense } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router-dom';
import { highestRole } from '@idm/contracts';
import { useAuth } from '../lib/auth';
import { LiveProvider } from '../lib/live/LiveProvider';
import { AlarmBanner } from '../features/alarms/components/AlarmBanner';
import { ConnectionIndicator } from './ConnectionIndicator';

/** The signed-in frame: top bar, the alarm banner (on every screen), then the routed screen. */
export function Shell() {
  const { user, signOut } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return (
    <LiveProvider>
      <div className="shell">
        <header className="topbar">
          <span className="brand">IDM</span>
          <ScreenNav />
          <ConnectionIndicator />
          <span className="user" data-testid="user">
            {user.username} · {highestRole(user.roles)}
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </header>
        <AlarmBanner />
        <main className="content">
          <Suspense fallback={<p className="muted panel">Loading…</p>}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </LiveProvider>
  );
}

/** The screens this user may open: Reports from supervisor up, Users and Devices for admins. */
export function ScreenNav() {
  const { can } = useAuth();
  return (
    <nav aria-label="Screens">
      <NavLink to="/overview">Overview</NavLink>
      <NavLink to="/alarms">Alarms</NavLink>
      <NavLink to="/anomalies">Anomalies</NavLink>
      {can('supervisor') && <NavLink to="/reports">Reports</NavLink>}
      {can('admin') && <NavLink to="/admin/users">Users</NavLink>}
      {can('admin') && <NavLink to="/admin/devices">Devices</NavLink>}
    </nav>
  );
}
