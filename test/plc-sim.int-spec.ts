import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ModbusRTU from 'modbus-serial';
import { parse as parseYaml } from 'yaml';
import { startPlcSim } from '../apps/plc-sim/src/sim';
import { freePort } from './support/modbus';
import { ROOT } from './support/services';

describe('PLC simulator', () => {
  it('serves several unit ids on one port (layout units), and answers an unknown unit with a gateway exception', async () => {
    const sim = await startPlcSim({ plcs: 3, tags: 6, seed: 11, layout: 'units' });
    const client = new ModbusRTU();
    try {
      expect(new Set(Object.values(sim.ports)).size).toBe(1);
      expect(sim.deviceFile.devices.map((d) => d.protocol === 'modbus' && d.unit_id)).toEqual([1, 2, 3]);
      await client.connectTCP('127.0.0.1', { port: sim.ports['plc-02'] });
      client.setTimeout(1000);
      client.setID(2);
      const t = Date.now();
      const regs = (await client.readHoldingRegisters(0, 2)).data;
      // plc-02 uses CDAB word order: low word first.
      const buf = Buffer.alloc(4);
      buf.writeUInt16BE(regs[1], 0);
      buf.writeUInt16BE(regs[0], 2);
      const plc = sim.plant.plcById('plc-02')!;
      expect(Math.abs(buf.readFloatBE(0) - sim.plant.value(plc, plc.tags[0], t))).toBeLessThan(6 * plc.tags[0].signal.noise + 0.1);
      client.setID(9);
      await expect(client.readHoldingRegisters(0, 2)).rejects.toMatchObject({ modbusCode: 11 });
      expect(sim.log.list().map((r) => [r.unit_id, r.plc])).toEqual([[2, 'plc-02'], [9, null]]);
    } finally {
      client.close(() => undefined);
      await sim.close();
    }
  });

  it('takes the slow faults over HTTP: a slide with its ramp, a counter that stops; says why it refuses one', async () => {
    const sim = await startPlcSim({ plcs: 1, tags: 12, seed: 5, controlPort: 0, counters: true });
    const post = (body: object) => fetch(`${sim.controlUrl}/faults`, { method: 'POST', body: JSON.stringify(body) });
    try {
      const slide = await post({ kind: 'slide', plc: 'plc-01', sensor_id: 'P01-TT-001', magnitude: 6, ramp_ms: 7_200_000 });
      expect(slide.status).toBe(201);
      expect(await slide.json()).toMatchObject({ kind: 'slide', magnitude: 6, ramp_ms: 7_200_000, end: null });
      expect((await post({ kind: 'counter_stop', plc: 'plc-01', sensor_id: 'P01-QT-012' })).status).toBe(201);
      const values = await (await fetch(`${sim.controlUrl}/values?plc=plc-01`)).json();
      expect(values.values['P01-QT-012']).toBe(0);
      const notCounter = await post({ kind: 'counter_stop', plc: 'plc-01', sensor_id: 'P01-TT-001' });
      expect(notCounter.status).toBe(400);
      expect((await notCounter.json()).message).toMatch(/counter_stop needs a count tag/);
      const badRamp = await post({ kind: 'slide', plc: 'plc-01', sensor_id: 'P01-TT-001', ramp_ms: 'slowly' });
      expect(badRamp.status).toBe(400);
      expect((await badRamp.json()).message).toMatch(/^ramp_ms must be a positive number/);
      expect((await (await fetch(`${sim.controlUrl}/faults`)).json()).map((f: { kind: string }) => f.kind)).toEqual(['slide', 'counter_stop']);
    } finally {
      await sim.close();
    }
  });

  it('runs from the CLI: writes the device file, takes faults over HTTP, stops on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plc-sim-'));
    const file = path.join(dir, 'plant.yaml');
    const [port, control] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'apps/plc-sim/src/main.ts', '--plcs', '1', '--tags', '6', '--port', String(port), '--control-port', String(control), '--seed', '4', '--device-file', file],
      { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: 'tsconfig.json' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => resolve(c.toString()));
        child.once('exit', (code) => reject(new Error(`plc-sim exited ${code}`)));
      });
      expect(banner).toContain(`1 PLC(s) × 6 tags on Modbus TCP port(s) ${port}`);
      const written = parseYaml(fs.readFileSync(file, 'utf8'));
      expect(written.devices).toEqual([expect.objectContaining({ id: 'plc-01', port, unit_id: 1, host: '127.0.0.1' })]);
      expect(written.tags).toHaveLength(6);

      const base = `http://127.0.0.1:${control}`;
      const tag = written.tags[0];
      const fault = await fetch(`${base}/faults`, { method: 'POST', body: JSON.stringify({ kind: 'out_of_range', plc: 'plc-01', sensor_id: tag.sensor_id }) });
      expect(fault.status).toBe(201);
      const values = await (await fetch(`${base}/values?plc=plc-01`)).json();
      expect(values.values[tag.sensor_id]).toBeGreaterThan(tag.physical_max);
      const bad = await fetch(`${base}/faults`, { method: 'POST', body: JSON.stringify({ kind: 'meltdown', plc: 'plc-01' }) });
      expect(bad.status).toBe(400);
      expect((await bad.json()).message).toMatch(/^kind must be one of spike, step, drift, stuck, noise_burst, out_of_range/);
      expect(await (await fetch(`${base}/faults?plc=plc-01`, { method: 'DELETE' })).json()).toEqual({ cleared: 1 });

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
