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
  /** The `sample` events of one sensor, in arrival order. */
  samplesOf(sensorId: string): Array<LiveSampleDto & { received_at: number }>;
  subscribe(sensorIds: unknown, minIntervalMs?: unknown): Promise<{ ok: boolean; message?: string }>;
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
    samplesOf: (sensorId) => screen.samples.filter((s) => s.sensor_id === sensorId),
    // Bad payloads are the point of some tests, so the request is sent untyped.
    subscribe: (sensorIds, minIntervalMs) =>
      socket.timeout(5000).emitWithAck('samples:subscribe', { sensor_ids: sensorIds, min_interval_ms: minIntervalMs } as { sensor_ids: string[]; min_interval_ms?: number }),
    unsubscribe: (sensorIds) => socket.timeout(5000).emitWithAck('samples:unsubscribe', { sensor_ids: sensorIds }),
  };
  socket.on('alarm', (e) => screen.alarms.push(e));
  socket.on('sample', (s) => screen.samples.push({ ...s, received_at: Date.now() }));
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
