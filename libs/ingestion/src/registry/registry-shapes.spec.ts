import { deviceFromStored, exportedDevice, publicDevice, tagFromStored } from './registry-shapes';

describe('reading stored registry documents', () => {
  it('reads a device stored before protocols existed as a Modbus device', () => {
    const old = { _id: 'plc-01', name: 'Boiler', host: '10.0.0.5', port: 502, unit_id: 3, poll_interval_ms: 500, timeout_ms: 800, enabled: true };
    expect(deviceFromStored(old)).toEqual({ ...old, _id: undefined, id: 'plc-01', protocol: 'modbus', block_gap: 8 });
  });

  it('reads a tag stored with its Modbus binding flat into `source`', () => {
    const old = {
      _id: 'TT-101', device_id: 'plc-01', area: 'Boiler house', register_type: 'input', address: 7, data_type: 'int16', word_order: 'big',
      byte_order: 'little', scale: 0.1, offset: 2, unit: '°C', description: 'drum', limits: { hi: 80 }, alarm_priority: 'high',
    };
    expect(tagFromStored(old)).toEqual({
      sensor_id: 'TT-101', device_id: 'plc-01', area: 'Boiler house',
      source: { register_type: 'input', address: 7, data_type: 'int16', word_order: 'big', byte_order: 'little' },
      scale: 0.1, offset: 2, unit: '°C', description: 'drum', limits: { hi: 80 }, alarm_priority: 'high',
    });
    // Even older documents lacked the orders and the area: they default as they always did.
    expect(tagFromStored({ _id: 'X', device_id: 'plc-01', register_type: 'holding', address: 0, data_type: 'float32' }).source).toEqual({
      register_type: 'holding', address: 0, data_type: 'float32', word_order: 'big', byte_order: 'big',
    });
  });

  it('reads a tag in the new shape, Modbus or OPC UA', () => {
    const ua = tagFromStored({ _id: 'PT-1', device_id: 'ua', source: { node_id: 'ns=2;s=P', queue_size: 5 }, scale: 1, offset: 0, unit: 'bar', description: '' });
    expect(ua.source).toEqual({ node_id: 'ns=2;s=P', queue_size: 5 });
  });

  it('reads an MQTT device and tag, and never shows the MQTT password either', () => {
    const stored = {
      _id: 'mq', name: 'Broker', protocol: 'mqtt', broker_url: 'mqtt://b:1883', client_id: 'idm', mode: 'sparkplug', group_id: 'plant',
      username: 'u', password: 'secret', rebirth_requests: false, timeout_ms: 5000, enabled: true,
    };
    const d = deviceFromStored(stored);
    expect(d).toEqual({ ...stored, _id: undefined, id: 'mq' });
    expect(publicDevice(d)).toEqual({ ...stored, _id: undefined, id: 'mq', password: undefined, password_set: true, tls_key_set: false });
    const withKey = { ...d, tls_cert: 'CERT', tls_key: '-----BEGIN PRIVATE KEY-----' } as typeof d;
    expect(publicDevice(withKey)).toMatchObject({ tls_cert: 'CERT', tls_key_set: true });
    expect('tls_key' in publicDevice(withKey) || 'tls_key' in exportedDevice(withKey) || 'tls_key_set' in exportedDevice(withKey)).toBe(false);
    expect('password' in exportedDevice(d) || 'password_set' in exportedDevice(d)).toBe(false);
    const t = tagFromStored({ _id: 'T', device_id: 'mq', source: { edge_node_id: 'gw', device_id: 'plc', metric: 'Temp' }, scale: 1, offset: 0, unit: '', description: '' });
    expect(t.source).toEqual({ edge_node_id: 'gw', device_id: 'plc', metric: 'Temp' });
  });

  it('never shows an OPC UA password: answers say password_set, exports leave both out', () => {
    const d = deviceFromStored({ _id: 'ua', name: 'UA', protocol: 'opcua', endpoint_url: 'opc.tcp://h:4840', security_mode: 'None', security_policy: 'None', username: 'op', password: 's3cret', publishing_interval_ms: 500, timeout_ms: 5000, enabled: true });
    expect(d).toMatchObject({ protocol: 'opcua', username: 'op', password: 's3cret' });
    expect(JSON.stringify(publicDevice(d))).not.toContain('s3cret');
    expect(publicDevice(d)).toMatchObject({ username: 'op', password_set: true });
    expect(exportedDevice(d)).not.toHaveProperty('password');
    expect(exportedDevice(d)).not.toHaveProperty('password_set');
    expect(publicDevice({ ...d, username: undefined, password: undefined } as never)).toMatchObject({ password_set: false });
  });
});
