import { render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { beforeEach, expect, test, vi } from 'vitest';
import type { AlarmDto, TagDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { fakeApi } from '../../../test/fake-api';
import { alarmFixture } from '../../../test/fixtures';
import { SensorDetailPage } from './SensorDetailPage';

// The page reads the live alarms and values; the test plays them (no socket).
const live = vi.hoisted(() => ({ alarms: new Map<string, AlarmDto>() }));
vi.mock('../../../lib/live/LiveProvider', () => ({
  useAlarmState: () => ({ alarms: live.alarms }),
  useLiveValue: () => undefined,
  useWatchSamples: () => {},
}));

const TAG = {
  sensor_id: 'P02-PT-008', device_id: 'plc-02', area: 'Boiler house', unit: 'bar', description: 'Pressure 8 of PLC 02',
  source: { register_type: 'holding', address: 8, data_type: 'float32' },
} as unknown as TagDto;

beforeEach(() => {
  initConfig({});
  live.alarms = new Map();
  fakeApi((req) => {
    if (req.url === '/tags/P02-PT-008') return { status: 200, data: TAG };
    if (req.url === '/sensors/P02-PT-008/history') return { status: 200, data: { buckets: [] } };
    if (req.url === '/devices') return { status: 200, data: [{ id: 'plc-02', name: 'Boiler PLC 02' }] };
    return { status: 200, data: [] };
  });
});

const show = () => render(<RouterProvider router={createMemoryRouter([{ path: '/sensors/:id', element: <SensorDetailPage /> }], { initialEntries: ['/sensors/P02-PT-008'] })} />);

test("the sensor's alarm line reads what is wrong first, as the alarm summary, banner and journal do", async () => {
  const message = 'P02-PT-008 Pressure 8 of PLC 02 (Boiler house): above HiHi 7.387 (10.24 bar)';
  live.alarms = new Map([['a1', alarmFixture('P02-PT-008', { id: 'a1', message, priority: 'critical' })]]);
  show();
  const line = await screen.findByText(/^above HiHi 7\.387 \(10\.24 bar\) · Pressure 8 of PLC 02 \(Boiler house\)$/);
  expect(line).toHaveAttribute('title', message);
  expect(line.closest('.tile-state')).toHaveTextContent('UNACK');
});

test('the header names the device by its name, the id in the tooltip', async () => {
  show();
  const device = await screen.findByText('Boiler PLC 02');
  expect(device).toHaveAttribute('title', 'device id plc-02');
  expect(device.parentElement).toHaveTextContent(/^Boiler house · Boiler PLC 02/);
});
