import type { DeviceDto, DeviceProtocol, FlatModbusTagDto, MqttDeviceDto, MqttMode, MqttTagBinding, OpcuaDeviceDto, OpcuaTagBinding, TagDto } from '@idm/contracts';
import { checkDevices, checkTags } from './registry-rules';

/** A Modbus tag written flat (as the first API took it), its binding moved into `source`. */
const tag = (sensor_id: string, address: number, over: Partial<FlatModbusTagDto> = {}): TagDto => {
  const flat = { sensor_id, device_id: 'plc-01', area: '', register_type: 'holding', address, data_type: 'float32', word_order: 'big', byte_order: 'big', scale: 1, offset: 0, unit: '', description: '', ...over } as FlatModbusTagDto;
  const { register_type, address: a, data_type, word_order, byte_order, ...shared } = flat;
  return { ...shared, source: { register_type, address: a, data_type, word_order, byte_order } };
};
const opcTag = (sensor_id: string, source: OpcuaTagBinding, over: Partial<TagDto> = {}): TagDto => ({
  sensor_id, device_id: 'ua-01', area: '', source, scale: 1, offset: 0, unit: '', description: '', ...over,
});
const devices = new Map<string, DeviceProtocol>([['plc-01', 'modbus'], ['ua-01', 'opcua']]);

