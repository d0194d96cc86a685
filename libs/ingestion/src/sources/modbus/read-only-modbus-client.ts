import ModbusRTU from 'modbus-serial';
import type { RegisterType } from '@idm/contracts';
import { withTimeout } from '@idm/core';
import { ModbusEndpoint, ModbusExceptionError, ModbusReader, ModbusResponseError } from './modbus-reader';

/** modbus-serial's messages for a response that arrived whole (MBAP framing intact) but is unusable. */
const MALFORMED_RESPONSE = /^(Data length error|Unexpected data error|CRC error)/;

/**
 * The only Modbus client IDM uses. It wraps modbus-serial in a private field and exposes reads only
 * (function codes 1-4): no code path in IDM can reach a write function, which is what makes "IDM never
 * writes to a PLC" structural rather than a convention.
 */
export class ReadOnlyModbusClient implements ModbusReader {
  #client: ModbusRTU | null = null;
  readonly #endpoint: ModbusEndpoint;

  constructor(endpoint: ModbusEndpoint) {
    this.#endpoint = { ...endpoint };
  }

  get isOpen(): boolean {
    return this.#client?.isOpen === true;
  }

  async connect(): Promise<void> {
    await this.close();
    const client = new ModbusRTU();
    const { host, port, unit_id, timeout_ms } = this.#endpoint;
    client.setTimeout(timeout_ms); // modbus-serial also uses it as the TCP connect timeout
    this.#client = client;
    await withTimeout(client.connectTCP(host, { port }), timeout_ms, `no TCP connection to ${host}:${port} within ${timeout_ms} ms`);
    client.setID(unit_id);
  }

  async read(area: RegisterType, address: number, count: number): Promise<number[] | boolean[]> {
    const client = this.#client;
    if (!client?.isOpen) throw new Error('not connected');
    try {
      // modbus-serial times every request out itself (setTimeout above), also when the socket dies silently.
      switch (area) {
        case 'coil':
          return (await client.readCoils(address, count)).data.slice(0, count);
        case 'discrete_input':
          return (await client.readDiscreteInputs(address, count)).data.slice(0, count);
        case 'holding':
          return (await client.readHoldingRegisters(address, count)).data;
        case 'input':
          return (await client.readInputRegisters(address, count)).data;
      }
    } catch (err) {
      const code = (err as { modbusCode?: number }).modbusCode;
      if (typeof code === 'number') throw ModbusExceptionError.reading(code, `${area} ${address}+${count}`);
      const message = (err as Error)?.message ?? String(err);
      if (MALFORMED_RESPONSE.test(message)) throw new ModbusResponseError(`malformed response to ${area} ${address}+${count}: ${message}`);
      throw err;
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (!client) return;
    await new Promise<void>((resolve) => {
      try {
        // destroy, not close: a half-open socket to a dead PLC must not linger until the OS gives up.
        client.destroy(() => resolve());
      } catch {
        resolve();
      }
      setTimeout(resolve, 200).unref();
    });
  }
}
