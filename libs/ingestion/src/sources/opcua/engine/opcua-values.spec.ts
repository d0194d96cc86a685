// The small node-opcua packages (part of node-opcua): the meta package starts background checks on import.
import { StatusCodes } from 'node-opcua-status-code';
import { DataType, Variant, VariantArrayType } from 'node-opcua-variant';
import { qualityOfStatus, variantToNumber } from './opcua-values';

// The pure code reads node-opcua's values by number; these tests feed it real node-opcua objects, so a
// mismatch with the library's enums or its 64-bit representation fails here.
describe('qualityOfStatus', () => {
  it.each([
    [StatusCodes.Good, 'good'],
    [StatusCodes.GoodClamped, 'good'],
    [StatusCodes.UncertainLastUsableValue, 'stale'],
    [StatusCodes.UncertainSensorNotAccurate, 'stale'],
    [StatusCodes.BadNoCommunication, 'bad'],
    [StatusCodes.BadSensorFailure, 'bad'],
    [StatusCodes.BadNodeIdUnknown, 'bad'],
  ])('%s → %s', (code, quality) => {
    expect(qualityOfStatus(code.value)).toBe(quality);
  });
});

describe('variantToNumber', () => {
  const num = (dataType: DataType, value: unknown) => variantToNumber(new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }));

  it.each([
    [DataType.Boolean, true, 1],
    [DataType.Boolean, false, 0],
    [DataType.SByte, -128, -128],
    [DataType.Byte, 255, 255],
    [DataType.Int16, -32768, -32768],
    [DataType.UInt16, 65535, 65535],
    [DataType.Int32, -2147483648, -2147483648],
    [DataType.UInt32, 4294967295, 4294967295],
    [DataType.Float, 1.5, 1.5],
    [DataType.Double, -1234.5678, -1234.5678],
  ])('%s %p → %p', (dataType, value, expected) => {
    expect(num(dataType, value)).toEqual({ ok: true, value: expected });
  });

  it('reads Int64 and UInt64 words, negative numbers included', () => {
    expect(num(DataType.Int64, [0xffffffff, 0xffffffff])).toEqual({ ok: true, value: -1 });
    const words = (n: bigint) => [Number(BigInt.asUintN(64, n) >> 32n), Number(BigInt.asUintN(32, n))];
    expect(num(DataType.Int64, words(-1234567890123n))).toEqual({ ok: true, value: -1234567890123 });
    expect(num(DataType.UInt64, [0x1fffff, 0xffffffff])).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
    expect(num(DataType.UInt64, 42)).toEqual({ ok: true, value: 42 });
  });

  it('refuses 64-bit integers a number cannot hold exactly', () => {
    expect(num(DataType.UInt64, [0x200000, 0])).toEqual({ ok: false, error: 'UInt64 value 9007199254740992 is beyond ±2^53 and cannot be stored exactly as a number' });
    expect(num(DataType.Int64, [0x80000000, 0])).toMatchObject({ ok: false, error: expect.stringContaining('Int64 value -9223372036854775808 is beyond ±2^53') });
  });

  it('refuses arrays, strings and other types with a message naming the type', () => {
    expect(variantToNumber(new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [1, 2] }))).toEqual({
      ok: false,
      error: 'Double array value is not supported: a tag must be a scalar number',
    });
    expect(num(DataType.String, 'x')).toEqual({ ok: false, error: 'String value is not supported: a tag must be Boolean, an integer, Float or Double' });
    expect(num(DataType.DateTime, new Date())).toMatchObject({ ok: false, error: expect.stringContaining('DateTime value is not supported') });
    expect(variantToNumber(new Variant())).toMatchObject({ ok: false, error: expect.stringContaining('Null value') });
  });
});
