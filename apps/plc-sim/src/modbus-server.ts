import * as net from 'node:net';
import type { Plant } from './plant';

export interface RequestRecord {
  t: number;
  port: number;
  unit_id: number;
  plc: string | null;
  function_code: number;
  address: number;
  count: number;
}

/** What the simulator saw: every request with its function code, so tests can prove IDM never writes. */
export class RequestLog {
  total = 0;
  byFunctionCode: Record<number, number> = {};
  byPlc: Record<string, number> = {};
  private records: RequestRecord[] = [];

  constructor(private readonly capacity = 100_000) {}

  add(r: RequestRecord): void {
    this.total++;
    this.byFunctionCode[r.function_code] = (this.byFunctionCode[r.function_code] ?? 0) + 1;
    if (r.plc) this.byPlc[r.plc] = (this.byPlc[r.plc] ?? 0) + 1;
    this.records.push(r);
    if (this.records.length > this.capacity) this.records.splice(0, this.records.length - this.capacity);
  }

  list(filter: { plc?: string; since?: number } = {}): RequestRecord[] {
    return this.records.filter((r) => (!filter.plc || r.plc === filter.plc) && (!filter.since || r.t >= filter.since));
  }

  reset(): void {
    this.total = 0;
    this.byFunctionCode = {};
    this.byPlc = {};
    this.records = [];
  }
}

const EXC_ILLEGAL_FUNCTION = 0x01;
const EXC_ILLEGAL_ADDRESS = 0x02;
const EXC_ILLEGAL_VALUE = 0x03;
const EXC_GATEWAY_TARGET = 0x0b;

/**
 * A minimal Modbus TCP server (MBAP framing, function codes 1-4). Written here rather than using
 * modbus-serial's ServerTCP because the simulator must record the function code of every request
 * (including writes it refuses), serve several unit ids per port, and delay or drop answers on demand.
 */
export class ModbusTcpServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly plant: Plant,
    private readonly log: RequestLog,
    private readonly now: () => number = Date.now,
  ) {
    this.server = net.createServer((socket) => this.onConnection(socket));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: net.Socket): void {
    // A rebooting PLC (one port per PLC) resets connections until it is back.
    const plc = this.plant.options.layout === 'ports' ? this.plant.plcAt(socket.localPort ?? 0, 1) : undefined;
    if (plc && this.plant.deviceFault(plc, this.now()).offline) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 8) {
        const len = buf.readUInt16BE(4);
        if (len < 2 || len > 254) {
          socket.destroy(); // not Modbus: drop the connection like a PLC would
          return;
        }
        if (buf.length < 6 + len) break;
        const frame = buf.subarray(0, 6 + len);
        buf = buf.subarray(6 + len);
        this.onFrame(socket, frame);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private onFrame(socket: net.Socket, frame: Buffer): void {
    const tid = frame.readUInt16BE(0);
    const unitId = frame[6];
    const pdu = frame.subarray(7);
    const fc = pdu[0];
    const address = pdu.length >= 5 ? pdu.readUInt16BE(1) : 0;
    const count = pdu.length >= 5 ? pdu.readUInt16BE(3) : 0;
    const localPort = socket.localPort ?? 0;
    const plc = this.plant.plcAt(localPort, unitId);
    const t = this.now();
    this.log.add({ t, port: localPort, unit_id: unitId, plc: plc?.id ?? null, function_code: fc, address, count });

    const reply = (body: Buffer) => {
      const head = Buffer.alloc(7);
      head.writeUInt16BE(tid, 0);
      head.writeUInt16BE(0, 2);
      head.writeUInt16BE(body.length + 1, 4);
      head[6] = unitId;
      if (!socket.destroyed) socket.write(Buffer.concat([head, body]));
    };
    const exception = (code: number) => reply(Buffer.from([fc | 0x80, code]));

    if (!plc) return exception(EXC_GATEWAY_TARGET);
    const fault = this.plant.deviceFault(plc, t);
    if (fault.offline) {
      socket.destroy(); // rebooting: the connection drops, as when a real PLC restarts
      return;
    }
    if (fault.stopped) return; // a PLC that stopped answering: the request simply times out
    const answer = () => {
      if (fc === 3 || fc === 4) {
        if (count < 1 || count > 125) return exception(EXC_ILLEGAL_VALUE);
        if (address + count > 65536) return exception(EXC_ILLEGAL_ADDRESS);
        const words = this.plant.readRegisters(plc, fc === 3 ? 'holding' : 'input', address, count, t);
        const body = Buffer.alloc(2 + count * 2);
        body[0] = fc;
        body[1] = count * 2;
        words.forEach((w, i) => body.writeUInt16BE(w, 2 + i * 2));
        return reply(body);
      }
      if (fc === 1 || fc === 2) {
        if (count < 1 || count > 2000) return exception(EXC_ILLEGAL_VALUE);
        if (address + count > 65536) return exception(EXC_ILLEGAL_ADDRESS);
        const bits = this.plant.readBits(plc, fc === 1 ? 'coil' : 'discrete_input', address, count);
        const body = Buffer.alloc(2 + Math.ceil(count / 8));
        body[0] = fc;
        body[1] = Math.ceil(count / 8);
        bits.forEach((b, i) => {
          if (b) body[2 + (i >> 3)] |= 1 << (i & 7);
        });
        return reply(body);
      }
      // Writes and everything else: this simulated PLC is read-only, and the log shows who tried.
      return exception(EXC_ILLEGAL_FUNCTION);
    };
    if (fault.delayMs > 0) setTimeout(answer, fault.delayMs);
    else answer();
  }
}
