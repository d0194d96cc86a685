import { useCallback, useEffect, useRef, useState } from 'react';
import { toUiError, type UiError } from './errors';

export interface Resource<T> {
  data: T | undefined;
  error: UiError | null;
  loading: boolean;
  reload(): void;
}

/** Loads `load()` on mount and when `key` changes; with `everyMs`, reloads on that pace (keeping old data meanwhile). */
export function useResource<T>(load: () => Promise<T>, key: string, everyMs?: number): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<UiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let alive = true;
    setLoading(true);
    loadRef
      .current()
      .then((d) => alive && (setData(d), setError(null)))
      .catch((e: unknown) => alive && setError(toUiError(e)))
      .finally(() => alive && setLoading(false));
    return () => {
      alive = false;
    };
  }, [key, tick]);

  useEffect(() => {
    if (!everyMs) return;
    const t = setInterval(() => setTick((n) => n + 1), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}
