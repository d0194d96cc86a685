import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { AlarmDetailDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { AuthProvider } from '../../../lib/auth';
import { alarmPath } from '../../../lib/routes';
import { LiveClient } from '../../../lib/live/live-client';
import { LiveProvider } from '../../../lib/live/LiveProvider';
import { fakeApi, type FakeRequest } from '../../../test/fake-api';
import { FakeSocket } from '../../../test/fake-socket';
import { alarmFixture, episodeFixture } from '../../../test/fixtures';
import { AlarmsPage } from './AlarmsPage';

const LIMIT = alarmFixture('sensor:LT-301|limit', {
  sensor_id: 'LT-301',
  source_id: 'LT-301',
  condition: 'limit',
  message: 'LT-301: level high',
  priority: 'high',
  // Oldest first; the first is too old to be among the sensor's newest episodes.
  anomaly_ids: ['LT-301|1795400000000', 'LT-301|1795600000000', 'LT-301|1795600300000'],
});
const COMM = alarmFixture('device:plc-2|comm_failure', { source_type: 'device', source_id: 'plc-2', sensor_id: null, condition: 'comm_failure', message: 'Communication failure', priority: 'critical' });
const EPISODES = [
  // Still going on: stored at its opening, so its last anomalous sample so far is its start.
  episodeFixture('LT-301', new Date(1795600300000).toISOString(), {
    alarm_id: LIMIT.id,
    active: true,
    end_timestamp: new Date(1795600300000).toISOString(),
    samples: 1,
    evidence: { expected_lo: null, expected_hi: 80, statistic: 84, threshold: 80, detail: 'hi limit 80 crossed again' },
  }),
  episodeFixture('LT-301', new Date(1795600000000).toISOString(), { alarm_id: LIMIT.id }),
  episodeFixture('LT-301', new Date(1795500000000).toISOString()),
];
// Back to normal and acknowledged: no longer among the alarms the screen holds.
const OLD: AlarmDetailDto = {
  ...alarmFixture('sensor:TT-101|spike', { sensor_id: 'TT-101', source_id: 'TT-101', condition: 'spike', message: 'TT-101: spike', state: 'normal', active: false, acknowledged: true, cleared_at: '2026-11-27T10:05:00Z', acked_by: 'olga' }),
  history: [{ alarm_id: 'sensor:TT-101|spike', kind: 'acknowledged', from: 'unack_rtn', to: 'normal', at: '2026-11-27T10:06:00Z', by: 'olga', comment: 'spike from a loose connector' }],
};

let socket: FakeSocket;
let live: LiveClient;
let requests: FakeRequest[];

beforeEach(() => {
  initConfig({});
  requests = fakeApi((req) => {
    if (req.url === `/alarms/${encodeURIComponent(LIMIT.id)}`) return { status: 200, data: { ...LIMIT, history: [] } };
    if (req.url === `/alarms/${encodeURIComponent(OLD.id)}`) return { status: 200, data: OLD };
    if (req.url === '/anomalies/history') return { status: 200, data: { items: EPISODES, next_cursor: null } };
    if (req.url === '/tags')
      return {
        status: 200,
        data: [
          { sensor_id: 'LT-301', device_id: 'plc-1', area: 'Tank farm', unit: 'm' },
          { sensor_id: 'LT-302', device_id: 'plc-1', area: 'Tank farm', unit: 'm' },
          { sensor_id: 'PT-201', device_id: 'plc-2', area: 'Turbine hall', unit: 'bar' },
        ],
      };
    if (req.url === '/devices') return { status: 200, data: [{ id: 'plc-2', name: 'PLC 02 Turbine' }] };
    if (req.url === '/assets') return { status: 200, data: [] };
    return { status: 404, data: { statusCode: 404, error: 'Not Found', message: 'alarm not found' } };
  });
  socket = new FakeSocket();
  live = new LiveClient({ url: 'http://idm', staleAfterMs: 10_000, sampleIntervalMs: 500, socketFactory: (() => socket) as never });
  act(() => socket.connect());
  act(() => socket.fire('alarms:snapshot', { seq: 1, alarms: [LIMIT, COMM], flood: false }));
});
afterEach(() => {
  cleanup();
  live.close();
});

function show(path: string) {
  const router = createMemoryRouter([{ path: '/alarms', element: <AlarmsPage /> }], { initialEntries: [path] });
  render(
    <AuthProvider>
      <LiveProvider client={live}>
        <RouterProvider router={router} />
      </LiveProvider>
    </AuthProvider>,
  );
}

const row = (id: string) => document.querySelector(`tr[data-alarm-id="${id}"]`) as HTMLElement;

test('an alarm linked from an anomaly episode is picked out in the list, with its history and the episodes behind it', async () => {
  show(alarmPath(LIMIT.id));
  expect(row(LIMIT.id)).toHaveAttribute('aria-current', 'true');
  expect(row(LIMIT.id)).toHaveClass('focused');
  expect(row(COMM.id)).not.toHaveAttribute('aria-current');
  expect(await screen.findByRole('list', { name: 'History of LT-301: level high' })).toBeInTheDocument();

  const episodes = await screen.findByRole('list', { name: 'Anomaly episodes behind LT-301: level high' });
  const items = within(episodes).getAllByRole('listitem');
  // Newest first, with when and why; one not found among the sensor's newest episodes is still named.
  expect(items.map((li) => li.getAttribute('data-episode-id'))).toEqual(['LT-301|1795600300000', 'LT-301|1795600000000', 'LT-301|1795400000000']);
  expect(items[0]).toHaveTextContent('limit, high: hi limit 80 crossed again');
  expect(items[1]).toHaveTextContent('limit, high: hi limit 80 crossed');
  // The one still going on reads "start – ongoing (how long so far)", not "start – start"; a closed one start – end.
  expect(items[0]).toHaveTextContent(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} – ongoing \(\d/);
  expect(items[1]).toHaveTextContent(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} – \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} limit/);
  expect(items[2]).toHaveTextContent('LT-301|1795400000000 (older than the sensor’s newest 100 episodes)');
  expect(screen.getByText(/Anomaly episodes behind this alarm \(3\)/)).toBeInTheDocument();
  expect(screen.getByRole('link', { name: 'Anomaly history of LT-301' })).toHaveAttribute('href', '/anomalies?sensor_id=LT-301');
  // The episodes are read once, from the sensor's history.
  expect(requests.filter((r) => r.url === '/anomalies/history')).toHaveLength(1);
});

