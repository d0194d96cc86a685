import * as os from 'node:os';
import * as path from 'node:path';
import {
  DataType,
  makeEUInformation,
  MessageSecurityMode,
  OPCUACertificateManager,
  setDefaultCertificateSubject,
  OPCUAServer,
  SecurityPolicy,
  StatusCodes,
  UAVariable,
  Variant,
  VariantArrayType,
} from 'node-opcua';
import type { Plant } from './plant';

/** What the simulator's OPC UA server saw: every service request by type, so tests can prove IDM never writes. */
export class OpcuaRequestLog {
  total = 0;
  byType: Record<string, number> = {};

  add(type: string): void {
    this.total++;
    this.byType[type] = (this.byType[type] ?? 0) + 1;
  }

  reset(): void {
    this.total = 0;
    this.byType = {};
  }
}

/** Test variables under `ns=1;s=Types.<name>`: one of each type IDM reads, and some it must refuse. */
export const OPCUA_TEST_VARIABLES = {
  Boolean: { dataType: DataType.Boolean, value: true },
  SByte: { dataType: DataType.SByte, value: -100 },
  Byte: { dataType: DataType.Byte, value: 200 },
  Int16: { dataType: DataType.Int16, value: -30000 },
  UInt16: { dataType: DataType.UInt16, value: 60000 },
  Int32: { dataType: DataType.Int32, value: -2000000000 },
  UInt32: { dataType: DataType.UInt32, value: 4000000000 },
  Int64: { dataType: DataType.Int64, value: -1234567890123 },
  UInt64: { dataType: DataType.UInt64, value: 9007199254740991 },
  Float: { dataType: DataType.Float, value: 1.5 },
  Double: { dataType: DataType.Double, value: -1234.5678 },
  /** Beyond 2^53: a number cannot hold it exactly. */
  UInt64Huge: { dataType: DataType.UInt64, value: 2 ** 60 },
  DoubleArray: { dataType: DataType.Double, value: [1, 2, 3], array: true },
  String: { dataType: DataType.String, value: 'not a number' },
} as const;
export type OpcuaTestVariable = keyof typeof OPCUA_TEST_VARIABLES;

export interface PlcSimOpcuaOptions {
  /** 0 = any free port. */
  port: number;
  host?: string;
  /** The server's PKI (its certificate is made on first start and kept, so a restart keeps it). */
  pkiDir?: string;
  /** How often the plant's variables take new values (ms). */
  updateMs?: number;
  /** Accepted user names and passwords besides anonymous. */
  users?: { username: string; password: string }[];
}

/** The NodeId of a plant tag on the simulator's OPC UA server. */
export function opcuaNodeIdOf(sensorId: string): string {
  return `ns=1;s=${sensorId}`;
}

/**
 * The plant over OPC UA: `Objects/Plant/<plc id>/<sensor_id>` as Double AnalogItems (EngineeringUnits = the tag's unit, EURange = the tag's
 * physical range, for percent deadbands) with NodeId `ns=1;s=<sensor_id>`, values from the same plant model
 * and tag faults as Modbus. A PLC in `stop_answering` or `reboot` has its variables go BadNoCommunication, as
 * an OPC UA gateway reports a PLC it lost (the server itself stays up: it serves the whole plant); `slow`
 * does not apply (the server samples on its own). Endpoints: None, and SignAndEncrypt with Basic256Sha256.
 * A simulator accepts any client certificate; IDM must still trust the simulator's.
 */
export class PlcSimOpcuaServer {
  readonly requests = new OpcuaRequestLog();
  private server: OPCUAServer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly plantVars: { plc: number; tag: number; variable: UAVariable }[] = [];
  private readonly testVars = new Map<string, UAVariable>();
  private port: number;
  private readonly pkiDir: string;
  private cm: OPCUACertificateManager | null = null;

  constructor(
    private readonly plant: Plant,
    private readonly opts: PlcSimOpcuaOptions,
  ) {
    this.port = opts.port;
    this.pkiDir = opts.pkiDir ?? path.join(os.tmpdir(), 'idm-plc-sim-opcua-pki');
  }

  get endpointUrl(): string {
    return `opc.tcp://${this.opts.host ?? '127.0.0.1'}:${this.port}/UA/PlcSim`;
  }

