import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { expect, test } from 'vitest';
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
  expect(rows[0]).toHaveTextContent('OPEN');
  expect(within(rows[0]).getByRole('link', { name: 'Alarm sensor:TT-101|limit' })).toHaveAttribute('href', '/alarms?alarm=sensor%3ATT-101%7Climit');
  expect(rows[1]).toHaveTextContent('stuck');
  expect(within(rows[1]).queryByRole('link')).toBeNull();
});

test('shows nothing when the range has no episodes', () => {
  const { container } = render(
    <MemoryRouter>
      <EpisodeList episodes={[]} />
    </MemoryRouter>,
  );
  expect(container).toBeEmptyDOMElement();
});
