import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { initConfig } from '../config';
import { LiveClient } from '../lib/live/live-client';
import { LiveProvider } from '../lib/live/LiveProvider';
import { FakeSocket } from '../test/fake-socket';
import { ConnectionIndicator } from './ConnectionIndicator';

let socket: FakeSocket;
let live: LiveClient;

beforeEach(() => {
  initConfig({});
  socket = new FakeSocket();
  live = new LiveClient({ url: 'http://idm', staleAfterMs: 10_000, sampleIntervalMs: 500, socketFactory: (() => socket) as never });
  render(
    <LiveProvider client={live}>
      <ConnectionIndicator />
    </LiveProvider>,
  );
});
afterEach(() => {
  cleanup();
  live.close();
});

test('says LIVE while connected and CONNECTION LOST, with the time of the last data, when the link drops', () => {
  expect(screen.getByTestId('connection')).toHaveTextContent('CONNECTING');
  act(() => socket.connect());
  expect(screen.getByTestId('connection')).toHaveTextContent('LIVE');
  act(() => socket.fire('alarms:snapshot', { seq: 0, alarms: [], flood: false }));
  act(() => socket.disconnect());
  expect(screen.getByTestId('connection')).toHaveTextContent(/CONNECTION LOST — values from \d\d:\d\d:\d\d/);
  expect(screen.getByTestId('connection')).toHaveClass('conn-lost');
  act(() => socket.connect());
  expect(screen.getByTestId('connection')).toHaveTextContent('LIVE');
});
