import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import type { AlarmDto, ScreenDto } from '@idm/contracts';
import { FrameBatcher } from '../../../lib/live/frame-batcher';
import { sortAlarms } from '../../../lib/live/alarm-state';
import { useAlarmState, useConnection, useLive, useWatchSamples } from '../../../lib/live/LiveProvider';
import { LiveScreen } from './live-screen';
import './screens.css';

/** The most important current alarm of each sensor (critical first, then newest). */
function alarmsByTag(alarms: Iterable<AlarmDto>): Map<string, AlarmDto> {
  const out = new Map<string, AlarmDto>();
  for (const a of sortAlarms(alarms)) if (a.sensor_id && !out.has(a.sensor_id)) out.set(a.sensor_id, a);
  return out;
}

/** Where a click on a bound element goes: the sensor's detail or the linked screen. */
export function targetPath(target: string): string | null {
  if (target.startsWith('sensor:')) return `/sensors/${encodeURIComponent(target.slice(7))}`;
  if (target.startsWith('screen:')) return `/graphics/${encodeURIComponent(target.slice(7))}`;
  return null;
}

/**
 * A screen's drawing, live: one sample subscription for the tags on it (the tiles' data path), bound
 * elements redrawn once per animation frame for the tags that changed.
 */
export function ScreenView({ screen }: { screen: ScreenDto }) {
  const box = useRef<HTMLDivElement>(null);
  const live = useLive();
  const alarmState = useAlarmState();
  const conn = useConnection();
  const navigate = useNavigate();
  const [mounted, setMounted] = useState<LiveScreen | null>(null);
  const [error, setError] = useState<string | null>(null);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    try {
      setMounted(new LiveScreen(el, screen.svg, screen.bindings));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    return () => el.replaceChildren();
  }, [screen.svg, screen.bindings]);

  useWatchSamples(useMemo(() => mounted?.tags ?? [], [mounted]));

  // What the frame callback reads: the latest alarms and link state without re-subscribing.
  const latest = useRef({ alarms: new Map<string, AlarmDto>(), linkDown: false });
  latest.current = { alarms: alarmsByTag(alarmState.alarms.values()), linkDown: conn.state === 'offline' };
  const batcher = useRef<FrameBatcher<string> | null>(null);

  useEffect(() => {
    if (!mounted) return;
    const b = new FrameBatcher<string>((tags) => {
      for (const tag of new Set(tags)) mounted.update(tag, { live: live?.samples.get(tag), alarm: latest.current.alarms.get(tag) }, latest.current.linkDown);
    });
    batcher.current = b;
    const unsubscribe = live ? mounted.tags.map((tag) => live.samples.subscribe(tag, () => b.push(tag))) : [];
    for (const tag of mounted.tags) b.push(tag);
    return () => {
      unsubscribe.forEach((u) => u());
      batcher.current = null;
    };
  }, [mounted, live]);

  // An alarm or connection change redraws every bound tag (cheap: attribute writes, next frame).
  useEffect(() => {
    if (mounted) for (const tag of mounted.tags) batcher.current?.push(tag);
  }, [mounted, alarmState, conn.state]);

  const follow = (e: MouseEvent | KeyboardEvent) => {
    const el = (e.target as Element).closest?.('[data-idm-target]');
    const path = el ? targetPath(el.getAttribute('data-idm-target') ?? '') : null;
    if (path) navigate(path);
  };

  return (
    <>
      {error && (
        <p className="panel abnormal-text" role="alert">
          {error}
        </p>
      )}
      <div
        ref={box}
        className="screen-drawing"
        data-testid="screen-drawing"
        onClick={follow}
        onKeyDown={(e) => e.key === 'Enter' && follow(e)}
      />
    </>
  );
}
