import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, expect, test, vi } from 'vitest';
import type { DeviceDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { sessionFromTokens, setSession } from '../../../lib/session';
import { fakeApi, fakeToken } from '../../../test/fake-api';
import { DeviceForm } from './DeviceForm';

const UA: DeviceDto = {
  id: 'ua-01', name: 'Line 7', protocol: 'opcua', endpoint_url: 'opc.tcp://line7:4840/UA', security_mode: 'SignAndEncrypt', security_policy: 'Basic256Sha256',
  username: 'idm-reader', password_set: true, publishing_interval_ms: 500, timeout_ms: 10000, enabled: true,
};

beforeEach(() => {
  initConfig({});
  setSession(sessionFromTokens({ access_token: fakeToken('ada', ['admin']), refresh_token: 'r', expires_in: 900 }));
});

test('adds an OPC UA device with its endpoint, security, credentials and publishing interval', async () => {
  const user = userEvent.setup();
  const seen = fakeApi((req) => ({ status: 201, data: { ...(req.body as object), password: undefined, password_set: true } }));
  const onSaved = vi.fn();
  render(<DeviceForm onSaved={onSaved} onCancel={() => undefined} />);
  expect(screen.queryByLabelText('Endpoint URL')).toBeNull();
  await user.selectOptions(screen.getByLabelText('Protocol'), 'opcua');
  expect(screen.queryByLabelText('Host')).toBeNull();
  await user.type(screen.getByLabelText('Name'), 'Line 7');
  await user.type(screen.getByLabelText('Endpoint URL'), 'opc.tcp://line7:4840/UA');
  await user.selectOptions(screen.getByLabelText('Security mode'), 'SignAndEncrypt');
  await user.selectOptions(screen.getByLabelText('Security policy'), 'Basic256Sha256');
  await user.type(screen.getByLabelText('User name'), 'idm-reader');
  await user.type(screen.getByLabelText('Password'), 's3cret');
  expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
  await user.type(screen.getByLabelText('Publishing interval (ms)'), '500');
  await user.click(screen.getByRole('button', { name: 'Add device' }));
  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatchObject({ method: 'POST', url: '/devices' });
  expect(seen[0].body).toEqual({
    name: 'Line 7', enabled: true, protocol: 'opcua', endpoint_url: 'opc.tcp://line7:4840/UA', security_mode: 'SignAndEncrypt',
    security_policy: 'Basic256Sha256', username: 'idm-reader', password: 's3cret', publishing_interval_ms: 500,
  });
  expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ protocol: 'opcua', password_set: true }));
});

test('changing an OPC UA device never shows the stored password and keeps it unless a new one is typed', async () => {
  const user = userEvent.setup();
  const seen = fakeApi((req) => ({ status: 200, data: { ...UA, ...(req.body as object) } }));
  render(<DeviceForm device={UA} onSaved={() => undefined} onCancel={() => undefined} />);
  expect(screen.getByLabelText('Protocol')).toBeDisabled();
  expect(screen.getByLabelText('Endpoint URL')).toHaveValue('opc.tcp://line7:4840/UA');
  expect(screen.getByLabelText('Password')).toHaveValue('');
  expect(screen.getByLabelText('Password')).toHaveAttribute('placeholder', 'stored (leave empty to keep)');
  await user.clear(screen.getByLabelText('Publishing interval (ms)'));
  await user.type(screen.getByLabelText('Publishing interval (ms)'), '250');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  expect(seen[0]).toMatchObject({ method: 'PATCH', url: '/devices/ua-01' });
  expect(seen[0].body).not.toHaveProperty('password');
  expect(seen[0].body).toMatchObject({ publishing_interval_ms: 250, username: 'idm-reader', security_mode: 'SignAndEncrypt' });
});

test("shows the server's message under the field it names, also for registry rules naming the device", async () => {
  const user = userEvent.setup();
  const message = 'device "ua-01": security_mode None needs security_policy None (got Basic256Sha256)';
  fakeApi(() => ({ status: 400, data: { statusCode: 400, error: 'Bad Request', message, details: [{ field: 'devices[ua-01].security_policy', rule: 'matchesSecurityMode', message }] } }));
  render(<DeviceForm device={UA} onSaved={() => undefined} onCancel={() => undefined} />);
  await user.selectOptions(screen.getByLabelText('Security mode'), 'None');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  expect(await screen.findByText(message)).toBeInTheDocument();
  expect(screen.getByLabelText('Security policy')).toHaveAttribute('aria-invalid', 'true');
});

