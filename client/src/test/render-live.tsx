import { act, cleanup, render, type RenderResult } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { LiveClient } from '../lib/live/live-client';
import { LiveProvider } from '../lib/live/LiveProvider';
import { FakeSocket } from './fake-socket';

/** A live client whose socket is a `FakeSocket`: the test plays the server (`socket.fire`) and reads what was sent. */
export interface FakeLive {
  socket: FakeSocket;
  live: LiveClient;
}

export interface FakeLiveOptions {
  staleAfterMs?: number;
  /** Connect at once (the default); `false` leaves the client connecting until the test calls `socket.connect()`. */
  connect?: boolean;
  tileRendersPerFrame?: number;
}

/** A `LiveClient` over a new `FakeSocket`, connected unless told otherwise. Close it with `endLive`. */
export function fakeLive({ staleAfterMs = 10_000, connect = true, tileRendersPerFrame }: FakeLiveOptions = {}): FakeLive {
  const socket = new FakeSocket();
  const live = new LiveClient({
    url: 'http://idm',
    staleAfterMs,
    sampleIntervalMs: 500,
    socketFactory: (() => socket) as never,
    ...(tileRendersPerFrame === undefined ? {} : { tileRendersPerFrame }),
  });
  if (connect) act(() => socket.connect());
  return { socket, live };
}

/**
 * Renders `ui` under `live`'s provider, inside a memory router opened at `route` (screens link and read the
 * address); `route: null` for no router.
 */
export function renderLive(live: LiveClient, ui: ReactNode, { route = '/' }: { route?: string | null } = {}): RenderResult {
  const tree = <LiveProvider client={live}>{ui}</LiveProvider>;
  return render(route === null ? tree : <MemoryRouter initialEntries={[route]}>{tree}</MemoryRouter>);
}

/** After a test: unmounts what it rendered, then closes its client (timers, socket). */
export function endLive(live: LiveClient | undefined): void {
  cleanup();
  live?.close();
}
