import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { TagDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { LiveClient } from '../../../lib/live/live-client';
import { LiveProvider } from '../../../lib/live/LiveProvider';
import { fakeApi } from '../../../test/fake-api';
import { FakeSocket } from '../../../test/fake-socket';
import { DEFAULT_DATE_TIME, setDateTimeSettings } from '../../../lib/format';
import { TrendsPage } from './TrendsPage';

const saved = vi.hoisted(() => [] as { blob: Blob; name: string }[]);
vi.mock('../../../lib/download', () => ({ saveBlob: (blob: Blob, name: string) => saved.push({ blob, name }) }));

const tag = (sensor_id: string, description: string, unit: string): TagDto =>
  ({ sensor_id, device_id: 'plc-03', area: 'Boiler house', unit, description, source: { register_type: 'holding', address: 0, data_type: 'float32', word_order: 'big', byte_order: 'big' }, scale: 1, offset: 0 }) as TagDto;
const TAGS = [tag('PLC03_PT08', 'Pressure 8 of PLC 03', 'bar'), tag('PLC03_TT01', 'Temperature 1 of PLC 03', '°C'), tag('PLC03_XX09', '', '')];

let socket: FakeSocket;
let live: LiveClient;

beforeEach(() => {
  initConfig({});
  saved.length = 0;
  fakeApi((req) => {
    if (req.url === '/tags') return { status: 200, data: TAGS };
    if (req.url === '/trends/groups') return { status: 200, data: [] };
    if (req.url.endsWith('/history')) {
      const t = Date.now() - 60_000;
      return { status: 200, data: { buckets: [0, 1, 2].map((i) => ({ t: t + i * 10_000, timestamp: new Date(t + i * 10_000).toISOString(), mean: 5 + i, min: 5, max: 7, count: 1 })) } };
    }
    return { status: 404, data: { statusCode: 404, error: 'Not Found', message: 'no' } };
  });
  socket = new FakeSocket();
  live = new LiveClient({ url: 'http://idm', staleAfterMs: 1000, sampleIntervalMs: 500, socketFactory: (() => socket) as never });
  act(() => socket.connect());
});
afterEach(() => {
  cleanup();
  live.close();
});

/** The trends screen as a shared link opens it. */
const open = (link: string) =>
  render(
    <MemoryRouter initialEntries={[link]}>
      <LiveProvider client={live}>
        <TrendsPage />
      </LiveProvider>
    </MemoryRouter>,
  );

test("a shared link's pens read by tag name and unit in the chips and the cursor readout, the id as tooltip", async () => {
  open('/trends?pens=PLC03_PT08,PLC03_TT01,PLC03_XX09&range=1h');
  const chips = screen.getByRole('group', { name: 'Pens' });
  const chip = (id: string) => chips.querySelector(`.pen-chip[data-pen="${id}"]`) as HTMLElement;
  await within(chips).findByText('Pressure 8 of PLC 03');
  expect(chip('PLC03_PT08')).toHaveTextContent('Pressure 8 of PLC 03 (bar)');
  expect(chip('PLC03_PT08')).not.toHaveTextContent('PLC03_PT08');
  expect(chip('PLC03_PT08')).toHaveAttribute('title', 'PLC03_PT08');
  expect(chip('PLC03_TT01')).toHaveTextContent('Temperature 1 of PLC 03 (°C)');
  // A tag without a description is named by its id.
  expect(chip('PLC03_XX09')).toHaveTextContent('PLC03_XX09');
  expect(within(chip('PLC03_PT08')).getByRole('button', { name: 'Remove Pressure 8 of PLC 03' })).toBeInTheDocument();

  const readout = screen.getByTestId('cursor-readout');
  const names = [...readout.querySelectorAll('[data-testid=pen-name]')];
  expect(names.map((n) => n.textContent?.trim())).toEqual(['Pressure 8 of PLC 03', 'Temperature 1 of PLC 03', 'PLC03_XX09']);
  expect(names.map((n) => n.getAttribute('title'))).toEqual(['PLC03_PT08', 'PLC03_TT01', 'PLC03_XX09']);
  expect(within(readout.querySelector('tr[data-pen="PLC03_PT08"]') as HTMLElement).getByText('bar')).toBeInTheDocument();
});

test('the CSV export names each column by tag name and unit', async () => {
  const user = userEvent.setup();
  open('/trends?pens=PLC03_PT08,PLC03_XX09&range=1h');
  await within(screen.getByRole('group', { name: 'Pens' })).findByText('Pressure 8 of PLC 03');
  // The pen picker names the other tags too.
  expect(screen.getByRole('option', { name: 'Temperature 1 of PLC 03 (PLC03_TT01) · Boiler house' })).toBeInTheDocument();
  await user.click(screen.getByRole('button', { name: 'Export CSV' }));
  expect(saved).toHaveLength(1);
  const text = await new Promise<string>((resolve) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.readAsText(saved[0].blob);
  });
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0];
  expect(header).toBe('time_local,time_utc,Pressure 8 of PLC 03 (bar),PLC03_XX09');
});

