import type { RegisterType } from '@idm/contracts';

/**
 * What the poller may do with a device: connect, read, close. There is deliberately no write here:
 * IDM is a monitoring system and must never change a PLC's state.
 */
export interface ModbusReader {
  readonly isOpen: boolean;
  connect(): Promise<void>;
  /** Registers (holding/input) as 16-bit numbers, or bits (coil/discrete_input) as booleans. */
  read(area: RegisterType, address: number, count: number): Promise<number[] | boolean[]>;
  close(): Promise<void>;
}

export interface ModbusEndpoint {
  host: string;
  port: number;
  unit_id: number;
  timeout_ms: number;
}

/** Modbus exception codes (Modbus Application Protocol v1.1b3, section 7), for messages an engineer can act on. */
const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/** A Modbus exception response (the device answered, but refused this request, e.g. illegal address). */
export class ModbusExceptionError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }

  /** "Modbus exception 11 (gateway target device failed to respond) reading holding 0+4" */
  static reading(code: number, what: string): ModbusExceptionError {
    const name = EXCEPTION_NAMES[code];
    return new ModbusExceptionError(code, `Modbus exception ${code}${name ? ` (${name})` : ''} reading ${what}`);
  }
}

/**
 * The device answered, but with a response that cannot be used (too few registers, wrong function code or
 * unit id): like an exception, it fails the block it answered, not the connection.
 */
export class ModbusResponseError extends Error {}
