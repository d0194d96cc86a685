import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, expect, test } from 'vitest';
import { initConfig } from '../../../config';
import { AuthProvider } from '../../../lib/auth';
import { sessionFromTokens, setSession } from '../../../lib/session';
import { fakeApi, fakeToken, type FakeRequest } from '../../../test/fake-api';
import { ReportsPage } from './ReportsPage';

let seen: FakeRequest[];
beforeEach(() => {
  initConfig({});
  setSession(sessionFromTokens({ access_token: fakeToken('sam', ['supervisor']), refresh_token: 'r', expires_in: 900 }));
  seen = fakeApi((req) =>
    req.method === 'POST'
      ? { status: 201, data: { id: 's1', ...(req.body as object), enabled: true, next_run_at: '2026-11-28T06:00:00Z', last_sent_at: null } }
      : { status: 200, data: [] },
  );
});

test('the digest form says which time zone its schedule runs in, and an empty list says what a digest is', async () => {
  const user = userEvent.setup();
  render(
    <AuthProvider>
      <MemoryRouter>
        <ReportsPage />
      </MemoryRouter>
    </AuthProvider>,
  );
  expect(await screen.findByText(/^No digests yet/)).toBeInTheDocument();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const cron = screen.getByLabelText(`Schedule (cron, ${zone} time)`);
  await user.type(screen.getByLabelText('Name'), 'Shift change');
  await user.type(screen.getByLabelText(/^Recipients/), 'shift@plant.example');
  await user.clear(cron);
  await user.type(cron, '0 6,14,22 * * *');
  await user.click(screen.getByLabelText('Also e-mail critical alarms as they are raised'));
  await user.click(screen.getByRole('button', { name: 'Subscribe' }));
  expect(await screen.findByText(/^Subscription Shift change created/)).toBeInTheDocument();
  expect(seen.find((r) => r.method === 'POST')?.body).toMatchObject({ cron: '0 6,14,22 * * *', time_zone: zone, critical_immediate: true });
});