test("the trend's range can be typed in the product's format; a wrong one is refused naming the field", async () => {
  setDateTimeSettings({ locale: null, time_zone: 'UTC' });
  try {
    const user = userEvent.setup();
    open('/trends?pens=PLC03_PT08&from=2026-12-07T10:00:00.000Z&to=2026-12-07T11:00:00.000Z');
    const range = screen.getByRole('form', { name: 'Date range' });
    const from = within(range).getByLabelText('From');
    expect(from).toHaveValue('2026-12-07 10:00');
    expect(within(range).getByLabelText('To')).toHaveValue('2026-12-07 11:00');
    await user.clear(from);
    await user.type(from, '12/07/2026 9:30 AM{Enter}');
    expect(within(range).getByRole('alert')).toHaveTextContent('From: "12/07/2026 9:30 AM" is not a date and time, write it like 2026-12-07 14:05');
    expect(screen.getByTestId('multi-pen-chart')).toHaveAttribute('data-from', String(Date.parse('2026-12-07T10:00:00Z')));
    await user.clear(from);
    await user.type(from, '2026-12-07 09:30{Enter}');
    expect(screen.getByTestId('multi-pen-chart')).toHaveAttribute('data-from', String(Date.parse('2026-12-07T09:30:00Z')));
    expect(screen.queryByRole('alert')).toBeNull();
  } finally {
    setDateTimeSettings(DEFAULT_DATE_TIME);
  }
});

test('two pens picked before the page re-renders both land (the second does not overwrite the first)', async () => {
  open('/trends?pens=PLC03_PT08&range=1h');
  const chips = screen.getByRole('group', { name: 'Pens' });
  await within(chips).findByText('Pressure 8 of PLC 03');
  const picker = screen.getByRole('option', { name: /^Temperature 1 of PLC 03/ }).closest('select') as HTMLSelectElement;
  // Both changes in one act: React re-renders only after both, as when an operator picks fast on a busy screen.
  act(() => {
    fireEvent.change(picker, { target: { value: 'PLC03_TT01' } });
    fireEvent.change(picker, { target: { value: 'PLC03_XX09' } });
  });
  const ids = () => [...chips.querySelectorAll('.pen-chip')].map((c) => c.getAttribute('data-pen'));
  expect(ids()).toEqual(['PLC03_PT08', 'PLC03_TT01', 'PLC03_XX09']);
  // A later change still builds on what the address now says.
  act(() => fireEvent.click(within(chips).getByRole('button', { name: 'Remove Pressure 8 of PLC 03' })));
  expect(ids()).toEqual(['PLC03_TT01', 'PLC03_XX09']);
});

test('without pens the screen says how to add one, and when there are no tags at all, who adds them', async () => {
  open('/trends');
  expect(await screen.findByText(/^No pens yet/)).toHaveTextContent('No pens yet: choose a tag under Add pen (up to 8, compared on one time axis).');
  cleanup();
  fakeApi(() => ({ status: 200, data: [] }));
  open('/trends');
  expect(await screen.findByText(/^No tags to trend yet/)).toHaveTextContent('an admin imports a device file under Devices.');
});
