import { io, type Socket } from 'socket.io-client';
import type { AlarmEventDto, ClientToServerEvents, LiveSampleDto, ServerToClientEvents } from '@idm/contracts';
import { refreshAccessToken } from '../api';
import { getSession } from '../session';
import { applyEvents, applySnapshot, EMPTY_ALARMS, type AlarmState } from './alarm-state';
import { FrameBatcher } from './frame-batcher';
import { RenderBudget } from './render-budget';
import { SampleStore } from './sample-store';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface ConnectionInfo {
  state: ConnectionState;
  /** Why the last attempt failed, for the indicator's tooltip. */
  error: string | null;
}

type Listener = () => void;

/**
 * Tile re-renders per frame on a live screen. Each costs ~0.2 ms of script, layout and paint on top of ~5 ms
 * the browser spends on any frame that changes layout (hit test, its content-visibility observation of the
 * tile groups, layerizing): 32 keep a frame near ~10 ms of CPU, and the ~80 tiles of a 1920×1080 overview
 * catch up in 3 frames.
 */
export const TILE_RENDERS_PER_FRAME = 32;

/**
 * Samples applied to the store per frame (~2.5 µs each with their listeners): the 2 000 samples a plant
 * polled in step delivers at once go in over 4 frames, alongside the tiles' renders, not all in the first.
 */
export const SAMPLES_PER_FRAME = 600;

/** A server-side close this close to the access token's expiry is the token running out. */
const RENEW_MARGIN_MS = 30_000;

function tokenExpiresWithin(ms: number): boolean {
  const session = getSession();
  return !!session && session.expiresAt - Date.now() < ms;
}

/**
 * One Socket.IO connection per screen: the alarm stream (snapshot, numbered events, resume after a
 * reconnect), live samples for the sensors on screen, and the connection state. Updates are batched per
 * animation frame. React reads it through `useSyncExternalStore` (see hooks.ts).
 */
export class LiveClient {
  readonly samples: SampleStore;
  /** Re-renders of live values on screen, spread over frames (see RenderBudget). */
  readonly tileRenders: RenderBudget;
  private socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private alarms: AlarmState = EMPTY_ALARMS;
  private conn: ConnectionInfo = { state: 'connecting', error: null };
  private alarmListeners = new Set<Listener>();
  private connListeners = new Set<Listener>();
  private wanted = new Map<string, number>();
  private alarmBatch = new FrameBatcher<AlarmEventDto>((events) => this.applyAlarmEvents(events));
  private sampleBatch = new FrameBatcher<LiveSampleDto>((s) => this.samples.apply(s), SAMPLES_PER_FRAME);
  private sweepTimer: ReturnType<typeof setInterval>;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private connectedBefore = false;
  private closed = false;