test('adds an MQTT Sparkplug device with broker, session, group and credentials, and shows a rule error under its field', async () => {
  const user = userEvent.setup();
  const message = 'device "mq-01": group_id is required in sparkplug mode and must not contain /, + or #';
  let calls = 0;
  const seen = fakeApi((req) =>
    ++calls === 1
      ? { status: 400, data: { statusCode: 400, error: 'Bad Request', message, details: [{ field: 'devices[mq-01].group_id', rule: 'mqttDevice', message }] } }
      : { status: 201, data: { ...(req.body as object), password: undefined, password_set: true } },
  );
  const onSaved = vi.fn();
  render(<DeviceForm onSaved={onSaved} onCancel={() => undefined} />);
  await user.selectOptions(screen.getByLabelText('Protocol'), 'mqtt');
  expect(screen.queryByLabelText('Host')).toBeNull();
  await user.type(screen.getByLabelText('Id'), 'mq-01');
  await user.type(screen.getByLabelText('Name'), 'Plant broker');
  await user.type(screen.getByLabelText('Broker URL'), 'mqtts://broker:8883');
  await user.type(screen.getByLabelText('Client id'), 'idm-a');
  expect(screen.getByLabelText('Mode')).toHaveValue('sparkplug');
  await user.type(screen.getByLabelText('User name'), 'idm');
  await user.type(screen.getByLabelText('Password'), 's3cret');
  expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
  await user.type(screen.getByLabelText('TLS CA (path or PEM)'), '/etc/idm/ca.pem');
  await user.click(screen.getByRole('button', { name: 'Add device' }));
  expect(await screen.findByText(message)).toBeInTheDocument();
  expect(screen.getByLabelText('Sparkplug group id')).toHaveAttribute('aria-invalid', 'true');
  await user.type(screen.getByLabelText('Sparkplug group id'), 'plant-a');
  await user.click(screen.getByRole('button', { name: 'Add device' }));
  expect(seen).toHaveLength(2);
  expect(seen[1].body).toEqual({
    id: 'mq-01', name: 'Plant broker', enabled: true, protocol: 'mqtt', broker_url: 'mqtts://broker:8883', client_id: 'idm-a', mode: 'sparkplug',
    group_id: 'plant-a', username: 'idm', password: 's3cret', tls_ca: '/etc/idm/ca.pem',
  });
  expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ protocol: 'mqtt', password_set: true }));
});

test('edits Sparkplug auto-adopt rules as JSON: sent as a list, a rule error shown under them, emptied = none', async () => {
  const user = userEvent.setup();
  const rules = [{ match: 'line1/*/*', area: 'Line 1' }];
  const MQ: DeviceDto = { id: 'mq-01', name: 'Plant broker', protocol: 'mqtt', broker_url: 'mqtt://broker:1883', client_id: 'idm-a', mode: 'sparkplug', group_id: 'plant-a', timeout_ms: 10000, enabled: true, auto_adopt: rules };
  const message = 'device "mq-01": auto_adopt[0].alarm_priority must be one of critical, high, medium, low';
  let calls = 0;
  const seen = fakeApi((req) =>
    ++calls === 1
      ? { status: 400, data: { statusCode: 400, error: 'Bad Request', message, details: [{ field: 'devices[mq-01].auto_adopt[0].alarm_priority', rule: 'autoAdopt', message }] } }
      : { status: 200, data: { ...MQ, ...(req.body as object) } },
  );
  render(<DeviceForm device={MQ} onSaved={() => undefined} onCancel={() => undefined} />);
  const box = screen.getByLabelText('Auto-adopt rules (JSON, sparkplug only)');
  expect(JSON.parse((box as HTMLTextAreaElement).value)).toEqual(rules);
  await user.clear(box);
  await user.click(box);
  await user.paste('[{"match": "**", "alarm_priority": "urgent"}]');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  expect(seen[0].body).toMatchObject({ auto_adopt: [{ match: '**', alarm_priority: 'urgent' }] });
  expect(await screen.findByText(message)).toBeInTheDocument();
  expect(box).toHaveAttribute('aria-invalid', 'true');
  await user.clear(box);
  await user.click(box);
  await user.paste('[{oops');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  expect(seen).toHaveLength(1);
  expect(await screen.findByText(/not JSON/)).toBeInTheDocument();
  await user.clear(box);
  await user.click(screen.getByRole('button', { name: 'Save' }));
  expect(seen[1].body).toMatchObject({ auto_adopt: [] });
});
