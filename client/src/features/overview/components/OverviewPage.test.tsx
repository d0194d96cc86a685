import { act, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { DeviceDto, DeviceStatusDto, TagDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { dateOnly } from '../../../lib/format';
import type { LiveClient } from '../../../lib/live/live-client';
import { fakeApi } from '../../../test/fake-api';
import type { FakeSocket } from '../../../test/fake-socket';
import { endLive, fakeLive, renderLive } from '../../../test/render-live';
import { OverviewPage } from './OverviewPage';

const tag = (sensor_id: string, device_id: string, area: string, unit: string): TagDto =>
  ({ sensor_id, device_id, area, unit, description: `${sensor_id} desc`, source: { register_type: 'holding', address: 0, data_type: 'float32', word_order: 'big', byte_order: 'big' }, scale: 1, offset: 0 }) as TagDto;
const TAGS = [
  { ...tag('TT-1', 'plc-1', 'Boiler house', '°C'), physical_min: 0, physical_max: 200, limits: { lo: 20, hi: 150 } },
  tag('PT-1', 'plc-1', 'Boiler house', 'bar'),
  tag('FT-1', 'plc-2', 'Turbine hall', 'm³/h'),
  tag('LT-1', 'mqtt-1', 'Tank farm', '%'),
  { ...tag('M-1', 'plc-3', 'Pump station', ''), source: { register_type: 'coil', address: 0, data_type: 'bool', word_order: 'big', byte_order: 'big' }, state_words: { '0': 'STOP', '1': 'RUN' } } as TagDto,
  { ...tag('M-2', 'plc-3', 'Pump station', ''), source: { register_type: 'coil', address: 0, data_type: 'bool', word_order: 'big', byte_order: 'big' } } as TagDto,
];
const DEVICES = [
  { id: 'plc-1', name: 'PLC 1', protocol: 'modbus', poll_interval_ms: 500 },
  { id: 'plc-2', name: 'PLC 2' },
  // An OPC UA server: subscribed, never polled (its status has no poll duration).
  { id: 'plc-3', name: 'PLC 3', protocol: 'opcua', publishing_interval_ms: 1000 },
  { id: 'mqtt-1', name: 'Broker 1', protocol: 'mqtt' },
] as DeviceDto[];
const STATUS = [
  { device_id: 'plc-1', state: 'connected', last_poll_duration_ms: 4, last_good_poll_at: Date.now() },
  { device_id: 'plc-2', state: 'comm_failure', last_poll_duration_ms: null, last_good_poll_at: Date.parse('2026-11-27T09:15:00Z') },
  { device_id: 'plc-3', state: 'connected', last_poll_duration_ms: null, last_good_poll_at: Date.now() },
  { device_id: 'mqtt-1', state: 'connected', last_poll_duration_ms: null, last_good_poll_at: Date.now() },
] as DeviceStatusDto[];

/**
 * The browser stops (or starts again) rendering the group of tile rows holding this tile, far off screen
 * (`content-visibility: auto` is on the group, not on each tile).
 */
const setNearScreen = (id: string, near: boolean) => {
  const group = tile(id).closest('[data-visibility-group]');
  expect(group).not.toBeNull();
  act(() => {
    group!.dispatchEvent(Object.assign(new Event('contentvisibilityautostatechange'), { skipped: !near }));
  });
};

let socket: FakeSocket;
let live: LiveClient;

beforeEach(async () => {
  initConfig({});
  fakeApi((req) => {
    if (req.url === '/tags') return { status: 200, data: TAGS };
    if (req.url === '/devices') return { status: 200, data: DEVICES };
    if (req.url === '/devices/status') return { status: 200, data: STATUS };
    if (req.url === '/assets')
      return {
        status: 200,
        data: [
          { id: 'boiler-pump', name: 'Boiler pump', area: 'Boiler house', sensor_ids: ['TT-1', 'PT-1'], settings: {} },
          { id: 'feed-pump', name: 'Feed pump', area: 'Boiler house', sensor_ids: ['TT-1', 'PT-1'], settings: {} },
          { id: 'spare', name: 'Spare skid', area: null, sensor_ids: ['FT-1', 'PT-1'], settings: {} },
          { id: 'new-skid', name: 'New skid', area: null, sensor_ids: ['FT-1', 'TT-1'], settings: {} },
        ],
      };
    if (req.url === '/assets/health')
      return {
        status: 200,
        data: [
          { asset_id: 'boiler-pump', state: 'anomaly', ratio: 4.2, at: Date.now() },
          { asset_id: 'feed-pump', state: 'healthy', ratio: 0.3, at: Date.now() },
          { asset_id: 'new-skid', state: 'learning', ratio: null, at: Date.now(), learning: { samples: 152, needed: 400 } },
        ],
      };
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
  ({ socket, live } = fakeLive({ staleAfterMs: 1000 }));
  renderLive(live, <OverviewPage />);
  // Let the first REST answers land.
  await act(() => new Promise((r) => setTimeout(r, 30)));
});
afterEach(() => endLive(live));

const tile = (id: string) => document.querySelector(`[data-sensor-id="${id}"]`) as HTMLElement;
const sample = (sensor_id: string, value: number, quality = 'good') => ({ sensor_id, value, timestamp: new Date().toISOString(), quality, status: 'normal' });
const value = (id: string) => within(tile(id)).getByTestId('tile-value');
/** A snapshot with one active, unacknowledged critical alarm on `sensor_id`. */
const criticalAlarmOn = (sensor_id: string) => ({
  seq: 1,
  flood: false,
  alarms: [{ id: 'a1', sensor_id, source_id: sensor_id, priority: 'critical', state: 'unack_active', acknowledged: false, raised_at: null, updated_at: '' }],
});

test('tiles are grouped by area and device, with the comm status of each device', async () => {
  const boiler = await screen.findByRole('region', { name: 'Boiler house' });
  expect(within(boiler).getByText('PLC 1')).toBeInTheDocument();
  expect(within(boiler).getByText(/comm OK/)).toBeInTheDocument();
  expect([...boiler.querySelectorAll('[data-sensor-id]')].map((t) => t.getAttribute('data-sensor-id'))).toEqual(['PT-1', 'TT-1']);
  const turbine = screen.getByRole('region', { name: 'Turbine hall' });
  expect(await within(turbine).findByText(/COMM FAILURE since/)).toBeInTheDocument();
  // The outage began days ago: the header says on which day, not only a time that reads as today's.
  expect(within(turbine).getByText(/COMM FAILURE since/)).toHaveTextContent(`since ${dateOnly(Date.parse('2026-11-27T09:15:00Z'))} `);
  // The area summary says where to look without scrolling.
  const areas = screen.getByRole('navigation', { name: 'Areas' });
  expect(within(areas).getByRole('link', { name: /Turbine hall/ })).toHaveTextContent('1 comm fail');
  expect(within(areas).getByRole('link', { name: /Boiler house/ })).toHaveTextContent('normal');
});

test('each device header says what OK means for its protocol, never a placeholder', async () => {
  const head = async (area: string, device: string) => {
    const region = await screen.findByRole('region', { name: area });
    return within(region).getByText(device).closest('.device-head') as HTMLElement;
  };
  expect(await head('Boiler house', 'PLC 1')).toHaveTextContent('comm OK · poll every 500 ms, last took 4 ms');
  // OPC UA publishes a subscription: its publishing interval, not "poll — ms".
  const opc = await head('Pump station', 'PLC 3');
  expect(opc).toHaveTextContent('comm OK · subscription, publishing 1000 ms');
  expect(opc).not.toHaveTextContent(/poll|—/);
  const mqtt = await head('Tank farm', 'Broker 1');
  expect(mqtt).toHaveTextContent('comm OK · values on publish');
  expect(mqtt).not.toHaveTextContent(/poll|—/);
});

test('the latest stored value fills a tile at once; sensors that only post over REST get tiles too', async () => {
  expect(within(tile('TT-1')).getByTestId('tile-value')).toHaveTextContent('64.50');
  const rest = screen.getByRole('region', { name: 'Posted over REST' });
  expect(within(rest).getByText('LAB-7')).toBeInTheDocument();
});

test('only the tiles on screen are subscribed, and live samples show with their unit', async () => {
  await screen.findByRole('region', { name: 'Boiler house' });
  const subscribed = socket.sentOf('samples:subscribe').flatMap((p) => (p as { sensor_ids: string[] }).sensor_ids);
  expect(subscribed.sort()).toEqual(['FT-1', 'LAB-7', 'LT-1', 'M-1', 'M-2', 'PT-1', 'TT-1']);
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
    socket.fire('alarms:snapshot', criticalAlarmOn('PT-1'));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(tile('PT-1')).toHaveClass('alarm-critical');
  expect(within(tile('PT-1')).getByText('UNACK')).toBeInTheDocument();
  expect(within(tile('PT-1')).getByTitle('Critical priority')).toBeInTheDocument();
  expect(within(tile('PT-1')).queryByText('STALE')).toBeNull();
  expect(await within(tile('PT-1')).findByText('STALE', {}, { timeout: 3000 })).toBeInTheDocument();
  expect(tile('TT-1')).not.toHaveClass('alarm-critical');
});

test('a bad reading shows BAD, never its stored 0.000; a bool shows its state words (OFF/ON by default)', async () => {
  await screen.findByRole('region', { name: 'Pump station' });
  await act(async () => {
    socket.fire('sample', sample('PT-1', 0, 'bad'));
    socket.fire('sample', sample('M-1', 1));
    socket.fire('sample', sample('M-2', 0));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(value('PT-1')).toHaveTextContent(/^BAD$/);
  expect(value('M-1')).toHaveTextContent(/^RUN$/);
  expect(value('M-2')).toHaveTextContent(/^OFF$/);
  // A bool has no unit and no analog scale.
  expect(tile('M-1').querySelector('[data-testid=analog]')).toBeNull();
  await act(async () => {
    socket.fire('sample', sample('M-1', 0));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(value('M-1')).toHaveTextContent(/^STOP$/);
});

test('the analog indicator puts the value between its limits and colours it only beyond them', async () => {
  const pointer = () => tile('TT-1').querySelector('[data-testid=analog] .pointer') as HTMLElement;
  await screen.findByRole('region', { name: 'Boiler house' });
  expect(tile('TT-1').querySelectorAll('[data-testid=analog] .mark')).toHaveLength(2);
  expect(pointer().dataset.at).toBe('0.323'); // 64.5 of 0..200
  expect(pointer()).not.toHaveClass('abnormal');
  await act(async () => {
    socket.fire('sample', sample('TT-1', 170));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(pointer()).toHaveClass('abnormal');
  expect(pointer().dataset.at).toBe('0.850');
  // No pointer for a value that cannot be trusted.
  await act(async () => {
    socket.fire('sample', sample('TT-1', 0, 'bad'));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(pointer()).toBeNull();
});

test('active and returned-unacknowledged alarms look different on a tile', async () => {
  await screen.findByRole('region', { name: 'Boiler house' });
  const alarm = (id: string, sensor_id: string, state: string) => ({ id, sensor_id, source_id: sensor_id, priority: 'high', state, acknowledged: false, raised_at: null, updated_at: '' });
  await act(async () => {
    socket.fire('sample', sample('PT-1', 5.5));
    socket.fire('sample', sample('TT-1', 60));
    socket.fire('alarms:snapshot', { seq: 1, flood: false, alarms: [alarm('a1', 'PT-1', 'unack_active'), alarm('a2', 'TT-1', 'unack_rtn')] });
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(within(tile('PT-1')).getByText('UNACK')).toBeInTheDocument();
  expect(tile('PT-1').querySelector('.prio')).toHaveClass('prio-unacked'); // filled and blinking
  expect(within(tile('TT-1')).getByText('RTN UNACK')).toBeInTheDocument();
  expect(tile('TT-1').querySelector('.prio')).not.toHaveClass('prio-unacked'); // outline only
});

test('the device header agrees with its tiles: COMM FAILURE once every tile says COMM FAIL, though the status said OK', async () => {
  const boiler = await screen.findByRole('region', { name: 'Boiler house' });
  expect(within(boiler).getByText(/comm OK/)).toBeInTheDocument();
  await act(async () => {
    socket.fire('sample', sample('PT-1', 5.5, 'comm_failure'));
    socket.fire('sample', sample('TT-1', 64.5, 'comm_failure'));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(within(boiler).queryByText(/comm OK/)).toBeNull();
  expect(within(boiler).getByText(/COMM FAILURE/)).toBeInTheDocument();
  expect(within(tile('PT-1')).getByText('COMM FAIL')).toBeInTheDocument();
});

test('a tile of a PLC that never answered reads — with COMM FAIL, never 0.000; one that answered before keeps its last good value', async () => {
  await screen.findByRole('region', { name: 'Boiler house' });
  await act(async () => {
    // The server sends 0 as the placeholder of a tag it never read; TT-1's last good value (64.5) came over REST.
    socket.fire('sample', sample('FT-1', 0, 'comm_failure'));
    socket.fire('sample', sample('TT-1', 0, 'comm_failure'));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(value('FT-1')).toHaveTextContent(/^—$/);
  expect(within(tile('FT-1')).getByText('COMM FAIL')).toBeInTheDocument();
  expect(value('TT-1')).toHaveTextContent('64.50');
  expect(within(tile('TT-1')).getByText('COMM FAIL')).toBeInTheDocument();
  expect(tile('TT-1').querySelector('.pointer')).toHaveAttribute('data-at', '0.323'); // at 64.5, not at 0
});

test('when the screen loses its own connection, tiles and headers say NO LINK rather than STALE', async () => {
  await screen.findByRole('region', { name: 'Boiler house' });
  await act(async () => {
    socket.fire('sample', sample('PT-1', 5.5));
    socket.disconnect();
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(within(tile('PT-1')).getByText('NO LINK')).toBeInTheDocument();
  expect(within(tile('TT-1')).getByText('NO LINK')).toBeInTheDocument();
  expect(within(tile('PT-1')).queryByText('STALE')).toBeNull();
  expect(within(screen.getByRole('region', { name: 'Boiler house' })).getByText(/NO LINK to IDM/)).toBeInTheDocument();
});

test('assets appear in their area with their health in words, linking to the asset view', async () => {
  const boiler = await screen.findByRole('region', { name: 'Boiler house' });
  const chips = await within(boiler).findByRole('list', { name: 'Equipment health' });
  const items = within(chips).getAllByRole('listitem');
  expect(items.map((i) => i.textContent)).toEqual(['Boiler pumpANOMALY', 'Feed pumpHEALTHY']);
  expect(items[0]).toHaveClass('abnormal');
  expect(items[1]).not.toHaveClass('abnormal');
  expect(items[0]).toHaveAttribute('href', '/assets/boiler-pump');
  // An asset of no area shown still appears, without a verdict yet.
  const other = screen.getByRole('region', { name: 'Other equipment' });
  const others = within(other).getAllByRole('listitem');
  expect(others.map((i) => i.textContent)).toEqual(['Spare skidNO VERDICT', 'New skidLEARNING 38 %']);
  // Learning says how far it has come.
  expect(within(others[1]).getByText('LEARNING 38 %')).toHaveAttribute('title', '152 of 400 samples learned; the model scores once it has them all');
  expect(others[1]).not.toHaveClass('abnormal');
});

test('a tile far off screen skips its re-render per sample and hides its old value; near the screen again it shows the current one at once', async () => {
  await screen.findByRole('region', { name: 'Boiler house' });
  await act(async () => {
    socket.fire('sample', sample('TT-1', 71.234));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(value('TT-1')).toHaveTextContent('71.23');
  setNearScreen('TT-1', false);
  await act(async () => {
    socket.fire('sample', sample('TT-1', 80));
    socket.fire('sample', sample('TT-1', 81.5));
    await new Promise((r) => setTimeout(r, 40));
  });
  // Not re-rendered: the old text is still in the DOM, hidden so it is never read as current.
  expect(value('TT-1')).toHaveTextContent('71.23');
  expect(tile('TT-1')).toHaveAttribute('data-behind');
  // A tile on screen (another device's group) is not held back.
  await act(async () => {
    socket.fire('sample', sample('FT-1', 3.25));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(value('FT-1')).toHaveTextContent('3.25');
  setNearScreen('TT-1', true);
  expect(value('TT-1')).toHaveTextContent('81.50');
  expect(tile('TT-1')).not.toHaveAttribute('data-behind');
});

test('far off screen a tile still gets its first value, a new alarm and NO LINK at once', async () => {
  await screen.findByRole('region', { name: 'Boiler house' });
  setNearScreen('PT-1', false);
  await act(async () => {
    socket.fire('sample', sample('PT-1', 5.5));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(value('PT-1')).toHaveTextContent('5.50');
  await act(async () => {
    socket.fire('sample', sample('PT-1', 6.5));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(value('PT-1')).toHaveTextContent('5.50'); // held back
  await act(async () => {
    socket.fire('alarms:snapshot', criticalAlarmOn('PT-1'));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(tile('PT-1')).toHaveClass('alarm-critical');
  expect(within(tile('PT-1')).getByText('UNACK')).toBeInTheDocument();
  // The alarm re-rendered the tile, so it shows the current value too.
  expect(value('PT-1')).toHaveTextContent('6.50');
  await act(async () => {
    socket.disconnect();
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(within(tile('PT-1')).getByText('NO LINK')).toBeInTheDocument();
});

test('the browser skips tiles by groups of whole rows: the tiles of a skipped group are held back together, other groups are not', async () => {
  await screen.findByRole('region', { name: 'Boiler house' });
  // One group per device here (2 tags, fewer than two rows); the tiles themselves are not the skipped elements.
  const group = tile('TT-1').closest('[data-visibility-group]');
  expect(group).toContainElement(tile('PT-1'));
  expect(group).not.toContainElement(tile('FT-1'));
  await act(async () => {
    for (const id of ['TT-1', 'PT-1', 'FT-1']) socket.fire('sample', sample(id, 1));
    await new Promise((r) => setTimeout(r, 40));
  });
  // An event on a tile alone changes nothing: the browser reports groups.
  act(() => {
    tile('TT-1').dispatchEvent(Object.assign(new Event('contentvisibilityautostatechange'), { skipped: true }));
  });
  setNearScreen('PT-1', false);
  await act(async () => {
    for (const id of ['TT-1', 'PT-1', 'FT-1']) socket.fire('sample', sample(id, 2));
    await new Promise((r) => setTimeout(r, 40));
  });
  expect(tile('TT-1')).toHaveAttribute('data-behind');
  expect(tile('PT-1')).toHaveAttribute('data-behind');
  expect(value('TT-1')).toHaveTextContent('1.00');
  expect(value('FT-1')).toHaveTextContent('2.00');
  expect(tile('FT-1')).not.toHaveAttribute('data-behind');
  setNearScreen('TT-1', true);
  expect(value('TT-1')).toHaveTextContent('2.00');
  expect(value('PT-1')).toHaveTextContent('2.00');
  expect(tile('PT-1')).not.toHaveAttribute('data-behind');
});
