import type { SampleQuality } from '@idm/contracts';

/**
 * OPC UA built-in data type ids (Part 6, 5.1.2) IDM turns into sample values. Kept here as numbers so this
 * pure code needs no node-opcua import; they match node-opcua's `DataType` enum.
 */
export const OPCUA_NUMERIC_TYPES = {
  Boolean: 1,
  SByte: 2,
  Byte: 3,
  Int16: 4,
  UInt16: 5,
  Int32: 6,
  UInt32: 7,
  Int64: 8,
  UInt64: 9,
  Float: 10,
  Double: 11,
} as const;

const TYPE_NAMES: Record<number, string> = {
  0: 'Null',
  1: 'Boolean',
  2: 'SByte',
  3: 'Byte',
  4: 'Int16',
  5: 'UInt16',
  6: 'Int32',
  7: 'UInt32',
  8: 'Int64',
  9: 'UInt64',
  10: 'Float',
  11: 'Double',
  12: 'String',
  13: 'DateTime',
  14: 'Guid',
  15: 'ByteString',
  16: 'XmlElement',
  17: 'NodeId',
  18: 'ExpandedNodeId',
  19: 'StatusCode',
  20: 'QualifiedName',
  21: 'LocalizedText',
  22: 'ExtensionObject',
  23: 'DataValue',
  24: 'Variant',
  25: 'DiagnosticInfo',
};

export function opcuaTypeName(dataType: number): string {
  return TYPE_NAMES[dataType] ?? `type ${dataType}`;
}

/**
 * Sample quality from an OPC UA StatusCode: its two severity bits (Part 4, 7.39) are Good (00),
 * Uncertain (01, e.g. a sensor value the server last had or substituted: shown as stale) and Bad (10/11).
 */
export function qualityOfStatus(statusCode: number): SampleQuality {
  const severity = (statusCode >>> 30) & 0b11;
  if (severity === 0) return 'good';
  if (severity === 1) return 'stale';
  return 'bad';
}

/** The parts of a node-opcua Variant this code reads (node-opcua's `VariantArrayType.Scalar` is 0). */
export interface VariantLike {
  dataType: number;
  arrayType?: number;
  value: unknown;
}

export type NumericResult = { ok: true; value: number } | { ok: false; error: string };

/**
 * A Variant as a number, or why it cannot be one. Samples are single numbers: arrays, matrices, strings and
 * structures are refused (a per-tag error, the rest of the device keeps flowing), as are 64-bit integers a
 * double cannot hold exactly (beyond ±2^53 a sample would silently round).
 */
export function variantToNumber(v: VariantLike): NumericResult {
  const name = opcuaTypeName(v.dataType);
  if (v.arrayType !== undefined && v.arrayType !== 0) {
    return { ok: false, error: `${name} ${v.arrayType === 1 ? 'array' : 'matrix'} value is not supported: a tag must be a scalar number` };
  }
  switch (v.dataType) {
    case OPCUA_NUMERIC_TYPES.Boolean:
      return { ok: true, value: v.value ? 1 : 0 };
    case OPCUA_NUMERIC_TYPES.SByte:
    case OPCUA_NUMERIC_TYPES.Byte:
    case OPCUA_NUMERIC_TYPES.Int16:
    case OPCUA_NUMERIC_TYPES.UInt16:
    case OPCUA_NUMERIC_TYPES.Int32:
    case OPCUA_NUMERIC_TYPES.UInt32:
    case OPCUA_NUMERIC_TYPES.Float:
    case OPCUA_NUMERIC_TYPES.Double:
      return typeof v.value === 'number' ? { ok: true, value: v.value } : { ok: false, error: `${name} value is not a number` };
    case OPCUA_NUMERIC_TYPES.Int64:
    case OPCUA_NUMERIC_TYPES.UInt64: {
      const big = toBigInt(v.value, v.dataType === OPCUA_NUMERIC_TYPES.Int64);
      if (big === null) return { ok: false, error: `${name} value is not a 64-bit integer` };
      if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
        return { ok: false, error: `${name} value ${big} is beyond ±2^53 and cannot be stored exactly as a number` };
      }
      return { ok: true, value: Number(big) };
    }
    default:
      return { ok: false, error: `${name} value is not supported: a tag must be Boolean, an integer, Float or Double` };
  }
}

/** node-opcua holds 64-bit integers as `[high, low]` unsigned 32-bit words (two's complement for Int64). */
function toBigInt(value: unknown, signed: boolean): bigint | null {
  let raw: bigint;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : null;
  if (Array.isArray(value) && value.length === 2 && value.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
    raw = (BigInt(value[0] as number) << 32n) | BigInt(value[1] as number);
    return signed ? BigInt.asIntN(64, raw) : raw;
  }
  return null;
}
