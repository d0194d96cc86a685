import type { FlatModbusTagDto, ModbusDataType, SampleQuality } from '@idm/contracts';
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
 * A tag's decoding rule, taken from its registry document once. The poller decodes every tag on every poll;
 * reading the rule off registry documents (whose shapes vary with their optional fields) on each value cost
 * more than the decoding itself, so it reads this object of one fixed shape instead.
 */
export class TagDecoder {
  private readonly type: ModbusDataType;
  private readonly wordOrder: FlatModbusTagDto['word_order'];
  private readonly byteOrder: FlatModbusTagDto['byte_order'];
  private readonly scale: number;
  private readonly offset: number;
  private readonly min: number;
  private readonly max: number;

  constructor(tag: DecodableTag) {
    this.type = tag.data_type;
    this.wordOrder = tag.word_order;
    this.byteOrder = tag.byte_order;
    this.scale = tag.scale;
    this.offset = tag.offset;
    // A bit is always a good 0 or 1: the physical range applies to measured values.
    const bit = tag.data_type === 'bool';
    this.min = bit ? -Infinity : (tag.physical_min ?? -Infinity);
    this.max = bit ? Infinity : (tag.physical_max ?? Infinity);
  }

  /** The engineering value at `at` of a block; NaN or ±Infinity when the device sent a non-number. */
  value(data: ArrayLike<number> | ArrayLike<boolean>, at: number): number {
    if (this.type === 'bool') return data[at] ? 1 : 0; // bits are not scaled
    return scaleValue(decodeRegisters(data as ArrayLike<number>, at, this.type, this.wordOrder, this.byteOrder), this.scale, this.offset);
  }

  /** `bad` for a non-number (a NaN float is how many PLCs flag a broken sensor) or a value outside the physical range. */
  quality(value: number): SampleQuality {
    return Number.isFinite(value) && value >= this.min && value <= this.max ? 'good' : 'bad';
  }
}

/**
 * Turns a tag's registers (or bit) at `offset` of a block into an engineering value and a quality:
 * `bad` when the device sent a non-number or a value outside the tag's physical range. Non-finite values
 * become 0 because samples must stay storable.
 */
export function readTag(tag: DecodableTag, data: ArrayLike<number> | ArrayLike<boolean>, offset: number): TagReading {
  const decoder = new TagDecoder(tag);
  const value = decoder.value(data, offset);
  return { value: Number.isFinite(value) ? value : 0, quality: decoder.quality(value) };
}
