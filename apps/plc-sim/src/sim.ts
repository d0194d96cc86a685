import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { DeviceFile } from '@idm/contracts';
import { stringify as toYaml } from 'yaml';
import { createControlServer } from './control-api';
import type { Fault } from './faults';
import { ModbusTcpServer, RequestLog } from './modbus-server';
import { PlcSimMqtt, PlcSimMqttOptions } from './mqtt-publisher';
import type { PlcSimOpcuaServer } from './opcua-server';
import { FaultRequest, Plant } from './plant';

export interface PlcSimOptions {
  plcs?: number;
  tags?: number;
  seed?: number;
  host?: string;
  /** First Modbus port (0 = any free ports; with layout `ports`, PLC i is on port + i). */
  port?: number;
  layout?: 'ports' | 'units';
  /** HTTP control API port; undefined = no control API, 0 = any free port. */
  controlPort?: number;
  /** Write the matching IDM device file here (.json or .yaml). */
  deviceFile?: string;
  /** Host written into the device file (where IDM reaches the simulator). */
  advertiseHost?: string;
  pollIntervalMs?: number;
  /** Every 12th tag a batch counter (off by default; see COUNT_TAG_EVERY). */
  counters?: boolean;
  /** false: a steady plant without slow cycles (see PlantOptions.cycles). */
  cycles?: boolean;
  /**
   * List the plant's pumps as assets in the device file (the command line's default). Off by default here, so
   * the tests that import the plant do not get asset detectors (and their episodes) they did not ask for.
   */
  assetsInDeviceFile?: boolean;
  /** OPC UA server port; undefined = no OPC UA server, 0 = any free port (see opcua-server.ts). */
  opcuaPort?: number;
  /** The OPC UA server's PKI folder (its certificate is kept there across restarts). */
  opcuaPkiDir?: string;
  /** User names and passwords the OPC UA server accepts besides anonymous. */
  opcuaUsers?: { username: string; password: string }[];
  /** The last N PLCs are written into the device file as OPC UA devices (needs opcuaPort), the others as Modbus. */
  opcuaDevicePlcs?: number;
  /** How often the OPC UA variables take new plant values (ms, default 500). */
  opcuaUpdateMs?: number;
  /** MQTT broker URL: the PLCs also publish as Sparkplug B edge nodes (and a few tags as plain JSON); off when absent. */
  mqttUrl?: string;
  mqtt?: Omit<PlcSimMqttOptions, 'url'>;
}

export interface PlcSim {
  plant: Plant;
  log: RequestLog;
  /** Modbus port of each PLC, by PLC id. */
  ports: Record<string, number>;
  controlUrl: string | null;
  /** The OPC UA server, when asked for. */
  opcua: PlcSimOpcuaServer | null;
  /** The Sparkplug edge nodes and plain publisher, when asked for. */
  mqtt: PlcSimMqtt | null;
  deviceFile: DeviceFile;
  injectFault(f: FaultRequest): Fault;
  clearFaults(filter?: { plc?: string; id?: number }): number;
  close(): Promise<void>;
}

/** Starts a simulated plant of Modbus TCP PLCs in this process (the CLI, tests and benchmarks use it). */
export async function startPlcSim(opts: PlcSimOptions = {}): Promise<PlcSim> {
  const host = opts.host ?? '127.0.0.1';
  const layout = opts.layout ?? 'ports';
  const plcs = opts.plcs ?? 3;
  const basePort = opts.port ?? 0;
  const log = new RequestLog();
  const servers: ModbusTcpServer[] = [];
  const ports: Record<string, number> = {};

  // With port 0 each server takes any free port; the plant then learns the real ports.
  const plant = new Plant({ plcs, tagsPerPlc: opts.tags ?? 24, seed: opts.seed ?? 1, layout, basePort, counters: opts.counters ?? false, cycles: opts.cycles ?? true });
  const listenCount = layout === 'ports' ? plcs : 1;
  try {
    for (let i = 0; i < listenCount; i++) {
      const server = new ModbusTcpServer(plant, log);
      const port = await server.listen(basePort === 0 ? 0 : basePort + i, host);
      servers.push(server);
      if (layout === 'ports') {
        plant.plcs[i].port = port;
        ports[plant.plcs[i].id] = port;
      } else {
        for (const p of plant.plcs) {
          p.port = port;
          ports[p.id] = port;
        }
      }
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }

  let opcua: PlcSimOpcuaServer | null = null;
  if (opts.opcuaPort !== undefined) {
    // Loaded only when asked for: node-opcua takes a second to load, and the Modbus-only simulator starts at once.
    const { PlcSimOpcuaServer: Server } = await import('./opcua-server');
    opcua = new Server(plant, { port: opts.opcuaPort, host, pkiDir: opts.opcuaPkiDir, users: opts.opcuaUsers, updateMs: opts.opcuaUpdateMs });
    try {
      await opcua.start();
    } catch (err) {
      await Promise.all(servers.map((s) => s.close()));
      throw err;
    }
  }

  let mqtt: PlcSimMqtt | null = null;
  if (opts.mqttUrl) {
    mqtt = new PlcSimMqtt(plant, { ...opts.mqtt, url: opts.mqttUrl });
    try {
      await mqtt.start();
    } catch (err) {
      await mqtt.stop();
      await Promise.all(servers.map((s) => s.close()));
      await opcua?.stop();
      throw err;
    }
  }

  let control: ReturnType<typeof createControlServer> | null = null;
  let controlUrl: string | null = null;
  if (opts.controlPort !== undefined) {
    control = createControlServer(plant, log, opcua);
    await new Promise<void>((resolve, reject) => {
      control!.once('error', reject);
      control!.listen(opts.controlPort, host, () => resolve());
    });
    controlUrl = `http://${host}:${(control.address() as AddressInfo).port}`;
  }

  const fileHost = opts.advertiseHost ?? host;
  const opcuaPlcIds = new Set(opcua ? plant.plcs.slice(plant.plcs.length - Math.min(opts.opcuaDevicePlcs ?? 0, plant.plcs.length)).map((p) => p.id) : []);
  const deviceFile = plant.deviceFile(fileHost, opts.pollIntervalMs ?? 1000, opcua && opcuaPlcIds.size ? { endpointUrl: advertised(opcua.endpointUrl, fileHost), plcIds: opcuaPlcIds } : undefined, opts.assetsInDeviceFile ?? false);
  if (opts.deviceFile) {
    const text = /\.ya?ml$/i.test(opts.deviceFile) ? toYaml(deviceFile) : JSON.stringify(deviceFile, null, 2);
    fs.writeFileSync(opts.deviceFile, text);
  }

  return {
    plant,
    log,
    ports,
    controlUrl,
    opcua,
    mqtt,
    deviceFile,
    injectFault: (f) => plant.injectFault(f),
    clearFaults: (filter) => plant.clearFaults(filter),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
      await opcua?.stop();
      await mqtt?.stop();
      if (control) {
        control.closeAllConnections();
        await new Promise<void>((resolve) => control!.close(() => resolve()));
      }
    },
  };
}

/** The server's endpoint URL with the host IDM reaches the simulator at. */
function advertised(endpointUrl: string, host: string): string {
  const url = new URL(endpointUrl.replace(/^opc\.tcp:/, 'http:'));
  url.hostname = host;
  return url.toString().replace(/^http:/, 'opc.tcp:');
}
