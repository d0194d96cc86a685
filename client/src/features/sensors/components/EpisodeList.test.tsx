import { act, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, expect, test, vi } from 'vitest';
import { episodeFixture } from '../../../test/fixtures';
import { EpisodeList } from './EpisodeList';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 10, minute)).toISOString();

test('lists the newest episodes of the range, each with a link to the alarm it raised', () => {
  const episodes = [
    episodeFixture('TT-101', at(30), { alarm_id: 'sensor:TT-101|limit', resolved: false }),
    episodeFixture('TT-101', at(20), { anomaly_type: 'stuck', severity: 'low', resolved: true }),
    ...[10, 9, 8, 7, 6, 5, 4, 3, 2].map((m) => episodeFixture('TT-101', at(m), { alarm_id: 'sensor:TT-101|limit', resolved: true })),
  ];
  render(
    <MemoryRouter>
      <EpisodeList episodes={episodes} />
    </MemoryRouter>,
  );
  const rows = within(screen.getByRole('table', { name: 'Anomaly episodes in this range' })).getAllByRole('row').slice(1);
  expect(rows).toHaveLength(10);
  // Ended but its alarm not acknowledged: never OPEN (that is for an episode still going on).
  expect(rows[0]).not.toHaveTextContent('OPEN');
  expect(rows[0]).toHaveTextContent('ended, unacknowledged');
  expect(within(rows[0]).getByRole('link', { name: 'Alarm sensor:TT-101|limit' })).toHaveAttribute('href', '/alarms?alarm=sensor%3ATT-101%7Climit');
  expect(rows[1]).toHaveTextContent('stuck');
  expect(within(rows[1]).queryByRole('link')).toBeNull();
});

afterEach(() => {
  vi.useRealTimers();
});

test('an episode still going on says so instead of an end time, its duration counting from its start', () => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse(at(34)) + 5_000);
  // Stored at its opening: the last anomalous sample written so far is its start.
  const ongoing = episodeFixture('TT-101', at(30), { active: true, end_timestamp: at(30), samples: 1 });
  const closed = episodeFixture('TT-101', at(20), { active: false, end_timestamp: at(21) });
  render(
    <MemoryRouter>
      <EpisodeList episodes={[ongoing, closed]} />
    </MemoryRouter>,
  );
  const rows = within(screen.getByRole('table', { name: 'Anomaly episodes in this range' })).getAllByRole('row').slice(1);
  const lastSample = (row: HTMLElement) => within(row).getAllByRole('cell')[1];
  expect(lastSample(rows[0])).toHaveTextContent(/^ongoing \(4 min 05 s\)$/);
  act(() => vi.advanceTimersByTime(60_000));
  expect(lastSample(rows[0])).toHaveTextContent('ongoing (5 min 05 s)');
  expect(rows[0]).toHaveTextContent('OPEN');
  expect(rows[1]).not.toHaveTextContent('OPEN');
  // A closed one shows its last anomalous sample.
  expect(lastSample(rows[1])).not.toHaveTextContent('ongoing');
  expect(lastSample(rows[1]).textContent).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:00$/);
});

test('shows nothing when the range has no episodes', () => {
  const { container } = render(
    <MemoryRouter>
      <EpisodeList episodes={[]} />
    </MemoryRouter>,
  );
  expect(container).toBeEmptyDOMElement();
});
