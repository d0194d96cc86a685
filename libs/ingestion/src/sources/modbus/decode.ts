import type { Endianness, ModbusDataType } from '@idm/contracts';
import { widthOf } from './data-types';

const SCRATCH = new DataView(new ArrayBuffer(8));

/**
 * Decodes a register value starting at `at` in `words` (16-bit register values as received).
 * `wordOrder` little = least significant register first ("CDAB"); `byteOrder` little = the two bytes of each
 * register swapped ("BADC"). Both little = "DCBA". 16-bit types ignore word order.
 */
export function decodeRegisters(
  words: ArrayLike<number>,
  at: number,
  type: Exclude<ModbusDataType, 'bool'>,
  wordOrder: Endianness = 'big',
  byteOrder: Endianness = 'big',
): number {
  const n = widthOf(type);
  if (at < 0 || at + n > words.length) throw new RangeError(`${type} at ${at} needs ${n} registers, block has ${words.length}`);
  const view = SCRATCH; // reused: decoding is synchronous, and a poll decodes thousands of values
  for (let i = 0; i < n; i++) {
    // Place registers most significant first, whatever order the device sent them in.
    const word = words[at + (wordOrder === 'big' ? i : n - 1 - i)] & 0xffff;
    const hi = byteOrder === 'big' ? word >>> 8 : word & 0xff;
    const lo = byteOrder === 'big' ? word & 0xff : word >>> 8;
    view.setUint8(i * 2, hi);
    view.setUint8(i * 2 + 1, lo);
  }
  switch (type) {
    case 'int16':
      return view.getInt16(0);
    case 'uint16':
      return view.getUint16(0);
    case 'int32':
      return view.getInt32(0);
    case 'uint32':
      return view.getUint32(0);
    case 'float32':
      return view.getFloat32(0);
    case 'float64':
      return view.getFloat64(0);
  }
}

/** The inverse of decodeRegisters (used by the simulator and tests): the registers as a device sends them. */
export function encodeRegisters(
  value: number,
  type: Exclude<ModbusDataType, 'bool'>,
  wordOrder: Endianness = 'big',
  byteOrder: Endianness = 'big',
): number[] {
  const n = widthOf(type);
  const view = new DataView(new ArrayBuffer(n * 2));
  switch (type) {
    case 'int16':
      view.setInt16(0, clampInt(value, -0x8000, 0x7fff));
      break;
    case 'uint16':
      view.setUint16(0, clampInt(value, 0, 0xffff));
      break;
    case 'int32':
      view.setInt32(0, clampInt(value, -0x80000000, 0x7fffffff));
      break;
    case 'uint32':
      view.setUint32(0, clampInt(value, 0, 0xffffffff));
      break;
    case 'float32':
      view.setFloat32(0, value);
      break;
    case 'float64':
      view.setFloat64(0, value);
      break;
  }
  const words: number[] = [];
  for (let i = 0; i < n; i++) {
    const hi = view.getUint8(i * 2);
    const lo = view.getUint8(i * 2 + 1);
    words.push(byteOrder === 'big' ? (hi << 8) | lo : (lo << 8) | hi);
  }
  return wordOrder === 'big' ? words : words.reverse();
}

function clampInt(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(v)));
}

/** Engineering value: raw * scale + offset (bools are not scaled). */
export function scaleValue(raw: number, scale: number, offset: number): number {
  return raw * scale + offset;
}
