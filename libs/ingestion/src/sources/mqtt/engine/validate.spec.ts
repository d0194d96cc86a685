import type { MqttDeviceDto } from '@idm/contracts';
import { mqttBindingError, mqttDeviceError } from './validate';

const ok: MqttDeviceDto = { id: 'b', name: 'B', protocol: 'mqtt', broker_url: 'mqtt://broker:1883', client_id: 'idm-1', mode: 'plain', timeout_ms: 5000, enabled: true };

describe('mqttDeviceError', () => {
  it('accepts good devices', () => {
    expect(mqttDeviceError(ok)).toBeNull();
    expect(mqttDeviceError({ ...ok, broker_url: 'wss://b/mqtt', mode: 'sparkplug', group_id: 'Plant', host_id: 'idm', tls_ca: '/etc/ca.pem', tls_cert: 'c', tls_key: 'k' })).toBeNull();
  });
  it.each([
    [{ broker_url: 'broker:1883' }, 'broker_url must start with mqtt://'],
    [{ broker_url: 'nonsense' }, 'broker_url must be a URL'],
    [{ broker_url: 'http://b' }, 'broker_url must start with mqtt://, mqtts://, ws:// or wss:// (got http://)'],
    [{ client_id: '' }, 'client_id must be 1-128 characters'],
    [{ mode: 'raw' }, 'mode must be plain or sparkplug'],
    [{ mode: 'sparkplug' }, 'group_id is required in sparkplug mode'],
    [{ mode: 'sparkplug', group_id: 'a/b' }, 'group_id is required in sparkplug mode and must not contain /'],
    [{ mode: 'sparkplug', group_id: 'G', host_id: '#' }, 'host_id must not'],
    [{ password: 'x' }, 'password needs a username'],
    [{ broker_url: 'mqtts://b', tls_cert: 'c' }, 'tls_cert and tls_key go together'],
    [{ tls_ca: 'ca' }, 'tls_ca/tls_cert need an mqtts:// or wss:// broker_url'],
    [{ timeout_ms: 10 }, 'timeout_ms must be an integer 500..600000'],
  ])('%j → %s', (over, msg) => expect(mqttDeviceError({ ...ok, ...(over as Partial<MqttDeviceDto>) })).toMatch(msg));
});

describe('mqttBindingError', () => {
  it('plain: a valid topic filter and paths', () => {
    expect(mqttBindingError('plain', { topic: 'a/+/b', value_path: 'd.v[0]', timestamp_path: 'ts' })).toBeNull();
    expect(mqttBindingError('plain', { topic: 'a/#/b' })).toMatch('source.topic: topic "a/#/b": # must be a whole level');
    expect(mqttBindingError('plain', {})).toMatch('source.topic: topic must not be empty');
    expect(mqttBindingError('plain', { topic: 'a', value_path: 'a.' })).toMatch('source.value_path: value path "a.": ends with .');
    expect(mqttBindingError('plain', { topic: 'a', metric: 'm' })).toMatch('are for sparkplug mode');
  });
  it('sparkplug: edge node, optional device and metric', () => {
    expect(mqttBindingError('sparkplug', { edge_node_id: 'gw', device_id: 'd', metric: 'Drum/Pressure' })).toBeNull();
    expect(mqttBindingError('sparkplug', { edge_node_id: 'gw', metric: 'm' })).toBeNull();
    expect(mqttBindingError('sparkplug', { metric: 'm' })).toMatch('source.edge_node_id is required');
    expect(mqttBindingError('sparkplug', { edge_node_id: 'gw' })).toMatch('source.metric is required');
    expect(mqttBindingError('sparkplug', { edge_node_id: 'gw', device_id: 'a+', metric: 'm' })).toMatch('source.device_id');
    expect(mqttBindingError('sparkplug', { edge_node_id: 'gw', metric: 'm', topic: 't' })).toMatch('are for plain mode');
  });
});
