import { useEffect, useState } from 'react';
import type { HealthResponse } from '@idm/contracts';
import { fetchHealth } from '../lib/health';

export function App() {
  const [health, setHealth] = useState<HealthResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    const load = () =>
      fetchHealth()
        .then((h) => alive && (setHealth(h), setError(null)))
        .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)));
    void load();
    const timer = setInterval(load, 5000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);

  return (
    <main className="shell">
      <header className="topbar">
        <h1>IDM</h1>
        <span className="subtitle">Industrial Data Monitoring</span>
      </header>
      <section className="panel" aria-live="polite">
        <h2>System</h2>
        {error && <p className="abnormal">Server unreachable: {error}</p>}
        {!error && !health && <p>Connecting…</p>}
        {health && (
          <>
            <p data-testid="health-status" className={health.status === 'ok' ? '' : 'abnormal'}>
              {health.status === 'ok' ? 'All components answer' : health.message}
            </p>
            <ul className="components">
              {Object.entries(health.components).map(([name, c]) => (
                <li key={name} className={c.status === 'up' ? '' : 'abnormal'}>
                  {name}: {c.status}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </main>
  );
}
