import type { TagDto } from '@idm/contracts';
import { checkDevices, checkTags } from './registry-rules';

const tag = (sensor_id: string, address: number, over: Partial<TagDto> = {}): TagDto => ({
  sensor_id, device_id: 'plc-01', area: '', register_type: 'holding', address, data_type: 'float32',
  word_order: 'big', byte_order: 'big', scale: 1, offset: 0, unit: '', description: '', ...over,
});
const devices = new Set(['plc-01']);

describe('checkTags', () => {
  it('accepts adjacent tags', () => {
    expect(checkTags([tag('a', 0), tag('b', 2)], devices)).toEqual([]);
  });

  it('names both tags of an overlap', () => {
    const [d] = checkTags([tag('TT-101', 10), tag('TT-102', 11)], devices);
    expect(d.field).toBe('tags[TT-102].address');
    expect(d.message).toBe('tag "TT-102" (holding 11..12) overlaps tag "TT-101" (holding 10..11) on device "plc-01"');
  });

  it('finds an overlap hidden behind a short tag', () => {
    const errs = checkTags([tag('long', 0, { data_type: 'float64' }), tag('short', 1, { data_type: 'int16' }), tag('late', 3, { data_type: 'int16' })], devices);
    expect(errs.map((e) => e.field)).toEqual(['tags[short].address', 'tags[late].address']);
  });

  it('allows the same address in another area or device', () => {
    expect(checkTags([tag('a', 0), tag('b', 0, { register_type: 'input' })], devices)).toEqual([]);
    expect(checkTags([tag('a', 0), tag('b', 0, { device_id: 'plc-02' })], new Set(['plc-01', 'plc-02']))).toEqual([]);
  });

  it('rejects a value running past the last address, naming the tag', () => {
    const [d] = checkTags([tag('FT-7', 65534, { data_type: 'float64' })], devices);
    expect(d.message).toBe('tag "FT-7": float64 at address 65534 ends at 65537, past the last Modbus address 65535');
  });

  it('refuses scale and offset on a bool tag, naming the tag and the field', () => {
    const bit = (over: Partial<TagDto>) => tag('XS-1', 0, { register_type: 'coil', data_type: 'bool', ...over });
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

describe('checkDevices', () => {
  it('rejects two devices pointing at the same PLC', () => {
    const base = { host: '10.0.0.1', port: 502, unit_id: 1, timeout_ms: 1000, poll_interval_ms: 1000 };
    const errs = checkDevices([{ id: 'a', ...base }, { id: 'b', ...base }, { id: 'c', ...base, unit_id: 2 }]);
    expect(errs.map((e) => e.message)).toEqual(['device "b" points at the same PLC (10.0.0.1:502/1) as device "a"']);
  });
});
