import { decodeRegisters, encodeRegisters, scaleValue } from './decode';

describe('decodeRegisters', () => {
  // 10.0 as float32 is 0x41200000: the four classic orders of the same bytes A=41 B=20 C=00 D=00.
  it.each([
    ['big', 'big', [0x4120, 0x0000]], // ABCD
    ['little', 'big', [0x0000, 0x4120]], // CDAB
    ['big', 'little', [0x2041, 0x0000]], // BADC
    ['little', 'little', [0x0000, 0x2041]], // DCBA
  ] as const)('float32 word=%s byte=%s', (w, b, regs) => {
    expect(decodeRegisters(regs, 0, 'float32', w, b)).toBe(10);
  });

  it('decodes 16-bit signed and unsigned values, with byte swap', () => {
    expect(decodeRegisters([0xfffe], 0, 'int16')).toBe(-2);
    expect(decodeRegisters([0xfffe], 0, 'uint16')).toBe(65534);
    expect(decodeRegisters([0x3412], 0, 'uint16', 'big', 'little')).toBe(0x1234);
    // word order does not apply to a single register
    expect(decodeRegisters([0x1234], 0, 'uint16', 'little', 'big')).toBe(0x1234);
  });

  it('decodes 32-bit integers in all orders', () => {
    expect(decodeRegisters([0x1234, 0x5678], 0, 'uint32')).toBe(0x12345678);
    expect(decodeRegisters([0x5678, 0x1234], 0, 'uint32', 'little', 'big')).toBe(0x12345678);
    expect(decodeRegisters([0x7856, 0x3412], 0, 'uint32', 'little', 'little')).toBe(0x12345678);
    expect(decodeRegisters([0xffff, 0xfffb], 0, 'int32')).toBe(-5);
  });

  it('decodes float64 at an offset inside a block', () => {
    const regs = [0xdead, ...encodeRegisters(Math.PI, 'float64', 'little', 'little'), 0xbeef];
    expect(decodeRegisters(regs, 1, 'float64', 'little', 'little')).toBe(Math.PI);
  });

  it('round-trips every type and order through encodeRegisters', () => {
    const cases: Array<[Parameters<typeof encodeRegisters>[1], number]> = [
      ['int16', -12345], ['uint16', 54321], ['int32', -123456789], ['uint32', 3123456789], ['float32', 1.5], ['float64', -2.718281828459045],
    ];
    for (const [type, v] of cases) {
      for (const w of ['big', 'little'] as const) {
        for (const b of ['big', 'little'] as const) {
          expect(decodeRegisters(encodeRegisters(v, type, w, b), 0, type, w, b)).toBe(v);
        }
      }
    }
  });

  it('refuses to read past the end of a block', () => {
    expect(() => decodeRegisters([1], 0, 'float32')).toThrow(RangeError);
  });

  it('scales linearly', () => {
    expect(scaleValue(215, 0.1, -10)).toBeCloseTo(11.5);
  });
});
