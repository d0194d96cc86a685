import { useEffect, useState } from 'react';

/** The wall clock, re-read every `everyMs` while `running` (a stopped clock keeps its last reading and no timer). */
export function useNow(everyMs: number, running = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs, running]);
  return now;
}
