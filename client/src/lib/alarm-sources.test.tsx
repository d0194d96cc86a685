import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { initConfig } from '../config';
import { fakeApi, type FakeRequest } from '../test/fake-api';
import { FakeSocket } from '../test/fake-socket';
import { alarmFixture } from '../test/fixtures';
import { AlarmSourcesProvider, sourceName, useAlarmSources } from './alarm-sources';
import { LiveClient } from './live/live-client';
import { LiveProvider } from './live/LiveProvider';

let socket: FakeSocket;
let live: LiveClient;
let devices: { id: string; name: string }[];
let devicesDown: boolean;
let requests: FakeRequest[];

const COMM = alarmFixture('device:plc-9|comm_failure', { source_type: 'device', source_id: 'plc-9', sensor_id: null, message: 'Communication failure' });

function Name() {
  return <p data-testid="name">{sourceName(useAlarmSources(), COMM)}</p>;
}

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  initConfig({});
  devices = [];
  devicesDown = false;
  requests = fakeApi((req) =>
    req.url === '/devices' ? (devicesDown ? { status: 503, data: { statusCode: 503, error: 'Service Unavailable', message: 'database unreachable' } } : { status: 200, data: devices }) : { status: 200, data: [] },
  );
  socket = new FakeSocket();
  live = new LiveClient({ url: 'http://idm', staleAfterMs: 10_000, sampleIntervalMs: 500, socketFactory: (() => socket) as never });
  act(() => socket.connect());
});
afterEach(() => {
  cleanup();
  live.close();
  vi.useRealTimers();
});

test('the views under one provider share one load; a device added since is named a minute later, not before', async () => {
  render(
    <LiveProvider client={live}>
      <AlarmSourcesProvider>
        <Name />
        <Name />
      </AlarmSourcesProvider>
    </LiveProvider>,
  );
  await act(() => vi.advanceTimersByTimeAsync(10));
  expect(requests.filter((r) => r.url === '/devices')).toHaveLength(1);
  // A comm failure of a device the directory does not know yet: its id shows meanwhile.
  devices = [{ id: 'plc-9', name: 'PLC 09 (Mill)' }];
  act(() => socket.fire('alarms:snapshot', { seq: 1, flood: false, alarms: [COMM] }));
  await act(() => vi.advanceTimersByTimeAsync(30_000));
  expect(screen.getAllByTestId('name').map((p) => p.textContent)).toEqual(['plc-9', 'plc-9']);
  expect(requests.filter((r) => r.url === '/devices')).toHaveLength(1);
  await act(() => vi.advanceTimersByTimeAsync(31_000));
  expect(screen.getAllByTestId('name').map((p) => p.textContent)).toEqual(['PLC 09 (Mill)', 'PLC 09 (Mill)']);
  expect(requests.filter((r) => r.url === '/devices')).toHaveLength(2);
});

const showNames = () =>
  render(
    <LiveProvider client={live}>
      <AlarmSourcesProvider>
        <Name />
      </AlarmSourcesProvider>
    </LiveProvider>,
  );
const name = () => screen.getByTestId('name').textContent;
const deviceLoads = () => requests.filter((r) => r.url === '/devices').length;

test('a reload whose device list fails keeps the names already shown (a comm failure never turns back into its id)', async () => {
  devices = [{ id: 'plc-9', name: 'PLC 09 (Mill)' }];
  showNames();
  act(() => socket.fire('alarms:snapshot', { seq: 1, flood: false, alarms: [COMM] }));
  await act(() => vi.advanceTimersByTimeAsync(10));
  expect(name()).toBe('PLC 09 (Mill)');
  devicesDown = true;
  await act(() => vi.advanceTimersByTimeAsync(5 * 60_000 + 10));
  expect(deviceLoads()).toBe(2);
  expect(name()).toBe('PLC 09 (Mill)');
});

test('a failed device list is loaded again within seconds (backing off), not a minute later', async () => {
  devices = [{ id: 'plc-9', name: 'PLC 09 (Mill)' }];
  devicesDown = true;
  showNames();
  act(() => socket.fire('alarms:snapshot', { seq: 1, flood: false, alarms: [COMM] }));
  await act(() => vi.advanceTimersByTimeAsync(10));
  expect(name()).toBe('plc-9');
  await act(() => vi.advanceTimersByTimeAsync(5_000));
  expect(deviceLoads()).toBe(2); // 5 s after the first failure
  await act(() => vi.advanceTimersByTimeAsync(9_000));
  expect(deviceLoads()).toBe(2); // the second waits 10 s
  devicesDown = false;
  await act(() => vi.advanceTimersByTimeAsync(1_100));
  expect(deviceLoads()).toBe(3);
  expect(name()).toBe('PLC 09 (Mill)');
});

test('a device still unknown after a reload is looked for again each minute, not left to the 5-minute reload', async () => {
  showNames();
  act(() => socket.fire('alarms:snapshot', { seq: 1, flood: false, alarms: [COMM] }));
  await act(() => vi.advanceTimersByTimeAsync(10));
  await act(() => vi.advanceTimersByTimeAsync(60_000));
  expect(deviceLoads()).toBe(2);
  expect(name()).toBe('plc-9');
  devices = [{ id: 'plc-9', name: 'PLC 09 (Mill)' }];
  await act(() => vi.advanceTimersByTimeAsync(60_010));
  expect(deviceLoads()).toBe(3);
  expect(name()).toBe('PLC 09 (Mill)');
});
