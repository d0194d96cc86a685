import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { IngestedSample } from '@idm/contracts';
import { IngestionService } from '@idm/ingestion';
import { PYTHON } from './python';

/** Polls `fn` until `ok` holds or the time runs out; returns the last value (the caller asserts on it). */
export async function eventually<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 20000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, stepMs));
    last = await fn();
  }
  return last;
}

/** Records every sample the ingestion service passes on (as a late-stage sink, like the live push). */
export function captureSamples(app: INestApplication, name = 'test-capture'): IngestedSample[] {
  const seen: IngestedSample[] = [];
  app.get(IngestionService).register({ name, stage: 99, accept: (batch) => void seen.push(...batch) });
  return seen;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface ReferenceServer {
  port: number;
  layout: {
    unit_id: number;
    cases: Array<{ address: number; data_type: string; word_order: 'big' | 'little'; byte_order: 'big' | 'little'; value: number; registers: number[] }>;
    coils: boolean[];
    discrete_inputs: boolean[];
  };
  /** Sets the server's faults (holding addresses it refuses with exception 2 / answers one register short); resolves once applied. */
  setFaults(faults: { refuse?: number[]; short?: number[] }): Promise<void>;
  stop(): void;
}

/** Starts the pymodbus reference server (test/support/py/modbus_reference_server.py) and waits until it answers. */
export async function startReferenceServer(): Promise<ReferenceServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(PYTHON, [path.join(__dirname, 'py', 'modbus_reference_server.py'), String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  // Line 1 is the layout; each later line acknowledges one setFaults, in order.
  const acks: Array<() => void> = [];
  const layout = await new Promise<ReferenceServer['layout']>((resolve, reject) => {
    let out = '';
    let first = true;
    child.stdout!.on('data', (c) => {
      out += c;
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (first) resolve(JSON.parse(line));
        else acks.shift()?.();
        first = false;
      }
    });
    child.once('exit', (code) => reject(new Error(`pymodbus server exited (${code}): ${stderr}`)));
  });
  const up = await eventually(() => canConnect(port), (v) => v, 15000, 100);
  if (!up) throw new Error(`pymodbus server did not listen on ${port}: ${stderr}`);
  const setFaults = (faults: { refuse?: number[]; short?: number[] }) =>
    new Promise<void>((resolve) => {
      acks.push(resolve);
      child.stdin!.write(`${JSON.stringify(faults)}\n`);
    });
  return { port, layout, setFaults, stop: () => void child.kill('SIGKILL') };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** JSON request helper returning status and parsed body. */
export async function call(base: string, method: string, p: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // plain text answers (YAML export) stay strings
  }
  return { status: res.status, body: parsed };
}
