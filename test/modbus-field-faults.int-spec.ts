import * as net from 'node:net';
import type { DomainEventMap, IngestedSample } from '@idm/contracts';
import { DomainEvents } from '@idm/core';
import { startTestApp, TestApp } from './support/app';
import { registerAndLogin } from './support/auth';
import { call, captureSamples, eventually, freePort, ReferenceServer, startReferenceServer } from './support/modbus';

/** A TCP hop in front of a Modbus server that can be cut (connections dropped and refused) and restored at once. */
async function startCuttableProxy(targetPort: number): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  let up = true;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!up) return void client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    cut: () => {
      up = false;
      for (const s of open) s.destroy();
    },
    restore: () => void (up = true),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Field faults of issue 17 against an independent Modbus server (pymodbus), not IDM's own simulator. */
describe('Modbus field faults against pymodbus', () => {
  let t: TestApp;
  let ref: ReferenceServer;
  let admin: string;
  let samples: IngestedSample[];
  const events: Array<{ name: string; payload: any }> = [];
  const device = (id: string, port: number, extra: object = {}) => ({
    id, name: `Ref ${id}`, host: '127.0.0.1', port, unit_id: 7, poll_interval_ms: 100, timeout_ms: 300, block_gap: 8, ...extra,
  });
  const holding = (deviceId: string, address: number) => ({
    sensor_id: `${deviceId}-H${address}`, device_id: deviceId, register_type: 'holding', address, data_type: 'uint16',
  });
  const latest = (sensorId: string) => [...samples].reverse().find((s) => s.sensor_id === sensorId);
  const status = async (id: string) => (await call(t.url, 'GET', `/devices/${id}/status`, admin)).body;
  const alarm = async (id: string) => (await call(t.url, 'GET', `/alarms?include_normal=true&source_id=${id}`, admin)).body[0];

  beforeAll(async () => {
    ref = await startReferenceServer();
    // Off-delay 0: a device alarm returns to normal as soon as the device answers; replan retried every second.
    t = await startTestApp('idm_test_modbus_field_faults', { ALARM_OFF_DELAY_MS: '0', MODBUS_REPLAN_RETRY_MS: '1000' });
    admin = (await registerAndLogin(t.url, { username: 'admin.fieldfaults' })).access_token;
    samples = captureSamples(t.app);
    const bus = t.app.get(DomainEvents);
    for (const name of ['device.comm_failed', 'device.comm_restored'] as const) {
      bus.on(name, (payload: DomainEventMap[typeof name]) => void events.push({ name, payload }));
    }
  });
  afterAll(async () => {
    await t?.close();
    ref?.stop();
  });

  it('a register refused with exception 2 makes only its own tag bad, and the block is merged back once it is served', async () => {
    await ref.setFaults({ refuse: [85] });
    expect((await call(t.url, 'POST', '/devices', admin, device('split', ref.port))).status).toBe(201);
    for (const a of [84, 85, 86, 88, 90]) expect((await call(t.url, 'POST', '/tags', admin, holding('split', a))).status).toBe(201);

    const ids = [84, 85, 86, 88, 90].map((a) => `split-H${a}`);
    const seen = () => ids.map((id) => latest(id));
    const split = await eventually(seen, (l) => l.every((s) => s !== undefined) && l[0]!.quality === 'good' && l[1]!.quality === 'bad');
    expect(split.map((s) => [s?.sensor_id, s?.quality, s?.value])).toEqual([
      ['split-H84', 'good', 84], ['split-H85', 'bad', 0], ['split-H86', 'good', 86], ['split-H88', 'good', 88], ['split-H90', 'good', 90],
    ]);
    expect(await status('split')).toMatchObject({ state: 'connected', requests_per_poll: 5 });

    await ref.setFaults({});
    const merged = await eventually(() => status('split'), (s) => s.requests_per_poll === 1, 20000);
    expect(merged).toMatchObject({ state: 'connected', requests_per_poll: 1, last_error: null });
    const back = await eventually(() => latest('split-H85'), (s) => s?.quality === 'good');
    expect(back).toMatchObject({ quality: 'good', value: 85 });
  });

  it('a short response fails its block only: the other block stays good and the device stays connected', async () => {
    // The device of the test above reads holding 84..90 in one request; an input register is a second block.
    const input = { sensor_id: 'split-I1080', device_id: 'split', register_type: 'input', address: 1080, data_type: 'uint16' };
    expect((await call(t.url, 'POST', '/tags', admin, input)).status).toBe(201);
    await eventually(() => latest('split-I1080'), (s) => s?.quality === 'good');

    await ref.setFaults({ short: [90] });
    const since = Date.now();
    const bad = await eventually(() => latest('split-H90'), (s) => s?.quality === 'bad' && s.timestamp > since);
    expect(bad?.quality).toBe('bad');
    expect(latest('split-H84')?.quality).toBe('bad'); // same block
    const other = await eventually(() => latest('split-I1080'), (s) => s!.timestamp > bad!.timestamp);
    expect(other).toMatchObject({ quality: 'good', value: 80 });
    const st = await status('split');
    expect(st).toMatchObject({ state: 'connected', connected: true, consecutive_failures: 0 });
    expect(st.last_error).toMatch(/^malformed response to holding 84\+7: Data length error/);
    expect(events.filter((e) => e.payload.device_id === 'split')).toEqual([]);
    await ref.setFaults({});
    await call(t.url, 'PATCH', '/devices/split', admin, { enabled: false });
  });

  it('a device answering every request with exception 11 (wrong unit id behind a gateway) raises a device alarm', async () => {
    expect((await call(t.url, 'POST', '/devices', admin, device('ghost', ref.port, { unit_id: 9 }))).status).toBe(201);
    expect((await call(t.url, 'POST', '/tags', admin, holding('ghost', 84))).status).toBe(201);
    const failed = await eventually(() => events.find((e) => e.name === 'device.comm_failed' && e.payload.device_id === 'ghost'), Boolean);
    expect(failed?.payload.reason).toMatch(/^every request refused: Modbus exception 11 \(gateway target device failed to respond\)/);
    expect(await status('ghost')).toMatchObject({ state: 'comm_failure', connected: false });
    expect((await status('ghost')).last_error).toMatch(/exception 11/);
    const a = await eventually(() => alarm('ghost'), (x) => x?.state === 'unack_active');
    expect(a).toMatchObject({ id: 'device:ghost|comm_failure', state: 'unack_active', priority: 'high' });
    expect(a.message).toMatch(/exception 11/);
    await call(t.url, 'PATCH', '/devices/ghost', admin, { enabled: false });
  });

  it('a comm failure alarm clears when the device recovers and its settings change inside the reconnect backoff', async () => {
    const proxy = await startCuttableProxy(ref.port);
    try {
      expect((await call(t.url, 'POST', '/devices', admin, device('flaky', proxy.port))).status).toBe(201);
      expect((await call(t.url, 'POST', '/tags', admin, holding('flaky', 84))).status).toBe(201);
      await eventually(() => status('flaky'), (s) => s.state === 'connected');
      proxy.cut();
      const down = await eventually(() => alarm('flaky'), (x) => x?.state === 'unack_active');
      expect(down).toMatchObject({ id: 'device:flaky|comm_failure', state: 'unack_active' });
      // Wait for a long pause before the next reconnect attempt, then recover and change a setting inside it.
      const waiting = await eventually(() => status('flaky'), (s) => s.next_retry_at !== null && s.next_retry_at - Date.now() > 1500, 30000, 20);
      expect(waiting.state).toBe('comm_failure');
      proxy.restore();
      expect((await call(t.url, 'PATCH', '/devices/flaky', admin, { poll_interval_ms: 200 })).status).toBe(200);

      const up = await eventually(() => status('flaky'), (s) => s.state === 'connected');
      expect(up).toMatchObject({ state: 'connected', last_error: null });
      const cleared = await eventually(() => alarm('flaky'), (x) => x?.state !== 'unack_active', 10000);
      expect(cleared.state).toBe('unack_rtn');
      expect(events.filter((e) => e.payload.device_id === 'flaky').map((e) => e.name)).toEqual(['device.comm_failed', 'device.comm_restored']);
    } finally {
      await call(t.url, 'DELETE', '/devices/flaky', admin);
      await proxy.close();
    }
  });

  it('deleting a tag or a device ends its alarms: normal, off the list, "tag removed" / "device removed" in the audit', async () => {
    // The device of the exception 11 test above still has its comm-failure alarm (disabling a device does not end it).
    expect((await alarm('ghost'))?.state).toBe('unack_active');
    // Detection's anomaly on the device's tag (emitted as detection does) raises a sensor alarm.
    t.app.get(DomainEvents).emit('anomaly.opened', {
      anomaly_id: 'a-ghost-1', sensor_id: 'ghost-H84', anomaly_type: 'spike', severity: 'high', score: 9, timestamp: Date.now(), end_timestamp: null, value: 999,
    });
    const tagAlarm = await eventually(() => alarm('ghost-H84'), (x) => x?.state === 'unack_active');
    expect(tagAlarm.id).toBe('sensor:ghost-H84|spike');

    expect((await call(t.url, 'DELETE', '/tags/ghost-H84', admin)).status).toBe(204);
    const ended = await eventually(() => alarm('ghost-H84'), (x) => x?.state === 'normal');
    expect(ended).toMatchObject({ state: 'normal', active: false });
    const list = (await call(t.url, 'GET', '/alarms', admin)).body as Array<{ id: string }>;
    expect(list.map((a) => a.id)).not.toContain('sensor:ghost-H84|spike');
    // The audit is written just after the in-memory alarm changed (screens first): wait for it.
    const auditOf = (id: string) => async () => (await call(t.url, 'GET', `/alarms/${encodeURIComponent(id)}`, admin)).body.history;
    const history = await eventually(auditOf('sensor:ghost-H84|spike'), (h) => h[0]?.kind === 'cleared');
    expect(history[0]).toMatchObject({ kind: 'cleared', from: 'unack_active', to: 'normal', by: 'system', comment: 'tag removed' });

    expect((await call(t.url, 'DELETE', '/devices/ghost', admin)).status).toBe(204);
    const deviceEnded = await eventually(() => alarm('ghost'), (x) => x?.state === 'normal');
    expect(deviceEnded.state).toBe('normal');
    const after = (await call(t.url, 'GET', '/alarms', admin)).body as Array<{ id: string }>;
    expect(after.map((a) => a.id)).not.toContain('device:ghost|comm_failure');
    const deviceHistory = await eventually(auditOf('device:ghost|comm_failure'), (h) => h[0]?.kind === 'cleared');
    expect(deviceHistory[0]).toMatchObject({ kind: 'cleared', to: 'normal', comment: 'device removed' });
  });
});
