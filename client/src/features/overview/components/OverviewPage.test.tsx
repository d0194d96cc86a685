import { act, cleanup, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { DeviceDto, DeviceStatusDto, TagDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { LiveClient } from '../../../lib/live/live-client';
import { LiveProvider } from '../../../lib/live/LiveProvider';
import { fakeApi } from '../../../test/fake-api';
import { FakeSocket } from '../../../test/fake-socket';
import { OverviewPage } from './OverviewPage';

const tag = (sensor_id: string, device_id: string, area: string, unit: string): TagDto =>
  ({ sensor_id, device_id, area, unit, description: `${sensor_id} desc`, register_type: 'holding', address: 0, data_type: 'float32', word_order: 'big', byte_order: 'big', scale: 1, offset: 0 }) as TagDto;
const TAGS = [tag('TT-1', 'plc-1', 'Boiler house', '°C'), tag('PT-1', 'plc-1', 'Boiler house', 'bar'), tag('FT-1', 'plc-2', 'Turbine hall', 'm³/h')];
const DEVICES = [{ id: 'plc-1', name: 'PLC 1' }, { id: 'plc-2', name: 'PLC 2' }] as DeviceDto[];
const STATUS = [
  { device_id: 'plc-1', state: 'connected', last_poll_duration_ms: 4, last_good_poll_at: Date.now() },
  { device_id: 'plc-2', state: 'comm_failure', last_poll_duration_ms: null, last_good_poll_at: Date.parse('2026-11-27T09:15:00Z') },
] as DeviceStatusDto[];

let socket: FakeSocket;
let live: LiveClient;

beforeEach(async () => {
  initConfig({});
  fakeApi((req) => {
    if (req.url === '/tags') return { status: 200, data: TAGS };
    if (req.url === '/devices') return { status: 200, data: DEVICES };
    if (req.url === '/devices/status') return { status: 200, data: STATUS };
    if (req.url === '/sensors')
      return {
        status: 200,
        data: [
          { sensor_id: 'TT-1', registered: true, unit: '°C', area: 'Boiler house', description: null, device_id: 'plc-1', latest: { sensor_id: 'TT-1', timestamp: new Date().toISOString(), value: 64.5, status: 'normal', quality: 'good' } },
          { sensor_id: 'LAB-7', registered: false, unit: null, area: null, description: null, device_id: null, latest: null },
        ],
      };
    return { status: 404, data: { statusCode: 404, error: 'Not Found', message: 'no' } };
  });
  socket = new FakeSocket();
  live = new LiveClient({ url: 'http://idm', staleAfterMs: 1000, sampleIntervalMs: 500, socketFactory: (() => socket) as never });
  act(() => socket.connect());
  render(
    <MemoryRouter>
      <LiveProvider client={live}>
        <OverviewPage />
      </LiveProvider>
    </MemoryRouter>,
  );
  // Let the first REST answers land.
  await act(() => new Promise((r) => setTimeout(r, 30)));
});
afterEach(() => {
  cleanup();
  live.close();
});

const tile = (id: string) => document.querySelector(`[data-sensor-id="${id}"]`) as HTMLElement;
const sample = (sensor_id: string, value: number) => ({ sensor_id, value, timestamp: new Date().toISOString(), quality: 'good', status: 'normal' });

test('tiles are grouped by area and device, with the comm status of each device', async () => {
  const boiler = await screen.findByRole('region', { name: 'Boiler house' });
  expect(within(boiler).getByText('PLC 1')).toBeInTheDocument();
  expect(within(boiler).getByText(/comm OK/)).toBeInTheDocument();
  expect([...boiler.querySelectorAll('[data-sensor-id]')].map((t) => t.getAttribute('data-sensor-id'))).toEqual(['PT-1', 'TT-1']);
  const turbine = screen.getByRole('region', { name: 'Turbine hall' });
  expect(await within(turbine).findByText(/COMM FAILURE since/)).toBeInTheDocument();
  // The area summary says where to look without scrolling.
  const areas = screen.getByRole('navigation', { name: 'Areas' });
  expect(within(areas).getByRole('link', { name: /Turbine hall/ })).toHaveTextContent('1 comm fail');
  expect(within(areas).getByRole('link', { name: /Boiler house/ })).toHaveTextContent('normal');
});

test('the latest stored value fills a tile at once; sensors that only post over REST get tiles too', async () => {
  expect(within(tile('TT-1')).getByTestId('tile-value')).toHaveTextContent('64.50');
  const rest = screen.getByRole('region', { name: 'Posted over REST' });
  expect(within(rest).getByText('LAB-7')).toBeInTheDocument();
});

test('only the tiles on screen are subscribed, and live samples show with their unit', async () => {
  await screen.findByRole('region', { name: 'Boiler house' });
  const subscribed = socket.sentOf('samples:subscribe').flatMap((p) => (p as { sensor_ids: string[] }).sensor_ids);
  expect(subscribed.sort()).toEqual(['FT-1', 'LAB-7', 'PT-1', 'TT-1']);
  expect(socket.sentOf('samples:unsubscribe')).toEqual([]);
  expect(within(tile('FT-1')).getByText('no data yet')).toBeInTheDocument();
  await act(async () => {
    socket.fire('sample', sample('TT-1', 71.234));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(within(tile('TT-1')).getByTestId('tile-value')).toHaveTextContent('71.23');
  expect(within(tile('TT-1')).getByText('°C')).toBeInTheDocument();
});

test('a value that stops arriving is marked stale, and an alarm shows on its tile with priority and word', async () => {
  await screen.findByRole('region', { name: 'Boiler house' });
  await act(async () => {
    socket.fire('sample', sample('PT-1', 5.5));
    socket.fire('alarms:snapshot', {
      seq: 1,
      flood: false,
      alarms: [{ id: 'a1', sensor_id: 'PT-1', source_id: 'PT-1', priority: 'critical', state: 'unack_active', acknowledged: false, raised_at: null, updated_at: '' }],
    });
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(tile('PT-1')).toHaveClass('alarm-critical');
  expect(within(tile('PT-1')).getByText('UNACK')).toBeInTheDocument();
  expect(within(tile('PT-1')).getByTitle('Critical priority')).toBeInTheDocument();
  expect(within(tile('PT-1')).queryByText('STALE')).toBeNull();
  expect(await within(tile('PT-1')).findByText('STALE', {}, { timeout: 3000 })).toBeInTheDocument();
  expect(tile('TT-1')).not.toHaveClass('alarm-critical');
});
