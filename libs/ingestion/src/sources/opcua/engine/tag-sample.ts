import type { SampleQuality, TagDto } from '@idm/contracts';
import { qualityOfStatus, variantToNumber, VariantLike } from './opcua-values';

export type EngineeringTag = Pick<TagDto, 'sensor_id' | 'scale' | 'offset' | 'physical_min' | 'physical_max'>;

/** A data value as the subscription delivers it (node-opcua's DataValue, reduced to what is read). */
export interface DataValueLike {
  value: VariantLike;
  statusCode: number;
  sourceTimestamp?: Date | null;
  serverTimestamp?: Date | null;
}

export type OpcuaReading =
  | { kind: 'sample'; value: number; quality: SampleQuality; timestamp: number }
  /** The value cannot be a sample (an array, a string, a huge Int64): a per-tag error, reported once. */
  | { kind: 'refused'; error: string; timestamp: number };

/**
 * One data change as a sample, like a Modbus register read: `value = raw * scale + offset`, `bad` when the
 * server says Bad, when the value is not finite, or when it is outside the tag's physical range; Uncertain
 * becomes `stale`. The timestamp is the source's (when the device sampled it), else the server's, else
 * `now`. A Bad value carries the last good one (`last`), as a Bad status often comes with no value at all.
 */
export function readingOf(tag: EngineeringTag, dv: DataValueLike, last: number | undefined, now: number): OpcuaReading {
  const timestamp = dv.sourceTimestamp?.getTime() || dv.serverTimestamp?.getTime() || now;
  const statusQuality = qualityOfStatus(dv.statusCode);
  if (statusQuality === 'bad') return { kind: 'sample', value: last ?? 0, quality: 'bad', timestamp };
  const raw = variantToNumber(dv.value);
  if (!raw.ok) {
    // An Uncertain status with no usable value still says the value is stale, not that the tag is wrong.
    if (statusQuality === 'stale' && dv.value.dataType === 0) return { kind: 'sample', value: last ?? 0, quality: 'stale', timestamp };
    return { kind: 'refused', error: raw.error, timestamp };
  }
  const value = raw.value * tag.scale + tag.offset;
  if (!Number.isFinite(value)) return { kind: 'sample', value: 0, quality: 'bad', timestamp };
  const outOfRange =
    (tag.physical_min !== undefined && tag.physical_min !== null && value < tag.physical_min) ||
    (tag.physical_max !== undefined && tag.physical_max !== null && value > tag.physical_max);
  return { kind: 'sample', value, quality: outOfRange ? 'bad' : statusQuality, timestamp };
}
