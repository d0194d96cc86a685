import { memo } from 'react';

/** Polyline points of values scaled into a width × height box (y grows downwards). */
export function sparkPoints(values: readonly number[], width: number, height: number, lo?: number, hi?: number): string {
  if (!values.length) return '';
  let min = lo ?? Math.min(...values);
  let max = hi ?? Math.max(...values);
  if (max - min < 1e-9) {
    min -= 1;
    max += 1;
  }
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values.map((v, i) => `${(i * step).toFixed(1)},${(height - ((v - min) / (max - min)) * height).toFixed(1)}`).join(' ');
}

/**
 * A tiny SVG trend for a tile. Hand-drawn rather than a Recharts chart: 2 000 tiles redrawing every
 * second must cost microseconds each.
 */
export const Sparkline = memo(function Sparkline({ values }: { values: readonly number[] }) {
  return (
    <svg className="spark" viewBox="0 0 100 24" preserveAspectRatio="none" aria-hidden="true">
      <polyline points={sparkPoints(values, 100, 22)} transform="translate(0 1)" />
    </svg>
  );
});
