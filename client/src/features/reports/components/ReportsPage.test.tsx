import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, expect, test } from 'vitest';
import { initConfig } from '../../../config';
import { AuthProvider } from '../../../lib/auth';
import { sessionFromTokens, setSession } from '../../../lib/session';
import { fakeApi, fakeToken, type FakeRequest } from '../../../test/fake-api';
import { ReportsPage } from './ReportsPage';

let seen: FakeRequest[];
const showPage = () =>
  render(
    <AuthProvider>
      <MemoryRouter>
        <ReportsPage />
      </MemoryRouter>
    </AuthProvider>,
  );
/** A server whose `GET /tags` answers `tags`, that accepts report jobs (failed at once, so nothing polls) and answers other reads with []. */
const serveTags = (tags: { status: number; data?: unknown }) =>
  fakeApi((req) =>
    req.method === 'POST'
      ? { status: 201, data: { id: 'j1', state: 'failed', progress: 0, format: 'pdf', error: 'no data', download_url: null, expires_at: null } }
      : req.url === '/tags'
        ? tags
        : { status: 200, data: [] },
  );
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
  showPage();
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

test('the report area is chosen from the areas the tags have, so a typo cannot scope a report to nothing', async () => {
  const user = userEvent.setup();
  const tag = (sensor_id: string, area: string) => ({ sensor_id, area, device_id: 'plc-01' });
  seen = serveTags({ status: 200, data: [tag('TT-101', 'Boiler house'), tag('PT-201', 'Water treatment'), tag('TT-102', 'Boiler house'), tag('XT-9', '')] });
  showPage();
  const area = screen.getByRole('combobox', { name: 'Area' });
  await waitFor(() => expect(within(area).getAllByRole('option').map((o) => o.textContent)).toEqual(['All areas', 'Boiler house', 'Water treatment']));
  expect(area).toHaveValue('');

  await user.selectOptions(area, 'Water treatment');
  await user.click(screen.getByRole('button', { name: 'Generate' }));
  await waitFor(() => expect(seen.find((r) => r.url === '/reports/jobs')?.body).toMatchObject({ scope: { area: 'Water treatment' } }));
});

test('when the areas cannot be loaded the form says so and still reports on all areas', async () => {
  const user = userEvent.setup();
  seen = serveTags({ status: 503, data: { statusCode: 503, error: 'Service Unavailable', message: 'registry not loaded' } });
  showPage();
  expect(await screen.findByText('Areas cannot be loaded (registry not loaded): only all areas can be chosen')).toBeInTheDocument();
  await user.click(screen.getByRole('button', { name: 'Generate' }));
  await waitFor(() => expect(seen.find((r) => r.url === '/reports/jobs')?.body).toMatchObject({ scope: {} }));
});

test('"Send now" sends a subscription\'s digest at once, saying to whom, and says when the server had nothing to send', async () => {
  const user = userEvent.setup();
  const sub = { id: 'sub-1', name: 'Night shift', recipients: ['n@plant.example'], cron: '0 6 * * *', time_zone: 'Europe/Paris', format: 'pdf', enabled: true, next_run_at: '2026-11-28T05:00:00Z', last_sent_at: null };
  let sends = 0;
  seen = fakeApi((req) => {
    if (req.method === 'POST' && req.url === '/notifications/send') {
      sends += 1;
      return { status: 202, data: sends === 1 ? { delivery_ids: ['d1'] } : { delivery_ids: [], skipped_reason: 'nothing happened since the last digest' } };
    }
    return { status: 200, data: req.url === '/notifications/subscriptions' ? [sub] : [] };
  });
  showPage();
  const row = (await screen.findByText(/Night shift/)).closest('tr')!;
  await user.click(within(row).getByRole('button', { name: 'Send now' }));
  expect(await screen.findByText('Digest “Night shift” sent to n@plant.example.')).toBeInTheDocument();
  expect(seen.filter((r) => r.url === '/notifications/send').map((r) => r.body)).toEqual([{ kind: 'digest', subscription_id: 'sub-1' }]);
  await user.click(within(row).getByRole('button', { name: 'Send now' }));
  expect(await screen.findByText('Digest “Night shift” not sent: nothing happened since the last digest.')).toBeInTheDocument();
});

test('a digest reads its schedule in words; deleting it asks first, naming it and its recipients; declined, nothing is sent', async () => {
  const user = userEvent.setup();
  const sub = { id: 's9', name: 'Night shift', recipients: ['night@plant.example'], cron: '0 6 * * *', time_zone: 'UTC', format: 'pdf', enabled: true, critical_immediate: false, next_run_at: '2026-11-28T06:00:00Z', last_sent_at: null };
  seen = fakeApi((req) => (req.url === '/notifications/subscriptions' && req.method === 'GET' ? { status: 200, data: [sub] } : req.method === 'DELETE' ? { status: 204, data: '' } : { status: 200, data: [] }));
  const asked: string[] = [];
  let answer = false;
  render(
    <AuthProvider>
      <MemoryRouter>
        <ReportsPage confirm={(text) => (asked.push(text), answer)} />
      </MemoryRouter>
    </AuthProvider>,
  );
  const row = (await screen.findByText('Night shift')).closest('tr')!;
  // The schedule in words beside its cron, which a supervisor need not read.
  expect(within(row).getByText(/every day at 06:00/)).toBeInTheDocument();
  await user.click(within(row).getByRole('button', { name: 'Delete' }));
  expect(asked).toEqual([expect.stringMatching(/^Delete the digest Night shift\? night@plant\.example will no longer get it/)]);
  expect(seen.filter((r) => r.method === 'DELETE')).toEqual([]);

  answer = true;
  await user.click(within(row).getByRole('button', { name: 'Delete' }));
  expect(await screen.findByText('Night shift deleted.')).toBeInTheDocument();
  expect(seen.filter((r) => r.method === 'DELETE').map((r) => r.url)).toEqual(['/notifications/subscriptions/s9']);
});

test('the new digest’s schedule reads in words as it is typed, “custom schedule” when it has none, and an invalid one is named and not sent', async () => {
  const user = userEvent.setup();
  showPage();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const cron = await screen.findByLabelText(`Schedule (cron, ${zone} time)`);
  expect(cron).toHaveAccessibleDescription('every day at 06:00');
  await user.clear(cron);
  await user.type(cron, '0 7 * * 1-5');
  expect(cron).toHaveAccessibleDescription('every Mon–Fri at 07:00');
  expect(cron).toHaveAttribute('aria-invalid', 'false');
  await user.clear(cron);
  await user.type(cron, '*/15 * * * *');
  expect(cron).toHaveAccessibleDescription('custom schedule');
  await user.clear(cron);
  await user.type(cron, '0 25 * * *');
  expect(cron).toHaveAccessibleDescription('cron: hour 25 is not in 0–23');
  expect(cron).toHaveAttribute('aria-invalid', 'true');
  expect(screen.queryByText('custom schedule')).toBeNull();

  await user.type(screen.getByLabelText('Name'), 'Shift change');
  await user.type(screen.getByLabelText(/^Recipients/), 'shift@plant.example');
  await user.click(screen.getByRole('button', { name: 'Subscribe' }));
  expect(cron).toHaveFocus();
  expect(seen.some((r) => r.method === 'POST')).toBe(false);
});
