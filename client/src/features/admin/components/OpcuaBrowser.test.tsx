import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, expect, test, vi } from 'vitest';
import type { OpcuaBrowseNodeDto, OpcuaDeviceDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { sessionFromTokens, setSession } from '../../../lib/session';
import { fakeApi, fakeToken, type FakeRequest } from '../../../test/fake-api';
import { OpcuaBrowser, sensorIdOf } from './OpcuaBrowser';

const DEVICE: OpcuaDeviceDto = {
  id: 'ua-01', name: 'Line 7', protocol: 'opcua', endpoint_url: 'opc.tcp://line7:4840', security_mode: 'None', security_policy: 'None', publishing_interval_ms: 500, timeout_ms: 5000, enabled: true,
};
const variable = (id: string, over: Partial<OpcuaBrowseNodeDto> = {}): OpcuaBrowseNodeDto => ({
  node_id: `ns=1;s=${id}`, browse_name: `1:${id}`, display_name: id, node_class: 'Variable', data_type: 'Double', value_rank: -1, readable: true, ...over,
});
const TREE: Record<string, OpcuaBrowseNodeDto[]> = {
  '': [{ node_id: 'ns=1;s=Plant', browse_name: '1:Plant', display_name: 'Plant', node_class: 'Object', readable: false }],
  'ns=1;s=Plant': [{ node_id: 'ns=1;s=plc-06', browse_name: '1:plc-06', display_name: 'Boiler 6', node_class: 'Object', readable: false }],
  'ns=1;s=plc-06': [
    variable('P06-TT-000', { engineering_units: '°C', eu_range: { low: -50, high: 500 } }),
    variable('P06-PT-001', { engineering_units: 'bar' }),
    variable('P06-Trend', { value_rank: 1, readable: false }),
  ],
};

let seen: FakeRequest[];
let tagAnswer: (body: any) => { status: number; data?: unknown };

beforeEach(() => {
  initConfig({});
  setSession(sessionFromTokens({ access_token: fakeToken('ada', ['admin']), refresh_token: 'r', expires_in: 900 }));
  tagAnswer = (body) => ({ status: 201, data: body });
  seen = fakeApi((req) => {
    const m = /^\/devices\/ua-01\/browse(?:\?node=(.*))?$/.exec(req.url);
    if (req.method === 'GET' && m) return { status: 200, data: TREE[decodeURIComponent(m[1] ?? '')] ?? [] };
    if (req.method === 'POST' && req.url === '/tags') return tagAnswer(req.body);
    return { status: 404, data: { message: `no fake for ${req.method} ${req.url}` } };
  });
});

test('a sensor id from a browse name drops the namespace and characters a sensor id cannot hold', () => {
  expect(sensorIdOf('1:P06-TT-000')).toBe('P06-TT-000');
  expect(sensorIdOf('2:Drum Level #1')).toBe('Drum_Level_1');
});

test('expands folders on demand, and adds the ticked variables as tags prefilled from browse name, folder and EU properties', async () => {
  const user = userEvent.setup();
  const onAdded = vi.fn();
  render(<OpcuaBrowser device={DEVICE} onAdded={onAdded} onClose={() => undefined} />);
  await user.click(await screen.findByRole('button', { name: /Plant/ }));
  await user.click(await screen.findByRole('button', { name: /Boiler 6/ }));
  const temp = await screen.findByRole('checkbox', { name: /P06-TT-000/ });
  // An array variable cannot be a tag: shown, not selectable.
  expect(screen.getByRole('checkbox', { name: /P06-Trend/ })).toBeDisabled();
  expect(screen.getByText(/not readable as a tag/)).toBeInTheDocument();
  expect(seen.filter((r) => r.method === 'GET').map((r) => r.url)).toEqual(['/devices/ua-01/browse', '/devices/ua-01/browse?node=ns%3D1%3Bs%3DPlant', '/devices/ua-01/browse?node=ns%3D1%3Bs%3Dplc-06']);

  await user.click(temp);
  await user.click(screen.getByRole('checkbox', { name: /P06-PT-001/ }));
  await user.click(screen.getByRole('button', { name: 'Add as tags (2)' }));
  const form = screen.getByRole('form', { name: 'New tags' });
  expect(within(form).getByLabelText('Sensor id of ns=1;s=P06-TT-000')).toHaveValue('P06-TT-000');
  expect(within(form).getByLabelText('Area of ns=1;s=P06-TT-000')).toHaveValue('Boiler 6');
  expect(within(form).getByLabelText('Unit of ns=1;s=P06-TT-000')).toHaveValue('°C');
  expect(within(form).getByLabelText('Unit of ns=1;s=P06-PT-001')).toHaveValue('bar');
  await user.clear(within(form).getByLabelText('Area of ns=1;s=P06-PT-001'));
  await user.type(within(form).getByLabelText('Area of ns=1;s=P06-PT-001'), 'Boiler house');
  await user.click(within(form).getByRole('button', { name: 'Add 2 tag(s)' }));

  expect(await screen.findByText('Added 2 tag(s): P06-TT-000, P06-PT-001')).toBeInTheDocument();
  expect(seen.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
    { sensor_id: 'P06-TT-000', device_id: 'ua-01', area: 'Boiler 6', unit: '°C', source: { node_id: 'ns=1;s=P06-TT-000' }, physical_min: -50, physical_max: 500 },
    { sensor_id: 'P06-PT-001', device_id: 'ua-01', area: 'Boiler house', unit: 'bar', source: { node_id: 'ns=1;s=P06-PT-001' } },
  ]);
  expect(onAdded).toHaveBeenCalled();
  expect(screen.queryByRole('form', { name: 'New tags' })).not.toBeInTheDocument();
});

