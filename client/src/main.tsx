import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConfigError, initConfig } from './config';
import { App } from './app/App';
import { startSessionSharing } from './lib/session';
import { startKioskMode } from './lib/kiosk';
import './app/styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);
try {
  initConfig();
  startKioskMode();
  // A second tab of a signed-in browser takes the shared session before its first screen (no sign-in asked).
  void startSessionSharing().finally(() =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  root.render(
    <main className="panel" role="alert">
      <h1>IDM cannot start</h1>
      <p>{err.message}</p>
    </main>,
  );
}
