import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { initConfig } from '../config';
import type { LiveClient } from '../lib/live/live-client';
import type { FakeSocket } from '../test/fake-socket';
import { endLive, fakeLive, renderLive } from '../test/render-live';
import { ConnectionIndicator } from './ConnectionIndicator';

let socket: FakeSocket;
let live: LiveClient;

beforeEach(() => {
  initConfig({});
  ({ socket, live } = fakeLive({ connect: false }));
  renderLive(live, <ConnectionIndicator />, { route: null });
});
afterEach(() => endLive(live));

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
