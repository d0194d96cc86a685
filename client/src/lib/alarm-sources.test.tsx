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
let requests: FakeRequest[];

const COMM = alarmFixture('device:plc-9|comm_failure', { source_type: 'device', source_id: 'plc-9', sensor_id: null, message: 'Communication failure' });

function Name() {
  return <p data-testid="name">{sourceName(useAlarmSources(), COMM)}</p>;
}

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  initConfig({});
  devices = [];
  requests = fakeApi((req) => (req.url === '/devices' ? { status: 200, data: devices } : { status: 200, data: [] }));
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
