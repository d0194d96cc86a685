import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * The number of columns in a computed `grid-template-columns` ("216px 216px 216px" → 3); null when it is not
 * a list of resolved track sizes (no layout yet, or a browser or test DOM that returns the template as written).
 */
export function gridColumnCount(template: string): number | null {
  const tracks = template.trim().split(/\s+/);
  return tracks.length && tracks.every((t) => /^[\d.]+px$/.test(t)) ? tracks.length : null;
}

/** The last count measured: the first guess of the next grid (every device's grid has the same width). */
let lastColumns = 8;

/** The column count of the grid `ref`, measured before paint and again whenever it is resized. */
export function useGridColumns(ref: RefObject<HTMLElement | null>): number {
  const [columns, setColumns] = useState(lastColumns);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const n = gridColumnCount(getComputedStyle(el).gridTemplateColumns);
      if (n === null) return;
      lastColumns = n;
      setColumns(n);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return columns;
}