test('a tag the server refuses keeps its row with the message; the tags added before it stay added', async () => {
  const user = userEvent.setup();
  tagAnswer = (body) =>
    body.sensor_id === 'P06-PT-001'
      ? { status: 400, data: { message: 'tag "P06-PT-001" already exists', details: [{ field: 'sensor_id', message: 'tag "P06-PT-001" already exists' }] } }
      : { status: 201, data: body };
  render(<OpcuaBrowser device={DEVICE} onAdded={() => undefined} onClose={() => undefined} />);
  await user.click(await screen.findByRole('button', { name: /Plant/ }));
  await user.click(await screen.findByRole('button', { name: /Boiler 6/ }));
  await user.click(await screen.findByRole('checkbox', { name: /P06-TT-000/ }));
  await user.click(screen.getByRole('checkbox', { name: /P06-PT-001/ }));
  await user.click(screen.getByRole('button', { name: 'Add as tags (2)' }));
  await user.click(screen.getByRole('button', { name: 'Add 2 tag(s)' }));
  expect(await screen.findByRole('alert')).toHaveTextContent('tag "P06-PT-001" already exists');
  expect(screen.getByText('Added 1 tag(s): P06-TT-000')).toBeInTheDocument();
  expect(screen.getByLabelText('Sensor id of ns=1;s=P06-PT-001')).toHaveValue('P06-PT-001');
  expect(screen.queryByLabelText('Sensor id of ns=1;s=P06-TT-000')).not.toBeInTheDocument();
});

test('a server IDM cannot browse says why (e.g. the certificate to trust)', async () => {
  fakeApi(() => ({ status: 502, data: { message: 'device "ua-01": server certificate ab12 of opc.tcp://line7:4840 is not trusted (BadCertificateUntrusted)' } }));
  render(<OpcuaBrowser device={DEVICE} onAdded={() => undefined} onClose={() => undefined} />);
  expect(await screen.findByRole('alert')).toHaveTextContent('server certificate ab12 of opc.tcp://line7:4840 is not trusted');
});
