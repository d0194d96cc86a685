import { createHashRouter, Navigate } from 'react-router-dom';
import { Shell } from './Shell';
import { RouteError } from './RouteError';

/**
 * Hash routes: the server serves this app at `/` next to the REST API (`/alarms`, `/sensors`...), so
 * screen paths live after the `#` and never collide with API paths. Screens load lazily.
 */
export function createRouter() {
  return createHashRouter([
    {
      // Without server rendering, the first screen's lazy module is still loading when the router first
      // renders: react-router shows the root route's HydrateFallback meanwhile (and warns when there is none).
      HydrateFallback: ScreenLoading,
      children: [
        { path: '/login', lazy: () => import('../features/auth/components/LoginPage').then((m) => ({ Component: m.LoginPage })) },
        { path: '/register', lazy: () => import('../features/auth/components/RegisterPage').then((m) => ({ Component: m.RegisterPage })) },
        {
          path: '/',
          Component: Shell,
          ErrorBoundary: RouteError,
          children: [
            { index: true, element: <Navigate to="/overview" replace /> },
            { path: 'overview', lazy: () => import('../features/overview/components/OverviewPage').then((m) => ({ Component: m.OverviewPage })) },
            { path: 'graphics', lazy: () => import('../features/screens/components/ScreensPage').then((m) => ({ Component: m.ScreensPage })) },
            { path: 'graphics/:id', lazy: () => import('../features/screens/components/ScreensPage').then((m) => ({ Component: m.ScreensPage })) },
            { path: 'graphics/:id/edit', lazy: () => import('../features/screens/components/ScreenEditorPage').then((m) => ({ Component: m.ScreenEditorPage })) },
            { path: 'alarms', lazy: () => import('../features/alarms/components/AlarmsPage').then((m) => ({ Component: m.AlarmsPage })) },
            { path: 'journal', lazy: () => import('../features/journal/components/JournalPage').then((m) => ({ Component: m.JournalPage })) },
            { path: 'assets/:id', lazy: () => import('../features/assets/components/AssetPage').then((m) => ({ Component: m.AssetPage })) },
            { path: 'sensors/:id', lazy: () => import('../features/sensors/components/SensorDetailPage').then((m) => ({ Component: m.SensorDetailPage })) },
            { path: 'trends', lazy: () => import('../features/trends/components/TrendsPage').then((m) => ({ Component: m.TrendsPage })) },
            { path: 'anomalies', lazy: () => import('../features/anomalies/components/AnomalyHistoryPage').then((m) => ({ Component: m.AnomalyHistoryPage })) },
            { path: 'reports', lazy: () => import('../features/reports/components/ReportsPage').then((m) => ({ Component: m.ReportsPage })) },
            { path: 'settings', lazy: () => import('../features/settings/components/SettingsPage').then((m) => ({ Component: m.SettingsPage })) },
            { path: 'admin/users', lazy: () => import('../features/admin/components/UsersPage').then((m) => ({ Component: m.UsersPage })) },
            { path: 'admin/devices', lazy: () => import('../features/admin/components/DevicesPage').then((m) => ({ Component: m.DevicesPage })) },
          ],
        },
        { path: '*', element: <Navigate to="/overview" replace /> },
      ],
    },
  ]);
}

function ScreenLoading() {
  return (
    <p className="calm" role="status">
      Loading…
    </p>
  );
}
