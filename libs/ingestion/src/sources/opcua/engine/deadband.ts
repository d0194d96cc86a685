import type { OpcuaTagBinding } from '@idm/contracts';

/** Data-change filter parameters (Part 4, 7.22.2), as plain numbers for node-opcua's `DataChangeFilter`. */
export interface DataChangeFilterParams {
  /** 1 = StatusValue: a change of value or status is reported (the default trigger). */
  trigger: 1;
  /** 0 = None, 1 = Absolute, 2 = Percent (of the node's EURange). */
  deadbandType: 0 | 1 | 2;
  deadbandValue: number;
}

/**
 * The monitored item's filter for a tag's deadband, or null when none is asked for (the server then reports
 * every change, its default). Throws when the binding's deadband is unusable, naming the field.
 */
export function dataChangeFilterFor(binding: Pick<OpcuaTagBinding, 'deadband_type' | 'deadband_value'>): DataChangeFilterParams | null {
  const type = binding.deadband_type ?? 'none';
  if (type === 'none') return null;
  const value = binding.deadband_value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`deadband_value must be a number ≥ 0 with deadband_type ${type}`);
  }
  if (type === 'percent' && value > 100) throw new Error('deadband_value must be 0..100 with deadband_type percent');
  if (type === 'absolute') return { trigger: 1, deadbandType: 1, deadbandValue: value };
  if (type === 'percent') return { trigger: 1, deadbandType: 2, deadbandValue: value };
  throw new Error(`deadband_type must be none, absolute or percent (got ${String(type)})`);
}
