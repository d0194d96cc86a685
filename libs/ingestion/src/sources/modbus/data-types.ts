import type { ModbusDataType, RegisterType } from '@idm/contracts';

/** Modbus protocol limits per read request (Modbus Application Protocol spec v1.1b3, FC 1-4). */
export const MAX_READ_REGISTERS = 125;
export const MAX_READ_BITS = 2000;
/** Highest protocol address (addresses are 16-bit, 0-based). */
export const MAX_ADDRESS = 65535;

/** Coils and discrete inputs hold bits; holding and input registers hold 16-bit words. */
export function isBitArea(area: RegisterType): boolean {
  return area === 'coil' || area === 'discrete_input';
}

/** Registers (or bits, for `bool`) a value of this type occupies. */
export function widthOf(type: ModbusDataType): number {
  switch (type) {
    case 'bool':
    case 'int16':
    case 'uint16':
      return 1;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'float64':
      return 4;
  }
}

/** The read function code for an area: the only function codes IDM ever sends. */
export const READ_FUNCTION_CODE: Record<RegisterType, 1 | 2 | 3 | 4> = {
  coil: 1,
  discrete_input: 2,
  holding: 3,
  input: 4,
};
