import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router-dom';
import { beforeEach, expect, test } from 'vitest';
import type { AlarmJournalEntryDto, AlarmJournalPageDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { fakeApi, type FakeRequest } from '../../../test/fake-api';
import { DEFAULT_DATE_TIME, setDateTimeSettings } from '../../../lib/format';
import { JournalPage } from './JournalPage';
import { presetRange, shiftStart } from './journal-range';

const entry = (id: string, over: Partial<AlarmJournalEntryDto>): AlarmJournalEntryDto => ({
  id, at: '2026-12-07T04:00:00.000Z', kind: 'raised', alarm_id: 'sensor:TT-101|limit', source_type: 'sensor', source_id: 'TT-101', sensor_id: 'TT-101',
  area: 'Boiler house', condition: 'limit', priority: 'critical', from: 'normal', to: 'unack_active', user: null, message: 'TT-101 above high limit', comment: null, ...over,
});
const PAGE: AlarmJournalPageDto = {
  items: [
    entry('e2', { kind: 'acknowledged', at: '2026-12-07T04:05:00.000Z', from: 'unack_active', to: 'ack_active', user: 'j.smith', comment: 'valve closed' }),
    entry('e1', {}),
  ],
  total: 102, page: 1, limit: 100, pages: 2, from: '2026-12-06T20:00:00.000Z', to: '2026-12-07T04:10:00.000Z',
};

function Where() {
  return <p data-testid="where">{useLocation().search}</p>;
}
let seen: FakeRequest[];

beforeEach(() => {
  initConfig({});
  seen = fakeApi((req) => (req.url === '/alarms/journal' ? { status: 200, data: PAGE } : { status: 404, data: {} }));
});

test('one line per event with its time, kind, priority, sensor, user and comment; a search goes to the address and pages from 1', async () => {
  const user = userEvent.setup();
  render(<RouterProvider router={createMemoryRouter([{ path: '/journal', element: <><JournalPage /><Where /></> }], { initialEntries: ['/journal'] })} />);
  const ack = (await screen.findByText('j.smith')).closest('tr')!;
  expect(ack).toHaveAttribute('data-kind', 'acknowledged');
  expect(within(ack).getByRole('link', { name: 'TT-101' })).toHaveAttribute('href', '/sensors/TT-101');
  expect(ack).toHaveTextContent('j.smith');
  expect(ack).toHaveTextContent('unack active → ack active');
  expect(ack).toHaveTextContent('TT-101 above high limit — “valve closed”');
  expect(screen.getAllByRole('row')).toHaveLength(3);
  expect(screen.getByTestId('journal-pages')).toHaveTextContent('Page 1 of 2 · 102 events');
  expect(screen.getByRole('button', { name: '← Newer' })).toBeDisabled();

  await user.selectOptions(screen.getByLabelText('Event'), 'acknowledged');
  await user.type(screen.getByLabelText('Text'), 'valve');
  await user.click(screen.getByRole('button', { name: 'Search' }));
  const search = new URLSearchParams(screen.getByTestId('where').textContent!);
  expect(search.get('event')).toBe('acknowledged');
  expect(search.get('q')).toBe('valve');
  expect(search.get('range')).toBe('8h');
  expect(Date.parse(search.get('to')!) - Date.parse(search.get('from')!)).toBe(8 * 3600_000);

  const before = seen.length;
  await user.click(screen.getByRole('button', { name: 'Older →' }));
  expect(new URLSearchParams(screen.getByTestId('where').textContent!).get('page')).toBe('2');
  await screen.findByText('j.smith');
  expect(seen.length).toBeGreaterThan(before);
});

test("a sensor event's message reads what is wrong first, as the alarm summary and banner do; the full message and comment stay in the tooltip", async () => {
  const message = 'P02-PT-008 Pressure 8 of PLC 02 (Boiler house): above HiHi 7.387 (10.24 bar)';
  const items = [entry('e3', { source_id: 'P02-PT-008', sensor_id: 'P02-PT-008', message, user: 'j.smith', kind: 'commented', comment: 'checked' })];
  seen = fakeApi((req) => (req.url === '/alarms/journal' ? { status: 200, data: { ...PAGE, items, total: 1, pages: 1 } } : { status: 404, data: {} }));
  render(<RouterProvider router={createMemoryRouter([{ path: '/journal', element: <JournalPage /> }], { initialEntries: ['/journal'] })} />);
  const row = (await screen.findByText('j.smith')).closest('tr')!;
  const cell = row.querySelector('td.msg')!;
  expect(cell).toHaveTextContent(/^above HiHi 7\.387 \(10\.24 bar\) · Pressure 8 of PLC 02 \(Boiler house\) — “checked”$/);
  expect(cell).toHaveAttribute('title', `${message} — “checked”`);
});

test('the current shift starts at the last of 06:00, 14:00 and 22:00 (local), the night shift the day before', () => {
  expect(shiftStart(new Date(2026, 11, 7, 15, 30)).getTime()).toBe(new Date(2026, 11, 7, 14, 0).getTime());
  expect(shiftStart(new Date(2026, 11, 7, 3, 0)).getTime()).toBe(new Date(2026, 11, 6, 22, 0).getTime());
  expect(shiftStart(new Date(2026, 11, 7, 6, 0)).getTime()).toBe(new Date(2026, 11, 7, 6, 0).getTime());
  const now = new Date(2026, 11, 7, 9, 0).getTime();
  expect(presetRange('prev-shift', now)).toEqual({ from: new Date(2026, 11, 6, 22, 0).getTime(), to: new Date(2026, 11, 7, 6, 0).getTime() });
  expect(presetRange('custom', now)).toBeNull();
});

test("shifts change on the user's own time zone when they set one", async () => {
  const { setDateTimeSettings, DEFAULT_DATE_TIME } = await import('../../../lib/format');
  setDateTimeSettings({ locale: null, time_zone: 'Asia/Kolkata' });
  try {
    // 15:30 in India (UTC+5:30): the shift began at 14:00 there, 08:30 UTC; at 03:00 there, 22:00 the day before.
    expect(shiftStart(new Date('2026-12-07T10:00:00Z')).toISOString()).toBe('2026-12-07T08:30:00.000Z');
    expect(shiftStart(new Date('2026-12-06T21:30:00Z')).toISOString()).toBe('2026-12-06T16:30:00.000Z');
  } finally {
    setDateTimeSettings(DEFAULT_DATE_TIME);
  }
});

test("a custom range is typed in the product's format (24 h, ISO-like), and a wrong date says which field and what is wrong", async () => {
  setDateTimeSettings({ locale: null, time_zone: 'UTC' });
  try {
    const user = userEvent.setup();
    const link = `/journal?from=2026-12-06T20:00:00.000Z&to=2026-12-07T04:10:00.000Z&range=custom`;
    render(<RouterProvider router={createMemoryRouter([{ path: '/journal', element: <><JournalPage /><Where /></> }], { initialEntries: [link] })} />);
    await screen.findByText('j.smith');
    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To');
    expect(from).toHaveValue('2026-12-06 20:00');
    expect(to).toHaveValue('2026-12-07 04:10');
    expect(from).toHaveAttribute('type', 'text'); // never the browser's own picker format

    const before = seen.length;
    await user.clear(from);
    await user.type(from, '2026-13-06 20:00');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(screen.getByRole('alert')).toHaveTextContent('From: month 13 does not exist (01–12), write it like 2026-12-07 14:05');
    expect(from).toHaveAttribute('aria-invalid', 'true');
    expect(new URLSearchParams(screen.getByTestId('where').textContent!).get('from')).toBe('2026-12-06T20:00:00.000Z');
    expect(seen.length).toBe(before);

    await user.clear(from);
    await user.type(from, '2026-12-07 05:00');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(screen.getByRole('alert')).toHaveTextContent('To: must be after From (2026-12-07 05:00)');

    await user.clear(from);
    await user.type(from, '2026-12-06 22:30');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    const search = new URLSearchParams(screen.getByTestId('where').textContent!);
    expect(search.get('from')).toBe('2026-12-06T22:30:00.000Z');
    expect(search.get('to')).toBe('2026-12-07T04:10:00.000Z');
    expect(screen.queryByRole('alert')).toBeNull();
  } finally {
    setDateTimeSettings(DEFAULT_DATE_TIME);
  }
});

test("a device's or an asset's event names it as the operator knows it, the id in the tooltip", async () => {
  const items = [
    entry('d1', { alarm_id: 'device:dev-7f3a|comm_failure', source_type: 'device', source_id: 'dev-7f3a', sensor_id: null, condition: 'comm_failure', message: 'Communication failure: PLC 03' }),
    entry('a1', { alarm_id: 'asset:pump-p101|multivariate', source_type: 'asset', source_id: 'pump-p101', sensor_id: null, condition: 'multivariate', message: 'Equipment health' }),
  ];
  fakeApi((req) =>
    req.url === '/alarms/journal'
      ? { status: 200, data: { ...PAGE, items, total: 2, pages: 1 } }
      : req.url === '/devices'
        ? { status: 200, data: [{ id: 'dev-7f3a', name: 'PLC 03' }] }
        : req.url === '/assets'
          ? { status: 200, data: [{ id: 'pump-p101', name: 'Pump P-101', area: null, sensor_ids: [], settings: {} }] }
          : { status: 200, data: [] },
  );
  render(<RouterProvider router={createMemoryRouter([{ path: '/journal', element: <JournalPage /> }], { initialEntries: ['/journal'] })} />);
  const device = await screen.findByRole('link', { name: 'PLC 03' });
  expect(device).toHaveAttribute('title', 'device id dev-7f3a');
  expect(device).toHaveAttribute('href', '/alarms?alarm=device%3Adev-7f3a%7Ccomm_failure');
  expect(screen.getByRole('link', { name: 'Pump P-101' })).toHaveAttribute('title', 'asset id pump-p101');
  expect(screen.queryByRole('link', { name: 'dev-7f3a' })).toBeNull();
});
