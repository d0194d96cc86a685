import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

export interface RowWindow {
  /** First row in the DOM. */
  start: number;
  /** One past the last row in the DOM. */
  end: number;
}

/**
 * The rows of a long table worth having in the DOM: those in the viewport plus `overscan` either side.
 * `scrolledPast` is how far the table body's top is above the viewport's top (negative while below it).
 */
export function rowWindow(scrolledPast: number, viewport: number, rowHeight: number, count: number, overscan: number): RowWindow {
  const h = Math.max(1, rowHeight);
  const first = Math.floor(Math.max(0, scrolledPast) / h);
  const last = Math.ceil((Math.max(0, scrolledPast) + Math.max(0, viewport + Math.min(0, scrolledPast))) / h);
  const clamp = (n: number) => Math.max(0, Math.min(count, n));
  return { start: clamp(first - overscan), end: clamp(Math.max(last, first + 1) + overscan) };
}

/**
 * Windowing for a table scrolled with the page: above `threshold` rows only the window near the viewport
 * is rendered (the caller puts spacers of `start * rowHeight` and `(count - end) * rowHeight` around it),
 * so a thousand rows cost what forty do. Rows are one line each; their height is measured from a rendered
 * row (`rowSelector` inside `bodyRef`). Below the threshold every row is rendered, as before.
 * `reveal(i)` scrolls row i into the middle of the viewport and renders it at once.
 */
export function useRowWindow(count: number, bodyRef: RefObject<HTMLElement | null>, rowSelector: string, threshold = 120, overscan = 10) {
  const enabled = count > threshold;
  const [rowHeight, setRowHeight] = useState(30);
  // Until measured: a viewport's worth from the top (rows of about 30 px), so the first commit is small too.
  const [win, setWin] = useState<RowWindow>(() => rowWindow(0, window.innerHeight, 30, count, overscan));
  const heightRef = useRef(rowHeight);
  heightRef.current = rowHeight;

  const update = useCallback(() => {
    const body = bodyRef.current;
    if (!body) return;
    const row = body.querySelector<HTMLElement>(rowSelector);
    const h = row?.offsetHeight || heightRef.current;
    if (h !== heightRef.current) {
      heightRef.current = h;
      setRowHeight(h);
    }
    const next = rowWindow(-body.getBoundingClientRect().top, window.innerHeight, h, count, overscan);
    setWin((w) => (w.start === next.start && w.end === next.end ? w : next));
  }, [bodyRef, rowSelector, count, overscan]);

  // Before paint: the first frame already shows the right rows for where the page is scrolled.
  useLayoutEffect(() => {
    if (enabled) update();
  }, [enabled, update]);

  useEffect(() => {
    if (!enabled) return;
    let frame = 0;
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(() => ((frame = 0), update()));
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    return () => {
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
      cancelAnimationFrame(frame);
    };
  }, [enabled, update]);

  const reveal = useCallback(
    (index: number) => {
      const body = bodyRef.current;
      if (!enabled || !body) return;
      const top = body.getBoundingClientRect().top + window.scrollY + index * heightRef.current - window.innerHeight / 2;
      window.scrollTo({ top: Math.max(0, top), behavior: 'instant' });
      update();
    },
    [enabled, bodyRef, update],
  );

  const range = enabled ? { start: Math.min(win.start, count), end: Math.min(win.end, count) } : { start: 0, end: count };
  return { ...range, enabled, rowHeight, reveal };
}