test('an alarm that needs no attention any more is shown on its own, read from the server', async () => {
  show(alarmPath(OLD.id));
  const panel = await screen.findByRole('region', { name: 'Alarm TT-101: spike' });
  expect(panel).toHaveTextContent('Normal');
  expect(panel).toHaveTextContent('acknowledged by olga');
  expect(within(panel).getByRole('list', { name: 'History of TT-101: spike' })).toHaveTextContent('acknowledged by olga: “spike from a loose connector”');
  expect(within(panel).getByRole('link', { name: 'anomaly history of TT-101' })).toHaveAttribute('href', '/anomalies?sensor_id=TT-101');
  // The list below still shows what needs attention, none of it picked out.
  expect(row(LIMIT.id)).not.toHaveAttribute('aria-current');
  expect(screen.getAllByRole('list', { name: /^History of/ })).toHaveLength(1);
});

test('an unknown alarm says so', async () => {
  show(alarmPath('sensor:XX-1|limit'));
  expect(await screen.findByText('Alarm sensor:XX-1|limit does not exist (any more).')).toBeInTheDocument();
  expect(row(LIMIT.id)).toBeInTheDocument();
});

test('without a picked alarm nothing is marked or opened', () => {
  show('/alarms');
  expect(document.querySelector('tr[aria-current]')).toBeNull();
  expect(screen.queryByRole('list', { name: /^History of/ })).toBeNull();
});

test('filters by area (a device alarm takes its tags’ area), priority and state', async () => {
  const user = userEvent.setup();
  show('/alarms');
  const ids = () => [...document.querySelectorAll('tr[data-alarm-id]')].map((r) => r.getAttribute('data-alarm-id'));
  expect(ids()).toEqual([COMM.id, LIMIT.id]);
  await screen.findByRole('option', { name: 'Tank farm' });
  await user.selectOptions(screen.getByLabelText('Area'), 'Tank farm');
  expect(ids()).toEqual([LIMIT.id]);
  await user.selectOptions(screen.getByLabelText('Area'), 'Turbine hall');
  expect(ids()).toEqual([COMM.id]);
  await user.selectOptions(screen.getByLabelText('Area'), '');
  await user.selectOptions(screen.getByLabelText('Priority'), 'high');
  expect(ids()).toEqual([LIMIT.id]);
  expect(screen.getByTestId('alarm-count')).toHaveTextContent('1 of 2');
  await user.selectOptions(screen.getByLabelText('Priority'), '');
  await user.selectOptions(screen.getByLabelText('State'), 'unack_rtn');
  expect(ids()).toEqual([]);
  await user.selectOptions(screen.getByLabelText('State'), 'unacked');
  expect(ids()).toEqual([COMM.id, LIMIT.id]);
});

test("each area's part of a flood marks its first alarm first-out, whatever the filter shows; an alarm minutes before is not", async () => {
  const user = userEvent.setup();
  const at = (min: number) => new Date(Date.parse('2026-11-27T10:00:00Z') + min * 60_000).toISOString();
  const sensor = (id: string, min: number, over: Partial<typeof LIMIT> = {}) =>
    alarmFixture(`sensor:${id}|limit@${min}`, { sensor_id: id, source_id: id, condition: 'limit', raised_at: at(min), ...over });
  const EARLY = sensor('LT-302', -7);
  const TANK_2 = sensor('LT-302', 0.5, { in_flood: true });
  const TURBINE_2 = sensor('PT-201', 1.5, { in_flood: true });
  act(() =>
    socket.fire('alarms:snapshot', {
      seq: 2,
      flood: true,
      // Tank farm: LIMIT then LT-302; Turbine hall: the PLC's comm failure then PT-201; LT-302 7 min before.
      alarms: [EARLY, { ...LIMIT, raised_at: at(0) }, TANK_2, { ...COMM, raised_at: at(1) }, TURBINE_2],
    }),
  );
  show('/alarms');
  const marked = () => [...document.querySelectorAll('tr[data-alarm-id]')].filter((r) => r.querySelector('.first-out')).map((r) => r.getAttribute('data-alarm-id'));
  // Areas come with the tags: then the comm failure is the first of the turbine hall's part.
  await waitFor(() => expect(marked().sort()).toEqual([COMM.id, LIMIT.id].sort()));
  expect(within(row(LIMIT.id)).getByText('1st')).toHaveAttribute('title', 'First out: the first alarm of the flood');
  await user.selectOptions(screen.getByLabelText('Priority'), 'high');
  expect(marked()).toEqual([LIMIT.id]);
});

test("a device alarm's source is the device's name, its id in the tooltip; a value has its tag's unit", async () => {
  show('/alarms');
  const name = await within(row(COMM.id)).findByText('PLC 02 Turbine');
  expect(name).toHaveAttribute('title', 'device id plc-2');
  expect(within(row(COMM.id)).queryByText('plc-2')).toBeNull();
  expect(row(LIMIT.id).querySelector('td.value')).toHaveTextContent(/^81\.50 m$/);
});
