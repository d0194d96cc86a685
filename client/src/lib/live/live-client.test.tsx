import { act, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { AlarmDto, AlarmEventDto } from '@idm/contracts';
import { initConfig } from '../../config';
import { AlarmBanner } from '../../features/alarms/components/AlarmBanner';
import { fakeApi, fakeToken } from '../../test/fake-api';
import { FakeSocket } from '../../test/fake-socket';
import { alarmFixture } from '../../test/fixtures';
import { getSession, sessionFromTokens, setSession } from '../session';
import { LiveClient } from './live-client';
import { LiveProvider } from './LiveProvider';

let socket: FakeSocket;
let live: LiveClient;

const alarm = (id: string, over: Partial<AlarmDto> = {}): AlarmDto => alarmFixture(id, { priority: 'high', last_value: 1, ...over });
const event = (seq: number, a: AlarmDto): AlarmEventDto => ({ seq, kind: 'updated', alarm: a, at: a.updated_at, by: null });
const nextFrame = () => act(() => new Promise<void>((r) => setTimeout(r, 40)));

beforeEach(() => {
  initConfig({});
  socket = new FakeSocket();
  live = new LiveClient({ url: 'http://idm', staleAfterMs: 10_000, sampleIntervalMs: 500, socketFactory: (() => socket) as never });
  render(
    <MemoryRouter>
      <LiveProvider client={live}>
        <AlarmBanner />
      </LiveProvider>
    </MemoryRouter>,
  );
});
afterEach(() => live.close());

const banner = () => screen.getByTestId('alarm-banner');

test('the banner shows the snapshot, then numbered events as they come', async () => {
  act(() => socket.connect());
  expect(banner()).toHaveTextContent('Alarms: waiting for the server');
  act(() => socket.fire('alarms:snapshot', { seq: 4, alarms: [alarm('TT-1')], flood: false }));
  expect(banner()).toHaveTextContent('TT-1 high');
  expect(banner()).toHaveTextContent('1 unacknowledged');

  socket.fire('alarm', event(5, alarm('PT-2', { priority: 'critical', message: 'PT-2 very high' })));
  socket.fire('alarm', event(6, alarm('TT-1', { state: 'normal' })));
  await nextFrame();
  const rows = within(banner()).getAllByRole('listitem');
  expect(rows.map((r) => r.getAttribute('data-alarm-id'))).toEqual(['PT-2']);
  expect(rows[0]).toHaveTextContent('Critical');
});

test('after a reconnect it asks for what it missed by sequence number, and replays are not applied twice', async () => {
  act(() => socket.connect());
  act(() => socket.fire('alarms:snapshot', { seq: 10, alarms: [alarm('TT-1')], flood: false }));
  socket.fire('alarm', event(11, alarm('TT-1', { state: 'ack_active', acknowledged: true })));
  await nextFrame();
  act(() => socket.disconnect());
  expect(screen.queryByText(/CONNECTION LOST/)).toBeNull(); // the indicator lives in the shell, not the banner
  act(() => socket.connect());
  expect(socket.sentOf('alarms:resume')).toEqual([{ last_seq: 11 }]);
  // The replay repeats 11 (ignored) and brings 12.
  socket.fire('alarm', event(11, alarm('TT-1', { state: 'unack_active' })));
  socket.fire('alarm', event(12, alarm('LT-3')));
  await nextFrame();
  // The banner lists the unacknowledged alarm; TT-1 stays acknowledged.
  expect(within(banner()).getAllByRole('listitem').map((r) => r.getAttribute('data-alarm-id'))).toEqual(['LT-3']);
  expect(banner()).toHaveTextContent('1 unacknowledged');
  expect(live.getAlarms().alarms.get('TT-1')?.state).toBe('ack_active');
  expect(live.getAlarms().seq).toBe(12);
});

test('a gap in the numbers triggers a resume instead of showing a partial picture', async () => {
  act(() => socket.connect());
  act(() => socket.fire('alarms:snapshot', { seq: 1, alarms: [], flood: false }));
  socket.fire('alarm', event(3, alarm('FT-9')));
  await nextFrame();
  expect(socket.sentOf('alarms:resume')).toEqual([{ last_seq: 1 }]);
  expect(banner()).toHaveTextContent('No active alarms');
});

test('events arriving in one burst are applied together in the next animation frame', async () => {
  act(() => socket.connect());
  act(() => socket.fire('alarms:snapshot', { seq: 0, alarms: [], flood: false }));
  let renders = 0;
  live.subscribeAlarms(() => renders++);
  for (let i = 1; i <= 200; i++) socket.fire('alarm', event(i, alarm(`S-${i}`)));
  expect(renders).toBe(0);
  await nextFrame();
  expect(renders).toBe(1);
  expect(banner()).toHaveTextContent('200 unacknowledged');
});

test('a flood is announced and batched events still land', async () => {
  act(() => socket.connect());
  act(() => socket.fire('alarms:snapshot', { seq: 0, alarms: [], flood: false }));
  act(() => socket.fire('alarms:flood', { active: true, raised_in_window: 12, threshold: 10 }));
  socket.fire('alarms:batch', { flood: true, events: [event(1, alarm('A')), event(2, alarm('B'))] });
  await nextFrame();
  expect(banner()).toHaveTextContent('ALARM FLOOD');
  expect(banner()).toHaveTextContent('2 unacknowledged');
});

test('shelved and out-of-service alarms stay out of the banner but are counted', () => {
  act(() => socket.connect());
  act(() => socket.fire('alarms:snapshot', { seq: 1, alarms: [alarm('TT-1', { state: 'shelved' }), alarm('PT-2', { state: 'out_of_service' })], flood: false }));
  expect(banner()).toHaveTextContent('No active alarms');
  expect(banner()).toHaveTextContent('2 shelved / out of service');
  expect(within(banner()).queryAllByRole('listitem')).toHaveLength(0);
});

test('when the server closes the connection as the access token runs out, the client renews it and reconnects at once', async () => {
  const OLD = fakeToken('olga', ['operator'], 1, 'old');
  const NEW = fakeToken('olga', ['operator'], 900, 'new');
  setSession(sessionFromTokens({ access_token: OLD, refresh_token: 'r1', expires_in: 1 }));
  const calls = fakeApi((req) => (req.url === '/auth/refresh' ? { status: 200, data: { access_token: NEW, refresh_token: 'r2', expires_in: 900 } } : { status: 404 }));
  try {
    act(() => socket.connect());
    const states: string[] = [];
    live.subscribeConnection(() => states.push(live.getConnection().state));
    act(() => {
      socket.connected = false;
      socket.fire('disconnect', 'io server disconnect');
    });
    expect(states[0]).toBe('connecting'); // not "lost": nothing is wrong with the plant or the network
    await act(() => new Promise<void>((r) => setTimeout(r, 50)));
    expect(calls.map((c) => c.url)).toEqual(['/auth/refresh']);
    expect(getSession()?.accessToken).toBe(NEW);
    expect(socket.connected).toBe(true);
    expect(live.getConnection().state).toBe('online');
  } finally {
    setSession(null);
  }
});

test('it asks for live samples in batches and applies a `samples` array like single `sample` events, in one frame', async () => {
  const sample = (sensor_id: string, value: number) => ({ sensor_id, value, timestamp: new Date().toISOString(), quality: 'good', status: 'normal' });
  act(() => socket.connect());
  const release = live.watchSamples(['TT-1', 'PT-2', 'LT-3']);
  expect(socket.sentOf('samples:subscribe')).toEqual([{ sensor_ids: ['TT-1', 'PT-2', 'LT-3'], min_interval_ms: 500, batch: true }]);
  let updates = 0;
  live.samples.subscribe('PT-2', () => updates++);
  socket.fire('samples', [sample('TT-1', 71.5), sample('PT-2', 5.25)]);
  socket.fire('sample', sample('LT-3', 2)); // a server from before batching
  await nextFrame();
  expect(live.samples.get('TT-1')?.value).toBe(71.5);
  expect(live.samples.get('PT-2')?.value).toBe(5.25);
  expect(live.samples.get('LT-3')?.value).toBe(2);
  expect(updates).toBe(1);
  expect(live.samplesInfo().lastAt).not.toBeNull();
  release();
});
