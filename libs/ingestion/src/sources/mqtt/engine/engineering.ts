import type { SampleQuality, TagDto } from '@idm/contracts';

export type EngineeringTag = Pick<TagDto, 'sensor_id' | 'scale' | 'offset' | 'physical_min' | 'physical_max'>;

/** `value = raw * scale + offset`; `bad` when not finite (stored as 0) or outside the tag's physical range (as Modbus). */
export function engineering(tag: EngineeringTag, raw: number): { value: number; quality: SampleQuality } {
  const value = raw * tag.scale + tag.offset;
  if (!Number.isFinite(value)) return { value: 0, quality: 'bad' };
  const outOfRange =
    (tag.physical_min !== undefined && tag.physical_min !== null && value < tag.physical_min) ||
    (tag.physical_max !== undefined && tag.physical_max !== null && value > tag.physical_max);
  return { value, quality: outOfRange ? 'bad' : 'good' };
}