describe('checkTags', () => {
  it('accepts adjacent tags', () => {
    expect(checkTags([tag('a', 0), tag('b', 2)], devices)).toEqual([]);
  });

  it('names both tags of an overlap', () => {
    const [d] = checkTags([tag('TT-101', 10), tag('TT-102', 11)], devices);
    expect(d.field).toBe('tags[TT-102].source.address');
    expect(d.message).toBe('tag "TT-102" (holding 11..12) overlaps tag "TT-101" (holding 10..11) on device "plc-01"');
  });

  it('finds an overlap hidden behind a short tag', () => {
    const errs = checkTags([tag('long', 0, { data_type: 'float64' }), tag('short', 1, { data_type: 'int16' }), tag('late', 3, { data_type: 'int16' })], devices);
    expect(errs.map((e) => e.field)).toEqual(['tags[short].source.address', 'tags[late].source.address']);
  });

  it('allows the same address in another area or device', () => {
    expect(checkTags([tag('a', 0), tag('b', 0, { register_type: 'input' })], devices)).toEqual([]);
    expect(checkTags([tag('a', 0), tag('b', 0, { device_id: 'plc-02' })], new Map<string, DeviceProtocol>([['plc-01', 'modbus'], ['plc-02', 'modbus']]))).toEqual([]);
  });

  it('rejects a value running past the last address, naming the tag', () => {
    const [d] = checkTags([tag('FT-7', 65534, { data_type: 'float64' })], devices);
    expect(d.message).toBe('tag "FT-7": float64 at address 65534 ends at 65537, past the last Modbus address 65535');
  });

  it('refuses scale and offset on a bool tag, naming the tag and the field', () => {
    const bit = (over: Partial<FlatModbusTagDto>) => tag('XS-1', 0, { register_type: 'coil', data_type: 'bool', ...over });
    expect(checkTags([bit({})], devices)).toEqual([]);
    expect(checkTags([bit({ scale: 2, offset: -1 })], devices)).toEqual([
      { field: 'tags[XS-1].scale', rule: 'notForBool', message: 'tag "XS-1": scale does not apply to a bool tag (got 2; leave it out or use 1)' },
      { field: 'tags[XS-1].offset', rule: 'notForBool', message: 'tag "XS-1": offset does not apply to a bool tag (got -1; leave it out or use 0)' },
    ]);
  });

  it('rejects bool outside bit areas and words in bit areas', () => {
    expect(checkTags([tag('x', 0, { data_type: 'bool' })], devices)[0].message).toMatch(/"x": data_type bool needs register_type coil/);
    expect(checkTags([tag('y', 0, { register_type: 'coil' })], devices)[0].message).toMatch(/"y": a coil holds one bit/);
  });

  it('rejects unknown devices, duplicates, zero scale and disordered limits', () => {
    const msgs = checkTags(
      [tag('a', 0, { device_id: 'nope' }), tag('b', 0, { scale: 0, limits: { lo: 5, hi: 1 } }), tag('b', 10)],
      devices,
    ).map((e) => e.message);
    expect(msgs).toEqual(expect.arrayContaining([
      'tag "a": device "nope" does not exist',
      'tag "b": scale must not be 0',
      'tag "b": limit lo (5) must not be above hi (1)',
      'tag "b" is defined more than once',
    ]));
  });

  it('accepts an alarm priority for all conditions or per condition, and names the tag and field of a bad one', () => {
    expect(checkTags([tag('a', 0, { alarm_priority: 'critical' }), tag('b', 2, { alarm_priority: { limit: 'high', stuck: 'low' } })], devices)).toEqual([]);
    const bad = (alarm_priority: unknown) => checkTags([tag('TT-1', 0, { alarm_priority: alarm_priority as TagDto['alarm_priority'] })], devices);
    expect(bad('urgent')).toEqual([
      { field: 'tags[TT-1].alarm_priority', rule: 'isIn', message: 'tag "TT-1": alarm_priority must be one of critical, high, medium, low (got "urgent")' },
    ]);
    expect(bad({ limit_hi: 'high', spike: 'soon' })).toEqual([
      expect.objectContaining({ field: 'tags[TT-1].alarm_priority.limit_hi', rule: 'isCondition', message: expect.stringMatching(/^tag "TT-1": alarm_priority.limit_hi is not a condition of a tag \(one of limit, out_of_range, spike/) }),
      expect.objectContaining({ field: 'tags[TT-1].alarm_priority.spike', rule: 'isIn' }),
    ]);
    expect(bad(3)[0].rule).toBe('alarmPriority');
    expect(bad(['high'])[0].rule).toBe('alarmPriority');
    expect(bad({})[0].message).toBe('tag "TT-1": alarm_priority must name at least one condition');
  });

  it('takes state words on a bool tag only', () => {
    const words = { '0': 'STOP', '1': 'RUN' };
    expect(checkTags([tag('M-1', 0, { register_type: 'coil', data_type: 'bool', state_words: words })], devices)).toEqual([]);
    expect(checkTags([tag('TT-1', 0, { state_words: words })], devices)).toEqual([
      { field: 'tags[TT-1].state_words', rule: 'boolOnly', message: 'tag "TT-1": state_words are for bool tags (data_type is float32)' },
    ]);
  });
});

describe('checkTags: bindings by protocol', () => {
  it('refuses a binding that does not match its device protocol, naming the tag', () => {
    expect(checkTags([tag('TT-1', 0, { device_id: 'ua-01' })], devices)).toEqual([
      { field: 'tags[TT-1].source', rule: 'matchesProtocol', message: 'tag "TT-1": device "ua-01" speaks opcua, so the tag needs an OPC UA binding (node_id)' },
    ]);
    expect(checkTags([opcTag('PT-1', { node_id: 'ns=2;s=P' }, { device_id: 'plc-01' })], devices)[0].message).toBe(
      'tag "PT-1": device "plc-01" speaks modbus, so the tag needs a Modbus binding (register_type, address, data_type)',
    );
  });

  it('checks OPC UA deadbands and refuses one node bound twice on a device', () => {
    expect(checkTags([opcTag('a', { node_id: 'ns=2;s=A', deadband_type: 'percent', deadband_value: 2 }), opcTag('b', { node_id: 'ns=2;i=7' })], devices)).toEqual([]);
    const rules = (b: OpcuaTagBinding) => checkTags([opcTag('a', b)], devices).map((e) => [e.field, e.rule]);
    expect(rules({ node_id: 'i=1', deadband_type: 'percent', deadband_value: 101 })).toEqual([['tags[a].source.deadband_value', 'max']]);
    expect(rules({ node_id: 'i=1', deadband_type: 'absolute' })).toEqual([['tags[a].source.deadband_value', 'required']]);
    expect(rules({ node_id: 'i=1', deadband_value: 3 })).toEqual([['tags[a].source.deadband_type', 'required']]);
    const twice = checkTags([opcTag('a', { node_id: 'ns=2;s=A' }), opcTag('b', { node_id: 'ns=2;s=A' })], devices);
    expect(twice.map((e) => e.message)).toEqual(['tag "b" binds node ns=2;s=A of device "ua-01", already bound by tag "a"']);
  });
});

describe('checkTags: MQTT bindings follow the device mode', () => {
  const mqttTag = (sensor_id: string, device_id: string, source: MqttTagBinding): TagDto => ({
    sensor_id, device_id, area: '', source, scale: 1, offset: 0, unit: '', description: '',
  });
  const protocols = new Map<string, DeviceProtocol>([['plc-01', 'modbus'], ['spb', 'mqtt'], ['json', 'mqtt']]);
  const modes = new Map<string, MqttMode>([['spb', 'sparkplug'], ['json', 'plain']]);
  const check = (...tags: TagDto[]) => checkTags(tags, protocols, modes).map((e) => [e.field, e.rule, e.message]);

  it('accepts a topic on a plain device and edge node + metric on a sparkplug device', () => {
    expect(check(
      mqttTag('a', 'json', { topic: 'plant/+/temp', value_path: 'data.v', timestamp_path: 'ts' }),
      mqttTag('b', 'spb', { edge_node_id: 'gw-1', device_id: 'plc-01', metric: 'Drum/Pressure' }),
      mqttTag('c', 'spb', { edge_node_id: 'gw-1', metric: 'Drum/Pressure' }),
    )).toEqual([]);
  });

  it('refuses a binding of the other mode, naming the tag and the field', () => {
    expect(check(mqttTag('a', 'spb', { topic: 'plant/temp' }))).toEqual([
      ['tags[a].source.edge_node_id', 'mqttBinding', 'tag "a" (sparkplug mode): source.edge_node_id is required and must not contain /, + or #'],
    ]);
    expect(check(mqttTag('b', 'json', { edge_node_id: 'gw-1', metric: 'm' }))[0].slice(0, 2)).toEqual(['tags[b].source.topic', 'mqttBinding']);
    expect(check(mqttTag('c', 'spb', { edge_node_id: 'gw-1' }))[0].slice(0, 2)).toEqual(['tags[c].source.metric', 'mqttBinding']);
    expect(check(mqttTag('d', 'json', { topic: 'a/#/b' }))[0].slice(0, 2)).toEqual(['tags[d].source.topic', 'mqttBinding']);
    expect(check(mqttTag('e', 'json', { topic: 'a', value_path: 'x[' }))[0].slice(0, 2)).toEqual(['tags[e].source.value_path', 'mqttBinding']);
  });

  it('refuses an MQTT binding on another protocol and another binding on an MQTT device', () => {
    expect(check(mqttTag('a', 'plc-01', { topic: 't' }))[0].slice(0, 2)).toEqual(['tags[a].source', 'matchesProtocol']);
    expect(check(tag('b', 0, { device_id: 'json' }))[0]).toEqual([
      'tags[b].source', 'matchesProtocol', 'tag "b": device "json" speaks mqtt, so the tag needs an MQTT binding (topic, or edge_node_id and metric)',
    ]);
  });

  it('refuses one Sparkplug metric bound twice on a device', () => {
    const b = { edge_node_id: 'gw-1', device_id: 'plc-01', metric: 'T' };
    expect(check(mqttTag('a', 'spb', b), mqttTag('b', 'spb', b), mqttTag('c', 'spb', { ...b, device_id: 'plc-02' }))).toEqual([
      ['tags[b].source.metric', 'unique', 'tag "b" binds metric "T" of gw-1/plc-01 on device "spb", already bound by tag "a"'],
    ]);
  });
});

describe('checkDevices', () => {
  const mq = (over: Partial<MqttDeviceDto> = {}): DeviceDto => ({
    id: 'mq-01', name: 'Broker', protocol: 'mqtt', broker_url: 'mqtt://broker:1883', client_id: 'idm', mode: 'sparkplug', group_id: 'plant',
    timeout_ms: 10_000, enabled: true, ...over,
  });

  it('accepts MQTT devices (the temporary refusal is gone) and names the field of a bad one', () => {
    expect(checkDevices([mq(), mq({ id: 'mq-02', client_id: 'idm-2', mode: 'plain', group_id: undefined })])).toEqual([]);
    const one = (over: Partial<MqttDeviceDto>) => checkDevices([mq(over)]).map((e) => [e.field, e.rule]);
    expect(one({ broker_url: 'http://broker' })).toEqual([['devices[mq-01].broker_url', 'mqttDevice']]);
    expect(one({ group_id: undefined })).toEqual([['devices[mq-01].group_id', 'mqttDevice']]);
    expect(one({ password: 'p' })).toEqual([['devices[mq-01].password', 'mqttDevice']]);
    expect(one({ tls_ca: '/etc/ca.pem' })).toEqual([['devices[mq-01].tls_ca', 'mqttDevice']]);
    expect(checkDevices([mq({ tls_ca: 'x' })])[0].message).toBe('device "mq-01": tls_ca/tls_cert need an mqtts:// or wss:// broker_url');
  });

  it('refuses two MQTT devices with one client id on one broker', () => {
    const errs = checkDevices([mq(), mq({ id: 'mq-02' }), mq({ id: 'mq-03', broker_url: 'mqtt://other:1883' })]);
    expect(errs.map((e) => [e.field, e.rule])).toEqual([['devices[mq-02].client_id', 'unique']]);
  });

  const ua = (over: Partial<OpcuaDeviceDto> = {}): DeviceDto => ({
    id: 'ua-01', name: 'UA', protocol: 'opcua', endpoint_url: 'opc.tcp://plc-07:4840/UA/Server', security_mode: 'None', security_policy: 'None',
    publishing_interval_ms: 1000, timeout_ms: 10_000, enabled: true, ...over,
  });

  it('accepts consistent OPC UA security and credentials, and names the field of inconsistent ones', () => {
    expect(checkDevices([ua(), ua({ id: 'ua-02', security_mode: 'SignAndEncrypt', security_policy: 'Basic256Sha256', username: 'u', password: 'p' })])).toEqual([]);
    const one = (over: Partial<OpcuaDeviceDto>) => checkDevices([ua(over)]).map((e) => [e.field, e.rule, e.message]);
    expect(one({ security_policy: 'Basic256Sha256' })).toEqual([['devices[ua-01].security_policy', 'matchesSecurityMode', 'device "ua-01": security_mode None needs security_policy None (got Basic256Sha256)']]);
    expect(one({ security_mode: 'Sign' })[0][1]).toBe('matchesSecurityMode');
    expect(one({ username: 'u' })).toEqual([['devices[ua-01].password', 'credentials', 'device "ua-01": username and password go together (password is missing; leave both out for anonymous)']]);
    expect(one({ password: 'p' })[0][0]).toBe('devices[ua-01].username');
    expect(one({ endpoint_url: 'opc.tcp://h:70000' })[0][1]).toBe('endpointUrl');
  });

  it('rejects two devices pointing at the same PLC', () => {
    const base = { protocol: 'modbus' as const, name: 'x', enabled: true, host: '10.0.0.1', port: 502, unit_id: 1, timeout_ms: 1000, poll_interval_ms: 1000 };
    const errs = checkDevices([{ id: 'a', ...base }, { id: 'b', ...base }, { id: 'c', ...base, unit_id: 2 }]);
    expect(errs.map((e) => e.message)).toEqual(['device "b" points at the same PLC (10.0.0.1:502/1) as device "a"']);
  });
});
