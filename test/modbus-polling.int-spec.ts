import { modbusBinding } from '@idm/contracts';
import type { DomainEventMap, IngestedSample } from '@idm/contracts';
import { DomainEvents } from '@idm/core';
import { DevicePoller, ReadOnlyModbusClient, SourcesService, TagRegistryService } from '@idm/ingestion';
import { PlcSim, startPlcSim } from '../apps/plc-sim/src/sim';
import { startTestApp, TestApp } from './support/app';
import { registerAndLogin } from './support/auth';
import { call, captureSamples, eventually } from './support/modbus';

describe('Modbus polling of the PLC simulator', () => {
  let sim: PlcSim;
  let t: TestApp;
  let admin: string;
  let samples: IngestedSample[];
  const events: Array<{ name: string; payload: any }> = [];

  beforeAll(async () => {
    sim = await startPlcSim({ plcs: 3, tags: 24, seed: 3, pollIntervalMs: 200 });
    t = await startTestApp('idm_test_modbus_polling');
    admin = (await registerAndLogin(t.url, { username: 'admin.polling' })).access_token;
    samples = captureSamples(t.app);
    const bus = t.app.get(DomainEvents);
    for (const name of ['device.comm_failed', 'device.comm_restored'] as const) {
      bus.on(name, (payload: DomainEventMap[typeof name]) => void events.push({ name, payload }));
    }
    const r = await call(t.url, 'POST', '/devices/import', admin, sim.deviceFile);
    expect(r.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('delivers correctly decoded, timestamped samples of every tag (both word orders) with quality good', async () => {
    const latest = await eventually(
      () => new Map(samples.filter((s) => s.quality === 'good').map((s) => [s.sensor_id, s])),
      (m) => m.size === 72,
    );
    expect(latest.size).toBe(72);
    for (const plc of sim.plant.plcs) {
      for (const tag of plc.tags) {
        const s = latest.get(tag.sensor_id)!;
        expect(s.source).toBe('modbus');
        // The simulator computes the value when the request arrives, a few ms after the poll's timestamp.
        const tolerance = 6 * tag.signal.noise * 1.5 + (tag.data_type === 'int16' ? 0.05 : 0) + tag.signal.amplitude * 0.01;
        expect(Math.abs(s.value - sim.plant.value(plc, tag, s.timestamp))).toBeLessThan(tolerance);
        expect(Math.abs(Date.now() - s.timestamp)).toBeLessThan(10000);
      }
    }
  });

  it('reads each PLC in the fewest requests: the simulator counts 2 per poll for 24 tags', async () => {
    const since = Date.now();
    const sequence = () => sim.log.list({ plc: 'plc-01', since }).map((r) => `${r.function_code}:${r.address}+${r.count}`);
    // At least 4 whole polls (~1.5 s at 200 ms; longer when the machine is busy: wait for them, not for a time).
    const seq = await eventually(sequence, (s) => s.length >= 10);
    // 20 float32 (40 holding registers) + 4 int16 input registers: one request per area instead of 24, read
    // in plan order poll after poll, so the requests come in pairs. (Grouping them by time instead failed on
    // a loaded machine: polls run at a fixed rate, and a late one is followed at once by the next.)
    const first = seq.indexOf('3:0+40');
    const pairs: string[][] = [];
    for (let i = first; i + 1 < seq.length; i += 2) pairs.push(seq.slice(i, i + 2));
    expect(pairs.length).toBeGreaterThanOrEqual(4);
    for (const pair of pairs) expect(pair).toEqual(['3:0+40', '4:0+4']);
    // Counted exactly: the simulator received what the poller sent, 2 per poll (read in the same tick).
    const received = sim.log.byPlc['plc-01'];
    const sent = t.app.get(SourcesService).connection('plc-01')!.status();
    expect(received).toBeGreaterThanOrEqual(sent.requests - 1); // at most one request in flight
    expect(received).toBeLessThanOrEqual(sent.requests);
    expect(sent.requests).toBeGreaterThanOrEqual(2 * sent.polls - 2);
    expect(sent.requests).toBeLessThanOrEqual(2 * sent.polls);
    expect(new Set(sequence())).toEqual(new Set(['3:0+40', '4:0+4']));
    const status = await call(t.url, 'GET', '/devices/plc-01/status', admin);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ device_id: 'plc-01', state: 'connected', connected: true, requests_per_poll: 2, tags: 24, errors: 0 });
    expect(status.body.last_good_poll_at).toBeGreaterThan(since);
    expect(status.body.last_poll_duration_ms).toBeGreaterThanOrEqual(0); // reported; its speed is the modbus-poll benchmark's
  });

  it('a PLC that stops answering goes to comm failure, is retried with growing backoff, and recovers', async () => {
    const patched = await call(t.url, 'PATCH', '/devices/plc-03', admin, { timeout_ms: 200 });
    expect(patched.status).toBe(200);
    await eventually(() => call(t.url, 'GET', '/devices/plc-03/status', admin), (r) => r.body.state === 'connected');
    const since = Date.now();
    sim.injectFault({ kind: 'stop_answering', plc: 'plc-03' });

    const failed = await eventually(() => events.find((e) => e.name === 'device.comm_failed'), Boolean, 10000);
    expect(failed?.payload).toMatchObject({ device_id: 'plc-03', device_name: 'PLC 03 (Cooling water)' });
    expect(failed?.payload.reason).toMatch(/timed out/i);
    const st = await call(t.url, 'GET', '/devices/plc-03/status', admin);
    expect(st.body).toMatchObject({ state: 'comm_failure', connected: false });
    expect(st.body.consecutive_failures).toBeGreaterThanOrEqual(2);
    expect(st.body.next_retry_at).toBeGreaterThan(since);
    // Every tag of the PLC gets one comm_failure sample; the other PLCs keep delivering good samples.
    await eventually(() => samples.filter((s) => s.quality === 'comm_failure' && s.sensor_id.startsWith('P03-')).length, (n) => n >= 24);
    expect(samples.filter((s) => s.quality === 'comm_failure' && s.sensor_id.startsWith('P03-')).length).toBe(24);
    const othersGood = () => samples.some((s) => s.sensor_id.startsWith('P01-') && s.quality === 'good' && s.timestamp > failed!.payload.at);
    expect(await eventually(othersGood, Boolean, 5000)).toBe(true);
    const health = await call(t.url, 'GET', '/health', null);
    expect(health.body.components.modbus).toMatchObject({ status: 'degraded' });

    // Retries: each attempt is one request that times out; the pauses between attempts double (with jitter).
    await eventually(() => sim.log.list({ plc: 'plc-03', since }).length, (n) => n >= 5, 15000);
    const attempts = sim.log.list({ plc: 'plc-03', since }).map((r) => r.t);
    const gaps = attempts.slice(1).map((x, i) => x - attempts[i]);
    expect(attempts.length).toBeGreaterThanOrEqual(5);
    // gap k = timeout (200) + backoff(k) in [0.7, 1] x 500 x 2^k, so each gap is longer than the one before.
    for (let i = 2; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1]);

    sim.clearFaults({ plc: 'plc-03' });
    const restored = await eventually(() => events.find((e) => e.name === 'device.comm_restored'), Boolean, 15000);
    expect(restored?.payload.device_id).toBe('plc-03');
    expect(restored?.payload.down_ms).toBeGreaterThan(1000);
    const back = await call(t.url, 'GET', '/devices/plc-03/status', admin);
    expect(back.body).toMatchObject({ state: 'connected', connected: true, consecutive_failures: 0 });
    await eventually(() => samples.some((s) => s.sensor_id === 'P03-TT-001' && s.quality === 'good' && s.timestamp >= restored!.payload.at), Boolean);
    expect(events.filter((e) => e.name === 'device.comm_failed')).toHaveLength(1); // reported once, not per retry
  });

  it('never overlaps polls of a slow PLC, and the slow PLC does not slow the others', async () => {
    await call(t.url, 'PATCH', '/devices/plc-02', admin, { poll_interval_ms: 100, timeout_ms: 2000 });
    await eventually(() => call(t.url, 'GET', '/devices/plc-02/status', admin), (r) => r.body.state === 'connected' && r.body.polls > 1);
    sim.injectFault({ kind: 'slow', plc: 'plc-02', magnitude: 250 });
    const since = Date.now();
    // Until the slow PLC has answered 8 requests (about 2 s; longer on a loaded machine), not a fixed time.
    await eventually(() => sim.log.list({ plc: 'plc-02', since }).length, (n) => n >= 8, 30_000);
    sim.clearFaults({ plc: 'plc-02' });
    const until = Date.now();

    const poller = t.app.get(SourcesService).connection('plc-02') as DevicePoller;
    expect(poller.maxInFlight).toBe(1);
    // Each request is sent only after the previous answer (250 ms late) came back: never two at once.
    const times = sim.log.list({ plc: 'plc-02', since }).map((r) => r.t).slice(1);
    const gaps = times.slice(1).map((x, i) => x - times[i]);
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(240);
    // plc-01 kept its 200 ms rhythm meanwhile.
    // Counted in requests (2 per poll): grouping them by time merges polls that run late back to back.
    // Compared with the slow PLC's polls over the same time, not with a clock: at 200 ms against 500 ms or
    // more, about 2.5 times as many; a loop stalled behind plc-02 would manage at most as many as it.
    const fastPolls = sim.log.list({ plc: 'plc-01', since }).filter((r) => r.t <= until).length / 2;
    const slowPollCount = sim.log.list({ plc: 'plc-02', since }).filter((r) => r.t <= until).length / 2;
    expect(fastPolls).toBeGreaterThan(1.5 * slowPollCount);

    // Each block is stamped when its answer came: the input block's samples 250 ms+ after the holding block's.
    const registry = t.app.get(TagRegistryService);
    const slowPolls = new Map<number, Set<string>>();
    for (const s of samples) {
      if (!s.sensor_id.startsWith('P02-') || s.timestamp < since + 300 || s.timestamp > until) continue;
      slowPolls.set(s.timestamp, (slowPolls.get(s.timestamp) ?? new Set()).add(modbusBinding(registry.getTag(s.sensor_id)!)!.register_type));
    }
    const stamps = [...slowPolls.keys()].sort((a, b) => a - b);
    expect([...slowPolls.values()].map((areas) => areas.size)).toEqual(stamps.map(() => 1));
    expect(stamps.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i] - stamps[i - 1]).toBeGreaterThanOrEqual(240);
  });

  it('reconnects by itself after a PLC reboot (connections dropped, then refused for 1.5 s)', async () => {
    const since = Date.now();
    sim.injectFault({ kind: 'reboot', plc: 'plc-01', duration_ms: 1500 });
    const down = await eventually(() => call(t.url, 'GET', '/devices/plc-01/status', admin), (r) => r.body.consecutive_failures > 0, 5000, 50);
    expect(down.body.consecutive_failures).toBeGreaterThan(0);
    const back = await eventually(
      () => call(t.url, 'GET', '/devices/plc-01/status', admin),
      (r) => r.body.state === 'connected' && r.body.consecutive_failures === 0 && r.body.last_good_poll_at > since + 1500,
      15000,
    );
    // The error of the outage is history once the PLC answers again.
    expect(back.body).toMatchObject({ state: 'connected', connected: true, consecutive_failures: 0, last_error: null });
    const fresh = () => samples.some((s) => s.sensor_id === 'P01-TT-001' && s.quality === 'good' && s.timestamp > since + 1500);
    expect(await eventually(fresh, Boolean, 5000)).toBe(true);
  });

  it('only ever sends read function codes, and its Modbus client cannot write', () => {
    const codes = Object.keys(sim.log.byFunctionCode).map(Number);
    expect(sim.log.total).toBeGreaterThan(50);
    expect(codes.every((fc) => [1, 2, 3, 4].includes(fc))).toBe(true);
    // Structural: the client IDM uses has no method but connect/read/close.
    const methods = Object.getOwnPropertyNames(ReadOnlyModbusClient.prototype).sort();
    expect(methods).toEqual(['close', 'connect', 'constructor', 'isOpen', 'read']);
    const client = new ReadOnlyModbusClient({ host: '127.0.0.1', port: 1, unit_id: 1, timeout_ms: 100 });
    expect(Object.keys(client)).toEqual([]); // the modbus-serial instance sits in a private field
  });

  it('the simulator refuses and records a write, proving the check above would catch one', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ModbusRTU = require('modbus-serial');
    const c = new ModbusRTU();
    await c.connectTCP('127.0.0.1', { port: sim.ports['plc-01'] });
    c.setID(1);
    await expect(c.writeRegister(0, 1)).rejects.toThrow(/Illegal function/);
    c.close(() => undefined);
    expect(sim.log.byFunctionCode[6]).toBe(1);
  });
});
