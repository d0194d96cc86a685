import { io, Socket } from 'socket.io-client';
import type { AlarmEventDto, AlarmSnapshotDto, ClientToServerEvents, LiveSampleDto, ServerToClientEvents } from '@idm/contracts';
import { eventually } from './modbus';

export type ScreenSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A control-room screen as the server sees it: one socket, everything it was pushed, with arrival times. */
export interface LiveScreen {
  socket: ScreenSocket;
  snapshot: Promise<AlarmSnapshotDto>;
  alarms: AlarmEventDto[];
  samples: Array<LiveSampleDto & { received_at: number }>;
  /** Every message that carried samples: `sample` (one) or `samples` (an array, `batch: true`), with its size. */
  messages: Array<{ event: 'sample' | 'samples'; count: number }>;
  /** The samples of one sensor (from `sample` and `samples` events), in arrival order. */
  samplesOf(sensorId: string): Array<LiveSampleDto & { received_at: number }>;
  subscribe(sensorIds: unknown, minIntervalMs?: unknown, batch?: unknown): Promise<{ ok: boolean; message?: string }>;
  unsubscribe(sensorIds: string[]): Promise<{ ok: boolean }>;
}

export function openLiveScreen(url: string, token: string): LiveScreen {
  const socket: ScreenSocket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const screen: LiveScreen = {
    socket,
    snapshot: new Promise((resolve, reject) => {
      socket.once('alarms:snapshot', resolve);
      socket.once('connect_error', reject);
    }),
    alarms: [],
    samples: [],
    messages: [],
    samplesOf: (sensorId) => screen.samples.filter((s) => s.sensor_id === sensorId),
    // Bad payloads are the point of some tests, so the request is sent untyped.
    subscribe: (sensorIds, minIntervalMs, batch) =>
      socket.timeout(5000).emitWithAck('samples:subscribe', { sensor_ids: sensorIds, min_interval_ms: minIntervalMs, batch } as { sensor_ids: string[]; min_interval_ms?: number; batch?: boolean }),
    unsubscribe: (sensorIds) => socket.timeout(5000).emitWithAck('samples:unsubscribe', { sensor_ids: sensorIds }),
  };
  socket.on('alarm', (e) => screen.alarms.push(e));
  socket.on('sample', (s) => {
    screen.messages.push({ event: 'sample', count: 1 });
    screen.samples.push({ ...s, received_at: Date.now() });
  });
  socket.on('samples', (list) => {
    screen.messages.push({ event: 'samples', count: list.length });
    const at = Date.now();
    for (const s of list) screen.samples.push({ ...s, received_at: at });
  });
  return screen;
}

/** Polls `fn` until it returns something truthy; throws after `timeoutMs`. */
export async function until<T>(fn: () => T | undefined | null | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const v = await eventually(fn, (x) => !!x, timeoutMs, 20);
  if (!v) throw new Error(`${what} not met within ${timeoutMs} ms`);
  return v;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Milliseconds between consecutive arrivals (the server spaces one sensor's samples `min_interval_ms` apart). */
export function sampleGaps(samples: ReadonlyArray<{ received_at: number }>): number[] {
  return samples.slice(1).map((s, i) => s.received_at - samples[i].received_at);
}

/**
 * The server's throttle as one socket sees it: no two samples of a sensor arrive closer than half an interval
 * (an unthrottled or doubled send would be ~0–80 ms apart). Arrival times cannot show the spacing to the
 * millisecond: the socket shares the test's process, and a message delayed on a busy machine shortens the gap
 * after it (per-gap and whole-series checks both failed by 1 ms in loaded CI runs). The exact spacing is proven
 * with fake timers in `libs/live/src/live-samples.spec.ts`.
 */
export function expectThrottled(samples: ReadonlyArray<{ received_at: number }>, intervalMs: number): void {
  for (const gap of sampleGaps(samples)) expect(gap).toBeGreaterThanOrEqual(intervalMs / 2);
}