  constructor(opts: { url: string; staleAfterMs: number; sampleIntervalMs: number; socketFactory?: typeof io; tileRendersPerFrame?: number }) {
    this.samples = new SampleStore(opts.staleAfterMs);
    this.tileRenders = new RenderBudget(opts.tileRendersPerFrame ?? TILE_RENDERS_PER_FRAME);
    const make = opts.socketFactory ?? io;
    // The token is read at every (re)connection, so a refreshed token is used without a new client.
    this.socket = make(opts.url, {
      transports: ['websocket'],
      auth: (cb) => cb({ token: getSession()?.accessToken ?? '' }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    const s = this.socket;
    s.on('connect', () => {
      this.setConn({ state: 'online', error: null });
      if (this.connectedBefore) s.emit('alarms:resume', { last_seq: this.alarms.seq }, () => undefined);
      this.connectedBefore = true;
      const ids = [...this.wanted.keys()];
      if (ids.length) s.emit('samples:subscribe', { sensor_ids: ids, min_interval_ms: opts.sampleIntervalMs, batch: true }, () => undefined);
    });
    s.on('disconnect', (reason) => {
      // socket.io does not come back by itself after the server closed the connection. The server does so
      // when the access token expires: renew it and come straight back (the screen shows "connecting",
      // not "lost", for that moment). Otherwise (user disabled, session ended) try again shortly; a refused
      // handshake then ends the session properly.
      const renewing = reason === 'io server disconnect' && !this.closed && tokenExpiresWithin(RENEW_MARGIN_MS);
      this.setConn({ state: renewing ? 'connecting' : 'offline', error: reason });
      if (renewing) refreshAccessToken().then(() => !this.closed && this.socket.connect(), () => this.scheduleRetry());
      else if (reason === 'io server disconnect' && !this.closed) this.scheduleRetry();
    });
    s.on('connect_error', (err) => this.onConnectError(err));
    s.on('alarms:snapshot', (snap) => {
      this.touch();
      this.alarms = applySnapshot(snap);
      this.alarmListeners.forEach((l) => l());
    });
    s.on('alarm', (e) => {
      this.touch();
      this.alarmBatch.push(e);
    });
    s.on('alarms:batch', (b) => {
      this.touch();
      b.events.forEach((e) => this.alarmBatch.push(e));
    });
    s.on('alarms:flood', (f) => {
      this.touch();
      if (this.alarms.flood !== f.active) {
        this.alarms = { ...this.alarms, flood: f.active };
        this.alarmListeners.forEach((l) => l());
      }
    });
    // `batch: true`: the server sends what is due in one tick as one `samples` message (one WebSocket message
    // to decode a second instead of one per tag); `sample` stays handled (a server from before batching).
    s.on('samples', (samples) => {
      this.touch();
      this.lastSample = this.lastMessage;
      for (const sample of samples) this.sampleBatch.push(sample);
    });
    s.on('sample', (sample) => {
      this.touch();
      this.lastSample = this.lastMessage;
      this.sampleBatch.push(sample);
    });
    this.sweepTimer = setInterval(() => this.samples.sweep(), 1000);
    this.sampleIntervalMs = opts.sampleIntervalMs;
  }

  private sampleIntervalMs: number;

  getAlarms = (): AlarmState => this.alarms;
  getConnection = (): ConnectionInfo => this.conn;

  subscribeAlarms = (l: Listener): (() => void) => {
    this.alarmListeners.add(l);
    return () => this.alarmListeners.delete(l);
  };

  subscribeConnection = (l: Listener): (() => void) => {
    this.connListeners.add(l);
    return () => this.connListeners.delete(l);
  };

  /** Asks for live samples of these sensors (reference counted); returns the matching release. */
  watchSamples(ids: readonly string[]): () => void {
    const fresh = ids.filter((id) => {
      const n = this.wanted.get(id) ?? 0;
      this.wanted.set(id, n + 1);
      return n === 0;
    });
    if (fresh.length && this.socket.connected) {
      for (let i = 0; i < fresh.length; i += 5000) {
        this.socket.emit('samples:subscribe', { sensor_ids: fresh.slice(i, i + 5000), min_interval_ms: this.sampleIntervalMs, batch: true }, () => undefined);
      }
    }
    return () => {
      const gone = ids.filter((id) => {
        const n = (this.wanted.get(id) ?? 1) - 1;
        if (n <= 0) this.wanted.delete(id);
        else this.wanted.set(id, n);
        return n <= 0;
      });
      if (gone.length && this.socket.connected) this.socket.emit('samples:unsubscribe', { sensor_ids: gone }, () => undefined);
    };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweepTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket.disconnect();
  }

  private applyAlarmEvents(events: AlarmEventDto[]): void {
    const { state, gap } = applyEvents(this.alarms, events);
    if (gap) this.socket.emit('alarms:resume', { last_seq: this.alarms.seq }, () => undefined);
    // After a gap keep what we had and let the replay (or a snapshot) bring the missing events in order.
    if (!gap && state !== this.alarms) {
      this.alarms = state;
      this.alarmListeners.forEach((l) => l());
    }
  }

  private onConnectError(err: Error): void {
    this.setConn({ state: 'offline', error: err.message });
    if (this.socket.active || this.closed) return; // socket.io keeps retrying by itself
    // The server refused the handshake (middleware error): refresh an expired token, then try again.
    if (/expired|token|session/i.test(err.message)) refreshAccessToken().then(() => !this.closed && this.socket.connect(), () => this.scheduleRetry());
    else this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => !this.closed && this.socket.connect(), 2000);
  }

  private lastMessage: number | null = null;
  private lastSample: number | null = null;

  /** Epoch ms of the last live sample, and whether any are expected (sensors on screen). */
  samplesInfo = (): { lastAt: number | null; watching: boolean } => ({ lastAt: this.lastSample, watching: this.wanted.size > 0 });

  /** Epoch ms of the last message from the server; read by the indicator's own clock, not announced. */
  lastMessageAt = (): number | null => this.lastMessage;

  private touch(): void {
    this.lastMessage = Date.now();
  }

  private setConn(patch: Partial<ConnectionInfo>): void {
    this.conn = { ...this.conn, ...patch };
    this.connListeners.forEach((l) => l());
  }
}
