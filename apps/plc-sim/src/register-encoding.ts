import type { Endianness, ModbusDataType } from '@idm/contracts';

/**
 * How a PLC lays a value out in registers. Written with Node's Buffer, independently of IDM's decoder,
 * so a decoding bug in IDM cannot be hidden by the same bug in the simulator.
 */
export function encodeValue(value: number, type: Exclude<ModbusDataType, 'bool'>, wordOrder: Endianness, byteOrder: Endianness): number[] {
  const bytes = type === 'float64' ? 8 : type === 'int16' || type === 'uint16' ? 2 : 4;
  const buf = Buffer.alloc(bytes);
  const int = (min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));
  switch (type) {
    case 'int16': buf.writeInt16BE(int(-32768, 32767)); break;
    case 'uint16': buf.writeUInt16BE(int(0, 65535)); break;
    case 'int32': buf.writeInt32BE(int(-2147483648, 2147483647)); break;
    case 'uint32': buf.writeUInt32BE(int(0, 4294967295)); break;
    case 'float32': buf.writeFloatBE(value); break;
    case 'float64': buf.writeDoubleBE(value); break;
  }
  const words: number[] = [];
  for (let i = 0; i < bytes; i += 2) {
    words.push(byteOrder === 'big' ? buf.readUInt16BE(i) : buf.readUInt16LE(i));
  }
  return wordOrder === 'big' ? words : words.reverse();
}
