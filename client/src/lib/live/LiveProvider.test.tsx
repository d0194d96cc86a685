import { act, cleanup, render, screen } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { initConfig } from '../../config';
import { FakeSocket } from '../../test/fake-socket';
import { LiveClient } from './live-client';
import { LiveProvider, useLiveValueNearScreen } from './LiveProvider';

/** One overview tile's live part, reduced to its value. */
function Probe({ id }: { id: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const v = useLiveValueNearScreen(id, ref);
  return (
    <div ref={ref} data-testid={id}>
      {v ? `${v.value}${v.stale ? ' STALE' : ''}` : '—'}
    </div>
  );
}

const IDS = Array.from({ length: 10 }, (_, i) => `TT-${i}`);
let socket: FakeSocket;
let live: LiveClient;
let pending: FrameRequestCallback[];
/** One animation frame: the sample batch and the render budget run, then React commits. */
const frame = () => act(() => pending.splice(0).forEach((cb) => cb(performance.now())));
const shown = () => IDS.map((id) => screen.getByTestId(id).textContent);
const samples = (value: number) => IDS.map((sensor_id) => ({ sensor_id, value, timestamp: new Date().toISOString(), quality: 'good', status: 'normal' }));

beforeEach(() => {
  pending = [];
  // Frames stepped by hand: the test sees what each frame commits.
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => pending.push(cb));
  initConfig({});
});

function mount(staleAfterMs = 10_000) {
  socket = new FakeSocket();
  live = new LiveClient({ url: 'http://idm', staleAfterMs, sampleIntervalMs: 500, socketFactory: (() => socket) as never, tileRendersPerFrame: 4 });
  act(() => socket.connect());
  render(
    <LiveProvider client={live}>
      {IDS.map((id) => (
        <Probe key={id} id={id} />
      ))}
    </LiveProvider>,
  );
}
afterEach(() => {
  cleanup();
  live.close();
  vi.unstubAllGlobals();
});

test('values arriving together on screen render over a few frames, a budget per frame, none lost', async () => {
  mount();
  // First values are never held back: all ten in the frame they arrive.
  act(() => socket.fire('samples', samples(1)));
  await frame();
  expect(shown()).toEqual(IDS.map(() => '1'));
  act(() => socket.fire('samples', samples(2)));
  await frame();
  expect(shown().filter((t) => t === '2')).toHaveLength(4);
  // Every tile's store value is current at once (the alarm logic and a re-render for any reason read it).
  expect(IDS.every((id) => live.samples.get(id)?.value === 2)).toBe(true);
  await frame();
  expect(shown().filter((t) => t === '2')).toHaveLength(8);
  // A newer value for a tile still waiting: it renders once, with the newest value, in its place.
  act(() => socket.fire('samples', samples(3).slice(8)));
  await frame();
  expect(shown()).toEqual(['2', '2', '2', '2', '2', '2', '2', '2', '3', '3']);
  expect(live.tileRenders.waiting).toBe(0);
});

test('values going stale on screen all show STALE, through the same budget', async () => {
  mount(50);
  act(() => socket.fire('samples', samples(1)));
  await frame();
  expect(shown()).toEqual(IDS.map(() => '1'));
  await act(() => new Promise((r) => setTimeout(r, 80))); // past staleAfterMs
  act(() => live.samples.sweep()); // the client's once-a-second sweep
  expect(shown().filter((t) => t === '1 STALE')).toHaveLength(4);
  await frame();
  await frame();
  expect(shown()).toEqual(IDS.map(() => '1 STALE'));
});
