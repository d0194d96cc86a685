import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { initConfig } from '../../../config';
import { LiveClient } from '../../../lib/live/live-client';
import { LiveProvider } from '../../../lib/live/LiveProvider';
import { fakeApi } from '../../../test/fake-api';
import { FakeSocket } from '../../../test/fake-socket';
import { alarmFixture } from '../../../test/fixtures';
import { AlarmBanner } from './AlarmBanner';
import type { AlarmActions } from './AlarmList';

let socket: FakeSocket;
let live: LiveClient;

beforeEach(() => {
  initConfig({});
  fakeApi((req) =>
    req.url === '/devices'
      ? { status: 200, data: [{ id: 'dev-7f3a', name: 'PLC 03' }] }
      : req.url === '/assets'
        ? { status: 200, data: [{ id: 'pump-p101', name: 'Pump P-101', area: null, sensor_ids: [], settings: {} }] }
        : { status: 200, data: [] },
  );
  globalThis.localStorage?.setItem('idm.sound', 'off');
  socket = new FakeSocket();
  live = new LiveClient({ url: 'http://idm', staleAfterMs: 10_000, sampleIntervalMs: 500, socketFactory: (() => socket) as never });
  act(() => socket.connect());
});
afterEach(() => {
  cleanup();
  live.close();
});

const TWO = [alarmFixture('PT-2', { priority: 'critical', message: 'PT-2 very high' }), alarmFixture('TT-1', { state: 'unack_rtn', active: false, message: 'TT-1 high' })];

function show(actions?: AlarmActions, alarms = TWO) {
  render(
    <MemoryRouter>
      <LiveProvider client={live}>
        <AlarmBanner actions={actions} />
      </LiveProvider>
    </MemoryRouter>,
  );
  act(() =>
    socket.fire('alarms:snapshot', {
      seq: 1,
      flood: false,
      alarms,
    }),
  );
}

const row = (id: string) => within(screen.getByTestId('alarm-banner')).getAllByRole('listitem').find((li) => li.getAttribute('data-alarm-id') === id)!;

test("a banner row reads the condition before the tag's description, the whole message in its tooltip", () => {
  const message = 'PT-9 Pressure 9 of PLC 01 (Boiler house): above HiHi 6.598 (7.355 bar)';
  render(
    <MemoryRouter>
      <LiveProvider client={live}>
        <AlarmBanner />
      </LiveProvider>
    </MemoryRouter>,
  );
  act(() => socket.fire('alarms:snapshot', { seq: 1, flood: false, alarms: [alarmFixture('PT-9', { priority: 'critical', message })] }));
  const msg = row('PT-9').querySelector('.msg')!;
  expect(msg).toHaveAttribute('title', message);
  // The tag leads only where the Source column is hidden (a phone); the rest reads condition first.
  expect(msg.querySelector('.msg-src')).toHaveTextContent('PT-9');
  expect(msg).toHaveTextContent(/^PT-9 above HiHi 6\.598 \(7\.355 bar\) · Pressure 9 of PLC 01 \(Boiler house\)$/);
});

test('an operator acknowledges and shelves from the banner row, without leaving the screen', async () => {
  const user = userEvent.setup();
  const actions = { acknowledge: vi.fn().mockResolvedValue({}), shelve: vi.fn().mockResolvedValue({}), unshelve: vi.fn(), comment: vi.fn() };
  show(actions);
  await user.click(within(row('PT-2')).getByRole('button', { name: 'Acknowledge PT-2 very high' }));
  expect(actions.acknowledge).toHaveBeenCalledWith(['PT-2']);
  // Returned to normal but unacknowledged: still acknowledged from the banner.
  expect(within(row('TT-1')).getByRole('button', { name: 'Acknowledge TT-1 high' })).toBeInTheDocument();
  await user.click(within(row('TT-1')).getByRole('button', { name: 'Shelve TT-1 high' }));
  const form = screen.getByRole('form', { name: 'Shelve TT-1 high' });
  // The form opens under every row: it says which alarm it shelves.
  expect(screen.getByTestId('banner-shelve-what')).toHaveTextContent('Shelve TT-1');
  await user.selectOptions(within(form).getByLabelText(/Shelve for/), '30');
  await user.type(within(form).getByLabelText(/Reason/), 'Transmitter being replaced');
  await user.click(within(form).getByRole('button', { name: 'Shelve' }));
  expect(actions.shelve).toHaveBeenCalledWith('TT-1', 30, 'Transmitter being replaced');
  expect(screen.queryByRole('form', { name: 'Shelve TT-1 high' })).toBeNull();
});

test('a failed acknowledgement says why; a viewer gets no buttons', async () => {
  const user = userEvent.setup();
  const actions = { acknowledge: vi.fn().mockRejectedValue(new Error('network down')), shelve: vi.fn(), unshelve: vi.fn(), comment: vi.fn() };
  show(actions);
  await user.click(within(row('PT-2')).getByRole('button', { name: /^Acknowledge/ }));
  expect(await screen.findByRole('alert')).toHaveTextContent('network down');
  cleanup();
  show(undefined);
  expect(within(screen.getByTestId('alarm-banner')).queryAllByRole('button', { name: /^Ack|^Acknowledge|^Shelve/ })).toEqual([]);
});

test("a device's or an asset's alarm names it as the operator knows it, the id in the tooltip, and so does the Shelve form", async () => {
  const user = userEvent.setup();
  const device = alarmFixture('device:dev-7f3a|comm_failure', { source_type: 'device', source_id: 'dev-7f3a', sensor_id: null, priority: 'high', message: 'Communication failure: PLC 03 (Timed out)' });
  const asset = alarmFixture('asset:pump-p101|multivariate', { source_type: 'asset', source_id: 'pump-p101', sensor_id: null, message: 'Equipment health: Pump P-101 behaves unlike normal' });
  show({ acknowledge: vi.fn(), shelve: vi.fn(), unshelve: vi.fn(), comment: vi.fn() }, [device, asset]);
  await waitFor(() => expect(row(device.id).querySelector('.src')).toHaveTextContent(/^PLC 03$/));
  expect(row(device.id).querySelector('.src')).toHaveAttribute('title', 'device id dev-7f3a');
  // On a phone the name leads the message.
  expect(row(device.id).querySelector('.msg-src')).toHaveTextContent('PLC 03');
  expect(row(asset.id).querySelector('.src')).toHaveTextContent(/^Pump P-101$/);
  expect(row(asset.id).querySelector('.src')).toHaveAttribute('title', 'asset id pump-p101');
  await user.click(within(row(device.id)).getByRole('button', { name: /^Shelve/ }));
  expect(screen.getByTestId('banner-shelve-what')).toHaveTextContent(/^Shelve PLC 03$/);
});
