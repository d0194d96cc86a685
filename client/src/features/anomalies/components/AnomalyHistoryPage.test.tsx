import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router-dom';
import { beforeEach, expect, test } from 'vitest';
import { initConfig } from '../../../config';
import { fakeApi } from '../../../test/fake-api';
import { episodeFixture } from '../../../test/fixtures';
import { historyParams } from '../api/get-anomaly-history';
import { AnomalyHistoryPage } from './AnomalyHistoryPage';

const RAISED = episodeFixture('TT-101', '2026-11-27T10:00:00Z', { alarm_id: 'sensor:TT-101|limit' });
const QUIET = episodeFixture('PT-201', '2026-11-27T09:00:00Z', { anomaly_type: 'spike', severity: 'medium' });
// Still going on (stored at its opening), and closed but its alarm not yet acknowledged (not resolved).
const ONGOING = episodeFixture('FT-301', '2026-11-27T11:00:00Z', { active: true, end_timestamp: '2026-11-27T11:00:00Z', samples: 1 });
const CLOSED = episodeFixture('LT-401', '2026-11-27T08:00:00Z', { active: false, resolved: false, end_timestamp: '2026-11-27T08:01:00Z' });

function Where() {
  const l = useLocation();
  return <p data-testid="where">{`${l.pathname}${l.search}`}</p>;
}

beforeEach(() => {
  initConfig({});
  fakeApi((req) => (req.url === '/anomalies/history' ? { status: 200, data: { items: [ONGOING, RAISED, QUIET, CLOSED], next_cursor: null } } : { status: 404, data: {} }));
});

test('an episode that raised an alarm links to it in the alarms view; one that raised none says so', async () => {
  const user = userEvent.setup();
  const router = createMemoryRouter(
    [
      { path: '/anomalies', element: <AnomalyHistoryPage /> },
      { path: '/alarms', element: <Where /> },
    ],
    { initialEntries: ['/anomalies'] },
  );
  render(<RouterProvider router={router} />);
  const raised = (await screen.findByText('TT-101')).closest('tr')!;
  const quiet = screen.getByText('PT-201').closest('tr')!;
  expect(screen.getByRole('columnheader', { name: 'Alarm' })).toBeInTheDocument();
  const link = within(raised).getByRole('link', { name: 'Alarm sensor:TT-101|limit' });
  expect(link).toHaveAttribute('href', '/alarms?alarm=sensor%3ATT-101%7Climit');
  expect(within(quiet).queryByRole('link', { name: /^Alarm/ })).toBeNull();
  expect(quiet.lastElementChild).toHaveTextContent('—');

  await user.click(link);
  expect(screen.getByTestId('where')).toHaveTextContent('/alarms?alarm=sensor%3ATT-101%7Climit');
});

test('the End column says "ongoing" while an episode is still going on, and the end of a closed one even before it is resolved', async () => {
  render(<RouterProvider router={createMemoryRouter([{ path: '/anomalies', element: <AnomalyHistoryPage /> }], { initialEntries: ['/anomalies'] })} />);
  const end = async (sensor: string) => within((await screen.findByText(sensor)).closest('tr')!).getAllByRole('cell')[1];
  expect(await end('FT-301')).toHaveTextContent(/^ongoing \(\d/);
  expect(await end('LT-401')).toHaveTextContent(/^2026-11-27 \d{2}:01:00$/);
});

test('the Status column says OPEN only while an episode goes on; an ended one never reads OPEN', async () => {
  render(<RouterProvider router={createMemoryRouter([{ path: '/anomalies', element: <AnomalyHistoryPage /> }], { initialEntries: ['/anomalies'] })} />);
  const status = async (sensor: string) => within((await screen.findByText(sensor)).closest('tr')!).getAllByRole('cell')[9];
  expect(screen.getByRole('columnheader', { name: 'Status' })).toBeInTheDocument();
  expect(await status('FT-301')).toHaveTextContent(/^OPEN$/);
  expect(await status('LT-401')).toHaveTextContent(/^ended, unacknowledged$/);
  expect(await status('TT-101')).not.toHaveTextContent('OPEN');
});

test('the sensor and area filters are sent as a case-insensitive prefix search, trimmed', () => {
  expect(historyParams({ area: ' tank farm ', sensor_id: 'P06', severity: '' }, { limit: 50 })).toEqual({ area: 'tank farm', sensor_id: 'P06', match: 'prefix', limit: 50 });
  expect(historyParams({ severity: 'high' })).toEqual({ severity: 'high' });
});

test('empty From and To say what they mean (any time, now) rather than showing an example date that reads as a filter set', async () => {
  render(<RouterProvider router={createMemoryRouter([{ path: '/anomalies', element: <AnomalyHistoryPage /> }], { initialEntries: ['/anomalies'] })} />);
  await screen.findByText('FT-301');
  expect(screen.getByLabelText('From')).toHaveValue('');
  expect(screen.getByLabelText('From')).toHaveAttribute('placeholder', 'any time');
  expect(screen.getByLabelText('To')).toHaveAttribute('placeholder', 'now');
  // The format is still told, in the tooltip.
  expect(screen.getByLabelText('From').getAttribute('title')).toMatch(/^A date and time like \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
});

test('an empty history says why: nothing recorded yet, or filters that match nothing (with a way to clear them)', async () => {
  const user = userEvent.setup();
  fakeApi((req) => (req.url === '/anomalies/history' ? { status: 200, data: { items: [], next_cursor: null } } : { status: 404, data: {} }));
  const router = createMemoryRouter([{ path: '/anomalies', element: <><AnomalyHistoryPage /><Where /></> }], { initialEntries: ['/anomalies?area=Tank%20farm'] });
  render(<RouterProvider router={router} />);
  expect(await screen.findByText(/^No anomaly episodes match these filters/)).toHaveTextContent('widen the range or clear the filters.');
  await user.click(screen.getByRole('link', { name: 'clear the filters' }));
  expect(screen.getByTestId('where')).toHaveTextContent(/^\/anomalies$/);
  expect(await screen.findByText(/^No anomaly episodes yet/)).toHaveTextContent('one is recorded when a tag crosses a limit or leaves its learned normal behaviour');
});
