import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { freePort } from './modbus';

const ROOT = path.resolve(__dirname, '..', '..');

/** The PLC simulator with its OPC UA server, in a child process (node-opcua's server cannot run inside Jest's VM realm: its typed-array checks fail there). */
export interface OpcuaSimProcess {
  endpointUrl: string;
  controlUrl: string;
  /** POST/GET on the simulator's control API; rejects on a non-2xx answer. */
  control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<T>;
  /** Service requests the OPC UA server received, by type. */
  requests(): Promise<Record<string, number>>;
  /** Freezes the whole process (SIGSTOP): a hung server that keeps its sockets open but answers nothing. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export async function startOpcuaSim(opts: { plcs?: number; tags?: number; pkiDir: string; user?: string; seed?: number }): Promise<OpcuaSimProcess> {
  const [modbusPort, controlPort, opcuaPort] = [await freePort(), await freePort(), await freePort()];
  const args = [
    '-r', 'ts-node/register', '-r', 'tsconfig-paths/register', path.join(ROOT, 'apps/plc-sim/src/main.ts'),
    '--plcs', String(opts.plcs ?? 2), '--tags', String(opts.tags ?? 4), '--seed', String(opts.seed ?? 3),
    '--layout', 'units', '--port', String(modbusPort), '--control-port', String(controlPort),
    '--opcua-port', String(opcuaPort), '--opcua-pki', opts.pkiDir,
    ...(opts.user ? ['--opcua-user', opts.user] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => {
      const check = () => (/OPC UA opc\.tcp:/.test(output) ? resolve(true) : setTimeout(check, 50));
      check();
    }),
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 60_000).unref()),
  ]);
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`plc-sim with OPC UA did not start:\n${output}`);
  }
  const controlUrl = `http://127.0.0.1:${controlPort}`;
  const control = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${controlUrl}${route}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    endpointUrl: `opc.tcp://127.0.0.1:${opcuaPort}/UA/PlcSim`,
    controlUrl,
    control,
    requests: async () => (await control<{ requests: Record<string, number> }>('GET', '/opcua')).requests,
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGCONT'); // a frozen process would never handle the SIGTERM
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}
