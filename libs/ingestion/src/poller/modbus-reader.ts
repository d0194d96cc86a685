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

/** A Modbus exception response (the device answered, but refused this request, e.g. illegal address). */
export class ModbusExceptionError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}
