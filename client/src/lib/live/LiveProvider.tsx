import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode, type RefObject } from 'react';
import { config } from '../../config';
import type { AlarmState } from './alarm-state';
import { EMPTY_ALARMS } from './alarm-state';
import { LiveClient, type ConnectionInfo } from './live-client';
import type { LiveValue } from './sample-store';
import { VisibilityGate, watchSkipped } from './visibility-gate';

const LiveContext = createContext<LiveClient | null>(null);

/** Opens the live connection for the signed-in screen and closes it on sign-out. */
export function LiveProvider({ children, client }: { children: ReactNode; client?: LiveClient }) {
  const [live, setLive] = useState<LiveClient | null>(client ?? null);
  useEffect(() => {
    if (client) return;
    const c = new LiveClient({ url: config().apiBaseUrl || window.location.origin, staleAfterMs: config().staleAfterMs, sampleIntervalMs: config().sampleIntervalMs });
    setLive(c);
    return () => c.close();
  }, [client]);
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveClient | null {
  return useContext(LiveContext);
}

const noop = () => () => undefined;
const OFFLINE: ConnectionInfo = { state: 'connecting', error: null };

export function useAlarmState(): AlarmState {
  const live = useLive();
  return useSyncExternalStore(live?.subscribeAlarms ?? noop, live?.getAlarms ?? (() => EMPTY_ALARMS));
}

export function useConnection(): ConnectionInfo {
  const live = useLive();
  return useSyncExternalStore(live?.subscribeConnection ?? noop, live?.getConnection ?? (() => OFFLINE));
}

/** The live value of one sensor; re-renders only when that sensor changes. */
export function useLiveValue(sensorId: string): LiveValue | undefined {
  const live = useLive();
  return useSyncExternalStore(
    (l) => (live ? live.samples.subscribe(sensorId, l) : () => undefined),
    () => live?.samples.get(sensorId),
  );
}

/**
 * The live value of one sensor for a view that may be far off screen (one of 2 000 overview tiles). `ref`
 * is an element with `content-visibility: auto`, or inside one marked `data-visibility-group`: while the browser
 * skips rendering it, a change does not
 * re-render the view; the element gets a `data-behind` attribute instead, once, so CSS can hide what is no
 * longer current. The view renders the current value as soon as the browser renders the element again
 * (before it scrolls into sight), and its first value at once wherever it is. Props (an alarm, a lost link)
 * re-render it as always, with the current value. A later change on screen waits for the live client's
 * per-frame render budget (`tileRenders`), so a second's worth of samples arriving at once is spread over a
 * few frames.
 */
export function useLiveValueNearScreen(sensorId: string, ref: RefObject<HTMLElement | null>): LiveValue | undefined {
  const live = useLive();
  // A change on screen waits for the frame's render budget (the overview's tiles all change in one frame).
  // The client is read at the change, so a client set after mount does not make a new gate (one made
  // anew would forget it was closed).
  const budget = useRef(live?.tileRenders);
  budget.current = live?.tileRenders;
  const gate = useMemo(
    () =>
      new VisibilityGate(
        (behind) => ref.current?.toggleAttribute('data-behind', behind),
        (render) => (budget.current ? budget.current.schedule(render) : render()),
      ),
    [ref],
  );
  const shown = useRef(false);
  const subscribe = useCallback(
    (l: () => void) => {
      if (!live) return () => undefined;
      const disconnect = gate.connect(l);
      const unsubscribe = live.samples.subscribe(sensorId, () => gate.changed(shown.current));
      return () => {
        unsubscribe();
        disconnect();
      };
    },
    [live, sensorId, gate],
  );
  const value = useSyncExternalStore(subscribe, () => live?.samples.get(sensorId));
  shown.current = value !== undefined;
  useLayoutEffect(() => gate.rendered());
  useEffect(() => {
    // The browser skips a group of views at once where there is one (an intersection observation per
    // `content-visibility: auto` element is recomputed every frame: far fewer groups than tiles).
    const el = ref.current?.closest('[data-visibility-group]') ?? ref.current;
    return el ? watchSkipped(el, (rendered) => gate.setOpen(rendered)) : undefined;
  }, [gate, ref]);
  return value;
}

/**
 * Keeps the server pushing samples of these sensors while the component is mounted. When the list
 * changes, the new list is subscribed before the old one is released, so only the difference goes to
 * the server (no unsubscribe/subscribe churn of the sensors in both).
 */
export function useWatchSamples(ids: readonly string[]): void {
  const live = useLive();
  const key = ids.join('\n');
  const release = useRef<(() => void) | null>(null);
  useEffect(() => {
    const next = live && key ? live.watchSamples(key.split('\n')) : null;
    release.current?.();
    release.current = next;
  }, [live, key]);
  useEffect(
    () => () => {
      release.current?.();
      release.current = null;
    },
    [],
  );
}
