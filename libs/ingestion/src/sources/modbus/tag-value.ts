import type { FlatModbusTagDto, SampleQuality } from '@idm/contracts';
import { decodeRegisters, scaleValue } from './decode';

export type DecodableTag = Pick<
  FlatModbusTagDto,
  'sensor_id' | 'data_type' | 'word_order' | 'byte_order' | 'scale' | 'offset' | 'physical_min' | 'physical_max'
>;

export interface TagReading {
  value: number;
  quality: SampleQuality;
}

/**
 * Turns a tag's registers (or bit) at `offset` of a block into an engineering value and a quality:
 * `bad` when the device sent a non-number (a NaN float is how many PLCs flag a broken sensor) or a value
 * outside the tag's physical range. Non-finite values become 0 because samples must stay storable.
 */
export function readTag(tag: DecodableTag, data: ArrayLike<number> | ArrayLike<boolean>, offset: number): TagReading {
  if (tag.data_type === 'bool') return { value: data[offset] ? 1 : 0, quality: 'good' };
  const raw = decodeRegisters(data as ArrayLike<number>, offset, tag.data_type, tag.word_order, tag.byte_order);
  const value = scaleValue(raw, tag.scale, tag.offset);
  if (!Number.isFinite(value)) return { value: 0, quality: 'bad' };
  const outOfRange =
    (tag.physical_min !== undefined && tag.physical_min !== null && value < tag.physical_min) ||
    (tag.physical_max !== undefined && tag.physical_max !== null && value > tag.physical_max);
  return { value, quality: outOfRange ? 'bad' : 'good' };
}
