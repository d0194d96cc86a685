import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, expect, test, vi } from 'vitest';
import type { TagDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { AuthProvider } from '../../../lib/auth';
import { sessionFromTokens, setSession } from '../../../lib/session';
import { fakeApi, fakeToken } from '../../../test/fake-api';
import { dateOnly, hoursMinutes } from '../../../lib/format';
import { DevicesPage } from './DevicesPage';

const tag = (sensor_id: string, device_id: string, area: string, description: string): TagDto => ({
  sensor_id, device_id, area, description, source: { register_type: 'holding', address: 0, data_type: 'float32', word_order: 'big', byte_order: 'big' }, scale: 1, offset: 0, unit: '°C',
});
const TAGS = [
  tag('TT-101', 'plc-01', 'Boiler house', 'Boiler outlet temperature'),
  tag('PT-101', 'plc-01', 'Boiler house', 'Steam header pressure'),
  tag('TT-201', 'plc-02', 'Water treatment', 'Raw water temperature'),
  tag('FT-202', 'plc-02', 'Water treatment', 'Filter backwash flow'),
];
const device = (id: string, name: string) => ({ id, name, protocol: 'modbus', host: '10.0.0.1', port: 502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: true });

function renderPage() {
  render(
    <AuthProvider>
      <MemoryRouter>
        <DevicesPage />
      </MemoryRouter>
    </AuthProvider>,
  );
}

beforeEach(() => {
  initConfig({});
  setSession(sessionFromTokens({ access_token: fakeToken('ada', ['admin']), refresh_token: 'r', expires_in: 900 }));
  fakeApi((req) => ({
    status: 200,
    data: req.url === '/tags' ? TAGS : req.url === '/devices' ? [device('plc-01', 'Boiler PLC'), device('plc-02', 'Water PLC')] : [],
  }));
});

test('the tag table can be filtered by sensor id, description, area or device, and says how many tags it shows', async () => {
  const user = userEvent.setup();
  renderPage();
  const table = within(screen.getByRole('region', { name: 'Tags' })).getByRole('table');
  const shown = () => within(table).queryAllByRole('row').slice(1).map((r) => within(r).queryAllByRole('cell')[0]?.querySelector('strong')?.textContent ?? r.textContent);
  expect(await screen.findByText('4 of 4 tags')).toBeInTheDocument();
  // Each tag's device by its name, the id in the tooltip (the column showed the raw id `plc-01`).
  const deviceCells = within(table).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell')[1]);
  expect(deviceCells.map((c) => [c.textContent, c.getAttribute('title')])).toEqual([
    ['Boiler PLC', 'plc-01'],
    ['Boiler PLC', 'plc-01'],
    ['Water PLC', 'plc-02'],
    ['Water PLC', 'plc-02'],
  ]);

  const filter = screen.getByLabelText('Filter tags');
  await user.type(filter, 'tt-');
  expect(shown()).toEqual(['TT-101', 'TT-201']);
  expect(screen.getByText('2 of 4 tags')).toBeInTheDocument();

  await user.clear(filter);
  await user.type(filter, 'backwash');
  expect(shown()).toEqual(['FT-202']);

  await user.clear(filter);
  await user.type(filter, 'water treatment');
  expect(shown()).toEqual(['TT-201', 'FT-202']);

  // A device by its id or its name; every word must match somewhere.
  await user.clear(filter);
  await user.type(filter, 'plc-01');
  expect(shown()).toEqual(['TT-101', 'PT-101']);
  await user.clear(filter);
  await user.type(filter, 'boiler plc pressure');
  expect(shown()).toEqual(['PT-101']);

  await user.clear(filter);
  await user.type(filter, 'XT-9');
  expect(shown()).toEqual(['No tag matches “XT-9”.']);
  expect(screen.getByText('0 of 4 tags')).toBeInTheDocument();
});

test('an OPC UA device shows its endpoint and security, and its tags their node and sampling', async () => {
  const ua = { id: 'ua-01', name: 'Line 7', protocol: 'opcua', endpoint_url: 'opc.tcp://line7:4840', security_mode: 'SignAndEncrypt', security_policy: 'Basic256Sha256', publishing_interval_ms: 500, timeout_ms: 10000, enabled: true, username: 'idm', password_set: true };
  const uaTag: TagDto = { ...tag('PT-701', 'ua-01', 'Line 7', 'Line pressure'), source: { node_id: 'ns=2;s=Line7.Pressure', sampling_interval_ms: 250, deadband_type: 'absolute', deadband_value: 0.5 } };
  fakeApi((req) => ({ status: 200, data: req.url === '/tags' ? [uaTag] : req.url === '/devices' ? [ua] : [] }));
  renderPage();
  expect(await screen.findByText('opc.tcp://line7:4840 (SignAndEncrypt, Basic256Sha256)')).toBeInTheDocument();
  expect(screen.getByText('500 ms')).toBeInTheDocument();
  expect(await screen.findByText('ns=2;s=Line7.Pressure')).toBeInTheDocument();
  expect(screen.getByText('every 250 ms, deadband 0.5')).toBeInTheDocument();
});

test('the status columns read per protocol: Modbus requests per poll, OPC UA monitored items, MQTT subscriptions; a last good read before today has its date', async () => {
  const ua = { id: 'ua-01', name: 'Line 7', protocol: 'opcua', endpoint_url: 'opc.tcp://line7:4840', security_mode: 'None', security_policy: 'None', publishing_interval_ms: 500, timeout_ms: 10000, enabled: true };
  const mq = { id: 'mq-01', name: 'Broker', protocol: 'mqtt', broker_url: 'mqtt://broker:1883', client_id: 'idm', mode: 'plain', timeout_ms: 10000, enabled: true };
  const status = (device_id: string, requests_per_poll: number, last_good_poll_at = Date.now()) => ({ device_id, name: device_id, state: 'connected', connected: true, last_good_poll_at, last_error: null, polls: 3, requests: 9, errors: 0, consecutive_failures: 0, last_poll_duration_ms: device_id === 'plc-01' ? 4 : null, requests_per_poll, tags: 2, next_retry_at: null });
  const twoDaysAgo = Date.now() - 2 * 86_400_000;
  fakeApi((req) => ({
    status: 200,
    data: req.url === '/devices' ? [device('plc-01', 'Boiler PLC'), ua, mq] : req.url === '/devices/status' ? [status('plc-01', 2), status('ua-01', 8, twoDaysAgo), status('mq-01', 3)] : [],
  }));
  renderPage();
  const row = async (name: string) => (await screen.findByText(name)).closest('tr') as HTMLElement;
  expect(screen.getByRole('columnheader', { name: 'Requests' })).toBeInTheDocument();
  expect(screen.getByRole('columnheader', { name: 'Last good read' })).toBeInTheDocument();
  expect(await within(await row('Boiler PLC')).findByText('2/poll')).toBeInTheDocument();
  expect(within(await row('Line 7')).getByText('8 monitored')).toBeInTheDocument();
  expect(within(await row('Broker')).getByText('3 subscribed')).toBeInTheDocument();
  // Today's read is a time of day; one from two days ago says which day (a bare time would read as today's).
  expect(within(await row('Boiler PLC')).getByText(/^\d{2}:\d{2}:\d{2}$/)).toBeInTheDocument();
  expect(within(await row('Line 7')).getByText(`${dateOnly(twoDaysAgo)} ${hoursMinutes(twoDaysAgo, true)}`)).toBeInTheDocument();
});

test('an MQTT device shows its broker and mode, and its tags their Sparkplug metric or topic', async () => {
  const mq = { id: 'mq-01', name: 'Broker', protocol: 'mqtt', broker_url: 'mqtt://broker:1883', client_id: 'idm', mode: 'sparkplug', group_id: 'plant-a', timeout_ms: 10000, enabled: true };
  const spb: TagDto = { ...tag('TT-901', 'mq-01', 'Gateway', 'Gateway temperature'), source: { edge_node_id: 'gw-1', device_id: 'plc-01', metric: 'Boiler/Temp' } };
  const json: TagDto = { ...tag('TT-902', 'mq-01', 'Gateway', 'Roof temperature'), source: { topic: 'plant/roof/temp', value_path: 'data.v' } };
  fakeApi((req) => ({ status: 200, data: req.url === '/tags' ? [spb, json] : req.url === '/devices' ? [mq] : [] }));
  renderPage();
  expect(await screen.findByText('mqtt://broker:1883 (Sparkplug group plant-a)')).toBeInTheDocument();
  expect(await screen.findByText('gw-1/plc-01 Boiler/Temp')).toBeInTheDocument();
  expect(screen.getByText('Sparkplug B')).toBeInTheDocument();
  expect(screen.getByText('plant/roof/temp')).toBeInTheDocument();
  expect(screen.getByText('JSON data.v')).toBeInTheDocument();
});

test('a Sparkplug device lists the metrics its births announced; Adopt creates the tag with its unit, id and area editable', async () => {
  const user = userEvent.setup();
  const mq = { id: 'mq-01', name: 'Broker', protocol: 'mqtt', broker_url: 'mqtt://broker:1883', client_id: 'idm', mode: 'sparkplug', group_id: 'plant-a', timeout_ms: 10000, enabled: true };
  const metrics = [
    { edge_node_id: 'gw-1', device_id: 'plc-01', name: 'Boiler/Temp', alias: 1, datatype: 'Double', unit: '°C', properties: {}, sensor_id: 'TT-901' },
    { edge_node_id: 'gw-1', device_id: 'plc-01', name: 'Boiler/Press', alias: 2, datatype: 'Float', unit: 'bar', properties: {}, sensor_id: null as string | null },
  ];
  const seen = fakeApi((req) => {
    if (req.method === 'POST' && req.url === '/tags') {
      metrics[1].sensor_id = (req.body as { sensor_id: string }).sensor_id;
      return { status: 201, data: req.body };
    }
    return { status: 200, data: req.url === '/devices' ? [mq] : req.url === '/devices/mq-01/discovered' ? metrics : [] };
  });
  renderPage();
  await user.click(await screen.findByRole('button', { name: 'Discovered mq-01' }));
  const panel = await screen.findByRole('region', { name: 'Discovered metrics of mq-01' });
  expect(await within(panel).findByText('Boiler/Press')).toBeInTheDocument();
  expect(within(panel).getByText('TT-901')).toBeInTheDocument();
  expect(within(panel).getByLabelText('Sensor id for Boiler/Press')).toHaveValue('Boiler_Press');
  await user.clear(within(panel).getByLabelText('Sensor id for Boiler/Press'));
  await user.type(within(panel).getByLabelText('Sensor id for Boiler/Press'), 'PT-901');
  await user.click(within(panel).getByRole('button', { name: 'Adopt' }));
  expect(seen.filter((r) => r.method === 'POST')).toEqual([
    expect.objectContaining({
      url: '/tags',
      body: { sensor_id: 'PT-901', device_id: 'mq-01', area: 'gw-1', unit: 'bar', source: { edge_node_id: 'gw-1', device_id: 'plc-01', metric: 'Boiler/Press' } },
    }),
  ]);
  expect(await within(panel).findByText('PT-901')).toBeInTheDocument();
  expect(within(panel).queryByRole('button', { name: 'Adopt' })).toBeNull();
});

test('an OPC UA device has a Browse button opening its address space, and the page a certificates panel', async () => {
  const user = userEvent.setup();
  const ua = { id: 'ua-01', name: 'Line 7', protocol: 'opcua', endpoint_url: 'opc.tcp://line7:4840', security_mode: 'None', security_policy: 'None', publishing_interval_ms: 500, timeout_ms: 10000, enabled: true };
  const seen = fakeApi((req) => ({
    status: 200,
    data:
      req.url === '/devices' ? [device('plc-01', 'Boiler PLC'), ua]
      : req.url === '/opcua/certificates' ? { own: null, certificates: [] }
      : req.url === '/devices/ua-01/browse' ? [{ node_id: 'ns=1;s=Plant', browse_name: '1:Plant', display_name: 'Plant', node_class: 'Object', readable: false }]
      : [],
  }));
  renderPage();
  expect(await screen.findByRole('region', { name: 'OPC UA certificates' })).toBeInTheDocument();
  expect(screen.queryByRole('button', { name: 'Browse plc-01' })).not.toBeInTheDocument();
  await user.click(screen.getByRole('button', { name: 'Browse ua-01' }));
  expect(await within(screen.getByRole('region', { name: 'Browse ua-01' })).findByRole('button', { name: /Plant/ })).toBeInTheDocument();
  expect(seen.map((r) => r.url)).toContain('/devices/ua-01/browse');
});

test('without an OPC UA device there is no certificates panel', async () => {
  renderPage();
  expect(await screen.findByText('Boiler PLC', { selector: 'strong' })).toBeInTheDocument();
  expect(screen.queryByRole('region', { name: 'OPC UA certificates' })).not.toBeInTheDocument();
});


test('a replace import lists what it would remove by name in its own dialog, Cancel focused; declined, nothing is imported', async () => {
  const user = userEvent.setup();
  const result = (over: object) => ({ devices: 1, tags: 1, mode: 'replace', dry_run: false, removed_devices: ['plc-02'], removed_tags: ['TT-201', 'FT-202', 'PT-101'], assets: 0, removed_assets: ['plc-02-pump'], changed_devices: ['plc-01', 'plc-02'], ...over });
  const seen = fakeApi((req) =>
    req.url === '/devices/import'
      ? { status: 200, data: req.params?.dry_run === 'true' ? result({ dry_run: true, changed_devices: [] }) : result({}) }
      : req.url === '/assets'
        ? { status: 200, data: [{ id: 'plc-02-pump', name: 'Raw water pump', area: null, sensor_ids: ['TT-201', 'FT-202'], settings: {} }] }
        : { status: 200, data: req.url === '/tags' ? TAGS : req.url === '/devices' ? [device('plc-01', 'Boiler PLC'), device('plc-02', 'Water PLC')] : [] },
  );
  const confirm = vi.spyOn(window, 'confirm');
  renderPage();
  await screen.findByText('Boiler PLC', { selector: 'strong' });
  const file = new File([JSON.stringify({ version: 2, devices: [], tags: [] })], 'plant.json', { type: 'application/json' });
  await user.upload(screen.getByLabelText(/^File/), file);
  await user.selectOptions(screen.getByRole('combobox', { name: 'Mode' }), 'replace');
  await user.click(screen.getByRole('button', { name: 'Import' }));
  const dialog = await screen.findByRole('alertdialog', { name: 'Replace removes 1 device, 3 tags and 1 asset' });
  // By name, the id beside it; a tag of a device that stays says which device.
  expect(within(within(dialog).getByRole('region', { name: 'Devices' })).getByRole('listitem')).toHaveTextContent('Water PLC (plc-02)');
  expect(within(within(dialog).getByRole('region', { name: 'Tags' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
    'Raw water temperature (TT-201)',
    'Filter backwash flow (FT-202)',
    'Steam header pressure on Boiler PLC (PT-101)',
  ]);
  expect(within(within(dialog).getByRole('region', { name: 'Assets' })).getByRole('listitem')).toHaveTextContent('Raw water pump (plc-02-pump)');
  expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
  expect(within(dialog).getByRole('button', { name: 'Remove 1 device, 3 tags and 1 asset and import' })).toBeInTheDocument();
  await user.keyboard('{Enter}'); // on the focused Cancel: nothing happens
  expect(await screen.findByText('Import cancelled: nothing was changed.')).toBeInTheDocument();
  expect(screen.queryByRole('alertdialog')).toBeNull();
  const imports = () => seen.filter((r) => r.url === '/devices/import').map((r) => r.params);
  expect(imports()).toEqual([{ mode: 'replace', dry_run: 'true' }]);

  await user.click(screen.getByRole('button', { name: 'Import' }));
  await user.click(await screen.findByRole('button', { name: /^Remove .* and import$/ }));
  expect(await screen.findByText(/Removed 1 device\(s\), 3 tag\(s\) and 1 asset\(s\)\. Restarted: plc-01, plc-02\./)).toBeInTheDocument();
  expect(imports()).toEqual([{ mode: 'replace', dry_run: 'true' }, { mode: 'replace', dry_run: 'true' }, { mode: 'replace' }]);
  expect(confirm).not.toHaveBeenCalled(); // never the browser's own confirm()
  confirm.mockRestore();
});

test('a merge import does not ask, and says when nothing changed so no device restarted', async () => {
  const user = userEvent.setup();
  fakeApi((req) =>
    req.url === '/devices/import'
      ? { status: 200, data: { devices: 2, tags: 3, mode: 'merge', dry_run: false, removed_devices: [], removed_tags: [], assets: 1, removed_assets: [], changed_devices: [] } }
      : { status: 200, data: req.url === '/tags' ? TAGS : [] },
  );
  renderPage();
  await user.upload(screen.getByLabelText(/^File/), new File(['{}'], 'plant.json', { type: 'application/json' }));
  await user.click(screen.getByRole('button', { name: 'Import' }));
  expect(await screen.findByText(/Imported 2 device\(s\), 3 tag\(s\) and 1 asset\(s\) \(merge\)\. Nothing changed: no device restarted\./)).toBeInTheDocument();
  expect(screen.queryByRole('alertdialog')).toBeNull();
});

test('an admin changes a tag on screen: limits, range, priority; the server’s 400 shows at the field it names', async () => {
  const user = userEvent.setup();
  const patches: { url: string; body: unknown }[] = [];
  fakeApi((req) => {
    if (req.method === 'PATCH') {
      patches.push({ url: req.url, body: req.body });
      const body = req.body as { limits?: { lo?: number; hi?: number } };
      if (body.limits?.lo !== undefined && body.limits.hi !== undefined && body.limits.lo >= body.limits.hi)
        return { status: 400, data: { statusCode: 400, message: 'tag "TT-101": limits.lo must be below limits.hi', details: [{ field: 'tags[TT-101].limits.lo', rule: 'order', message: 'tag "TT-101": limits.lo must be below limits.hi' }] } };
      return { status: 200, data: { ...TAGS[0], ...(req.body as object) } };
    }
    return { status: 200, data: req.url === '/tags' ? TAGS : req.url === '/devices' ? [device('plc-01', 'Boiler PLC')] : [] };
  });
  renderPage();
  await user.click(await screen.findByRole('button', { name: 'Change tag TT-101' }));
  const form = screen.getByRole('form', { name: 'Change tag TT-101' });
  const field = (name: RegExp) => within(form).getByLabelText(name);
  await user.clear(field(/^Description/));
  await user.type(field(/^Description/), 'Boiler outlet temperature (new TT)');
  await user.type(field(/^Low \(L\)/), '90');
  await user.type(field(/^High \(H\)/), '80');
  await user.type(field(/^Physical minimum/), '-20');
  await user.selectOptions(within(form).getByLabelText(/Alarm priority/), 'critical');
  await user.click(within(form).getByRole('button', { name: 'Save tag' }));
  expect(await within(form).findByText('tag "TT-101": limits.lo must be below limits.hi')).toBeInTheDocument();
  expect(field(/^Low \(L\)/)).toHaveAttribute('aria-invalid', 'true');

  await user.clear(field(/^High \(H\)/));
  await user.type(field(/^High \(H\)/), '130');
  await user.click(within(form).getByRole('button', { name: 'Save tag' }));
  await vi.waitFor(() => expect(screen.queryByRole('form', { name: 'Change tag TT-101' })).not.toBeInTheDocument());
  expect(patches.at(-1)).toEqual({
    url: '/tags/TT-101',
    body: { description: 'Boiler outlet temperature (new TT)', area: 'Boiler house', unit: '°C', limits: { lo: 90, hi: 130 }, physical_min: -20, alarm_priority: 'critical' },
  });
});

test('with nothing configured the device and tag tables say where devices and tags come from', async () => {
  fakeApi(() => ({ status: 200, data: [] }));
  renderPage();
  const devices = within(screen.getByRole('region', { name: 'Devices' })).getByRole('table');
  expect(await within(devices).findByText(/^No devices yet/)).toHaveTextContent('import a device file above (devices, tags and assets in one go), or add one with “Add device”.');
  const tags = within(screen.getByRole('region', { name: 'Tags' })).getByRole('table');
  expect(within(tags).getByText(/^No tags yet/)).toHaveTextContent('they come with a device file, or from a device’s Browse (OPC UA) or Discovered (Sparkplug) list.');
});
