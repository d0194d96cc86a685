import type { FlatModbusTagDto as TagDto } from '@idm/contracts';
import { encodeRegisters } from './decode';
import { readTag } from './tag-value';

const tag = (over: Partial<TagDto> = {}): TagDto => ({
  sensor_id: 't', device_id: 'd', area: '', register_type: 'holding', address: 0, data_type: 'float32',
  word_order: 'big', byte_order: 'big', scale: 1, offset: 0, unit: '', description: '', ...over,
});

describe('readTag', () => {
  it('decodes and scales a value', () => {
    expect(readTag(tag({ data_type: 'int16', scale: 0.1, offset: 1 }), [0, 250], 1)).toEqual({ value: 26, quality: 'good' });
  });

  it('marks a NaN float bad and stores 0', () => {
    expect(readTag(tag(), encodeRegisters(NaN, 'float32'), 0)).toEqual({ value: 0, quality: 'bad' });
  });

  it('marks a value outside the physical range bad', () => {
    expect(readTag(tag({ physical_max: 100 }), encodeRegisters(150, 'float32'), 0).quality).toBe('bad');
    expect(readTag(tag({ physical_min: 0, physical_max: 100 }), encodeRegisters(50, 'float32'), 0).quality).toBe('good');
  });

  it('reads bits as 0/1, always good (a physical range applies to measured values)', () => {
    expect(readTag(tag({ data_type: 'bool', register_type: 'coil' }), [false, true], 1)).toEqual({ value: 1, quality: 'good' });
    expect(readTag(tag({ data_type: 'bool', register_type: 'coil', physical_min: 5, physical_max: 10 }), [false], 0)).toEqual({ value: 0, quality: 'good' });
  });

  it('marks infinities bad, and reads the physical range bounds as inclusive', () => {
    expect(readTag(tag(), encodeRegisters(Infinity, 'float32'), 0)).toEqual({ value: 0, quality: 'bad' });
    expect(readTag(tag({ physical_min: 0, physical_max: 100 }), encodeRegisters(100, 'float32'), 0).quality).toBe('good');
    expect(readTag(tag({ physical_min: 0, physical_max: 100, data_type: 'int16' }), [0], 0).quality).toBe('good');
    expect(readTag(tag({ physical_min: null as unknown as number }), encodeRegisters(-5, 'float32'), 0).quality).toBe('good');
  });
});
