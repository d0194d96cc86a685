import { render, screen } from '@testing-library/react';
import { expect, test } from 'vitest';
import type { ChartModel } from './chart-data';
import { TrendChart } from './TrendChart';

const T0 = Date.parse('2026-12-07T13:00:00Z');
const model = (severities: ChartModel['episodes'][number]['severity'][]): ChartModel => ({
  points: [
    { t: T0, band: [1, 2], mean: 1.5 },
    { t: T0 + 60_000, band: [1, 2], mean: 1.6 },
  ],
  episodes: severities.map((severity, i) => ({ id: `e${i}`, x1: T0 + i * 1000, x2: T0 + i * 1000 + 500, severity, label: 'limit', open: false, active: false })),
  limits: [],
  domain: [T0, T0 + 60_000],
  yDomain: [0, 3],
});

test("the legend's episode swatch has the colour the episodes are shaded in, one per severity shown", () => {
  const { unmount } = render(<TrendChart model={model(['critical', 'low', 'critical'])} unit="bar" onZoom={() => undefined} />);
  const legend = screen.getByText(/critical anomaly episode/).closest('.legend')!;
  const swatches = [...legend.querySelectorAll('[data-severity]')].map((el) => [el.getAttribute('data-severity'), (el.querySelector('.sw') as HTMLElement).style.background]);
  // Critical is shaded red (#d0021b) and low violet (#8e44ad): the legend said orange for every episode.
  expect(swatches).toEqual([
    ['critical', 'rgb(208, 2, 27)'],
    ['low', 'rgb(142, 68, 173)'],
  ]);
  unmount();

  render(<TrendChart model={model([])} unit="bar" onZoom={() => undefined} />);
  expect(screen.queryByText(/anomaly episode/)).toBeNull();
});