  /** Starts (again, after `stop`, on the same port: a server restart). Resolves with the port. */
  async start(): Promise<number> {
    if (this.server) return this.port;
    const host = this.opts.host ?? '127.0.0.1';
    if (this.port === 0) this.port = await freePort(host);
    this.cm = new OPCUACertificateManager({ rootFolder: this.pkiDir, automaticallyAcceptUnknownCertificate: true });
    // A certificate made on first start names IDM's simulator, not node-opcua's authors ("O=Sterfive,
    // L=Orleans", the default subject suffix); one already in the PKI folder is kept (the URI is unchanged).
    setDefaultCertificateSubject('/O=IDM');
    const users = this.opts.users ?? [];
    const server = new OPCUAServer({
      port: this.port,
      host,
      hostname: host,
      resourcePath: '/UA/PlcSim',
      buildInfo: { productName: 'IDM PLC simulator', manufacturerName: 'IDM' },
      serverInfo: { applicationName: { text: 'IDM PLC simulator', locale: 'en' } },
      serverCertificateManager: this.cm,
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
      allowAnonymous: true,
      userManager: { isValidUser: (u: string, p: string) => users.some((x) => x.username === u && x.password === p) },
    });
    await server.initialize();
    this.populate(server);
    server.on('request', (request: { schema?: { name?: string } }) => this.requests.add(request.schema?.name ?? 'unknown'));
    await server.start();
    this.server = server;
    this.update();
    this.timer = setInterval(() => this.update(), this.opts.updateMs ?? 500);
    return this.port;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const server = this.server;
    this.server = null;
    this.plantVars.length = 0;
    this.testVars.clear();
    if (server) await server.shutdown(0);
    await this.cm?.dispose();
    this.cm = null;
  }

  get running(): boolean {
    return this.server !== null;
  }

  /** Sets a test variable (a data change for tests). */
  setTestValue(name: OpcuaTestVariable, value: number | boolean): void {
    const spec = OPCUA_TEST_VARIABLES[name];
    if (!spec || 'array' in spec || spec.dataType === DataType.String) throw new Error(`name must be a numeric test variable (got ${String(name)})`);
    if (typeof value !== (spec.dataType === DataType.Boolean ? 'boolean' : 'number')) throw new Error(`value must be a ${spec.dataType === DataType.Boolean ? 'boolean' : 'number'}`);
    const variable = this.testVars.get(name);
    if (!variable) throw new Error('the OPC UA server is stopped');
    variable.setValueFromSource(variantOf(spec.dataType, value));
  }

  private populate(server: OPCUAServer): void {
    const addressSpace = server.engine.addressSpace!;
    const ns = addressSpace.getOwnNamespace();
    const plantFolder = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Plant', nodeId: 's=Plant' });
    for (const plc of this.plant.plcs) {
      const folder = ns.addFolder(plantFolder, { browseName: plc.id, nodeId: `s=${plc.id}`, displayName: plc.name });
      for (const tag of plc.tags) {
        const variable = ns.addAnalogDataItem({
          componentOf: folder,
          browseName: tag.sensor_id,
          nodeId: `s=${tag.sensor_id}`,
          dataType: 'Double',
          engineeringUnitsRange: { low: tag.signal.min, high: tag.signal.max },
          // No UNECE code: the display name is the unit a client shows.
          engineeringUnits: makeEUInformation('', tag.signal.unit, tag.signal.unit),
          minimumSamplingInterval: 50,
        });
        this.plantVars.push({ plc: plc.index, tag: tag.index, variable });
      }
    }
    const types = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Types', nodeId: 's=Types' });
    for (const [name, spec] of Object.entries(OPCUA_TEST_VARIABLES)) {
      const variable = ns.addVariable({
        componentOf: types,
        browseName: name,
        nodeId: `s=Types.${name}`,
        dataType: DataType[spec.dataType],
        valueRank: 'array' in spec ? 1 : -1,
        minimumSamplingInterval: 50,
      });
      variable.setValueFromSource(variantOf(spec.dataType, spec.value as number | boolean | string | number[], 'array' in spec));
      this.testVars.set(name, variable);
    }
  }

  /** New plant values, stamped now; a PLC that does not answer shows its tags BadNoCommunication. */
  private update(): void {
    const t = Date.now();
    const down = this.plant.plcs.map((p) => {
      const f = this.plant.deviceFault(p, t);
      return f.stopped || f.offline;
    });
    for (const { plc, tag, variable } of this.plantVars) {
      const p = this.plant.plcs[plc];
      if (down[plc]) variable.setValueFromSource(new Variant({ dataType: DataType.Null }), StatusCodes.BadNoCommunication, new Date(t));
      else variable.setValueFromSource(new Variant({ dataType: DataType.Double, value: this.plant.value(p, p.tags[tag], t) }), StatusCodes.Good, new Date(t));
    }
  }
}

function variantOf(dataType: DataType, value: number | boolean | string | number[], array = false): Variant {
  // Typed arrays: node-opcua encodes numeric arrays from them.
  if (array) return new Variant({ dataType, arrayType: VariantArrayType.Array, value: Float64Array.from(value as number[]) });
  if (dataType === DataType.Int64 || dataType === DataType.UInt64) {
    // node-opcua holds 64-bit integers as [high, low] 32-bit words.
    const big = BigInt.asUintN(64, BigInt(value as number));
    return new Variant({ dataType, arrayType: VariantArrayType.Scalar, value: [Number(big >> 32n), Number(BigInt.asUintN(32, big))] });
  }
  return new Variant({ dataType, value });
}

async function freePort(host: string): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as import('node:net').AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
