// The OPC UA source against a real OPC UA server: the PLC simulator's, started in this process on a free port.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IngestedSample, OpcuaDeviceDto } from '@idm/contracts';
import { OpcuaConnection, OpcuaSourceDriver, OpcuaTag } from '@idm/ingestion/sources/opcua';
import type { SourceCarryOver, SourceConnection } from '@idm/ingestion/sources/source-driver';
import { OPCUA_TEST_VARIABLES, opcuaNodeIdOf } from '../apps/plc-sim/src/opcua-server';
import { Plant } from '../apps/plc-sim/src/plant';
import { eventually } from './support/modbus';
import { OpcuaSimProcess, startOpcuaSim } from './support/opcua-sim';

// Generous: the simulator starts in a child process and the machine may be loaded; every wait polls a condition.
jest.setTimeout(180_000);

/** Services IDM must never call: they write values, call methods, or change the address space or history. */
const CHANGING_REQUESTS = ['WriteRequest', 'CallRequest', 'HistoryUpdateRequest', 'AddNodesRequest', 'AddReferencesRequest', 'DeleteNodesRequest', 'DeleteReferencesRequest'];

interface Probe {
  conn: SourceConnection;
  samples: IngestedSample[];
  failed: string[];
  restored: number[];
  errors: string[];
}

describe('OPC UA source (simulator OPC UA server)', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'idm-opcua-'));
  // The simulator's plant (same seed and size as the child process's) for its sensor ids.
  const plant = new Plant({ plcs: 2, tagsPerPlc: 4, seed: 3, layout: 'units', basePort: 0 });
  let sim: OpcuaSimProcess;
  const clientRequests: Record<string, number> = {};
  const driver = new OpcuaSourceDriver({
    pkiDir: path.join(tmp, 'idm-pki'),
    backoff: { baseMs: 200, maxMs: 2000, jitter: 0.3 },
    onRequest: (_d, type) => void (clientRequests[type] = (clientRequests[type] ?? 0) + 1),
  });
  const open: SourceConnection[] = [];

  const device = (over: Partial<OpcuaDeviceDto> = {}): OpcuaDeviceDto => ({
    id: 'ua-01',
    name: 'UA 01',
    protocol: 'opcua',
    endpoint_url: sim.endpointUrl,
    security_mode: 'None',
    security_policy: 'None',
    publishing_interval_ms: 200,
    timeout_ms: 2000,
    enabled: true,
    ...over,
  });
  const tag = (sensor_id: string, node_id: string, over: Partial<OpcuaTag> = {}): OpcuaTag => ({ sensor_id, scale: 1, offset: 0, source: { node_id }, ...over });
  const plantTags = (plc: number) => plant.plcs[plc].tags.map((t) => tag(t.sensor_id, opcuaNodeIdOf(t.sensor_id)));

  function start(d: OpcuaDeviceDto, tags: OpcuaTag[], carry?: SourceCarryOver): Probe {
    const p: Probe = { conn: null as unknown as SourceConnection, samples: [], failed: [], restored: [], errors: [] };
    p.conn = driver.open(d, tags, {
      publish: async (batch) => void p.samples.push(...batch),
      commFailed: (_d, _at, reason) => void p.failed.push(reason),
      commRestored: (_d, _at, downMs) => void p.restored.push(downMs),
      onError: (_d, message) => void p.errors.push(message),
    }, carry);
    p.conn.start();
    open.push(p.conn);
    return p;
  }
  const latest = (p: Probe, id: string) => [...p.samples].reverse().find((s) => s.sensor_id === id);
  const goodCount = (p: Probe, id: string) => p.samples.filter((s) => s.sensor_id === id && s.quality === 'good').length;
  async function stop(p: Probe) {
    await p.conn.stop();
    open.splice(open.indexOf(p.conn), 1);
  }

  beforeAll(async () => {
    sim = await startOpcuaSim({ plcs: 2, tags: 4, seed: 3, pkiDir: path.join(tmp, 'sim-pki'), user: 'operator:op-secret' });
  });

  afterAll(async () => {
    await Promise.all(open.map((c) => c.stop()));
    await sim?.stop();
    await driver.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('reads every supported type as the right number, with the source timestamp', async () => {
    const scalars = ['Boolean', 'SByte', 'Byte', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64', 'Float', 'Double'] as const;
    const p = start(device(), scalars.map((n) => tag(n, `ns=1;s=Types.${n}`)));
    const all = await eventually(() => scalars.map((n) => latest(p, n)), (v) => v.every((s) => s?.quality === 'good'), 30000);
    expect(Object.fromEntries(all.map((s) => [s!.sensor_id, s!.value]))).toEqual({
      ...Object.fromEntries(scalars.map((n) => [n, OPCUA_TEST_VARIABLES[n].value])),
      Boolean: 1,
    });
    expect(all.every((s) => s!.source === 'opcua' && s!.timestamp > Date.now() - 120_000 && s!.timestamp <= Date.now())).toBe(true);
    expect(p.conn.status()).toMatchObject({ state: 'connected', requests_per_poll: scalars.length, tags: scalars.length });
    // IDM's own application certificate was made in its PKI folder on first use.
    expect(readdirSync(path.join(tmp, 'idm-pki', 'own', 'certs'))).toContain('client_certificate.pem');
    await stop(p);
  });

  it('a data change in the server arrives, scaled and offset like a Modbus tag', async () => {
    const p = start(device(), [tag('I32', 'ns=1;s=Types.Int32', { scale: 0.5, offset: 10 })]);
    await eventually(() => latest(p, 'I32'), (s) => s?.quality === 'good', 30000);
    await sim.control('POST', '/opcua/values', { name: 'Int32', value: 1234 });
    const s = await eventually(() => latest(p, 'I32'), (v) => v?.value === 1234 * 0.5 + 10, 30000);
    expect(s).toMatchObject({ value: 627, quality: 'good' });
    await sim.control('POST', '/opcua/values', { name: 'Int32', value: OPCUA_TEST_VARIABLES.Int32.value });
    await stop(p);
  });

  it('an absolute deadband holds back changes within it and reports one beyond it', async () => {
    const base = OPCUA_TEST_VARIABLES.Int16.value;
    const p = start(device(), [tag('I16', 'ns=1;s=Types.Int16', { source: { node_id: 'ns=1;s=Types.Int16', deadband_type: 'absolute', deadband_value: 100 } }), tag('Mark', 'ns=1;s=Types.Double')]);
    await eventually(() => [latest(p, 'I16'), latest(p, 'Mark')], (v) => v.every((s) => s?.quality === 'good'), 30000);
    const set = (name: string, value: number) => sim.control('POST', '/opcua/values', { name, value });
    await set('Int16', base + 50);
    // Two markers through the same subscription afterwards: the server has sampled the small change by then.
    for (const mark of [1, 2]) {
      await set('Double', mark);
      await eventually(() => latest(p, 'Mark')?.value, (v) => v === mark, 30000);
    }
    await set('Int16', base + 500);
    await eventually(() => latest(p, 'I16')?.value, (v) => v === base + 500, 30000);
    expect(p.samples.filter((s) => s.sensor_id === 'I16').map((s) => s.value)).toEqual([base, base + 500]);
    await set('Int16', base);
    await set('Double', OPCUA_TEST_VARIABLES.Double.value);
    await stop(p);
  });

  it('refuses arrays, strings, huge UInt64 and unknown nodes per tag (bad once, logged once) while the other tags flow', async () => {
    const first = plant.plcs[0].tags[0].sensor_id;
    const p = start(device(), [
      tag('Arr', 'ns=1;s=Types.DoubleArray'),
      tag('Str', 'ns=1;s=Types.String'),
      tag('Huge', 'ns=1;s=Types.UInt64Huge'),
      tag('Missing', 'ns=1;s=No.Such.Node'),
      tag('BadId', 'Boiler.Pressure'),
      ...plantTags(0),
    ]);
    await eventually(() => goodCount(p, first), (n) => n >= 3, 30000);
    const errorOf = (id: string) => p.errors.filter((e) => e.startsWith(`${id}: `));
    expect(errorOf('Arr')).toEqual(['Arr: ns=1;s=Types.DoubleArray: Double array value is not supported: a tag must be a scalar number']);
    expect(errorOf('Str')).toEqual(['Str: ns=1;s=Types.String: String value is not supported: a tag must be Boolean, an integer, Float or Double']);
    expect(errorOf('Huge')).toEqual([expect.stringContaining('UInt64 value 1152921504606846976 is beyond ±2^53')]);
    expect(errorOf('Missing')).toEqual([expect.stringContaining('monitoring ns=1;s=No.Such.Node refused: BadNodeIdUnknown')]);
    expect(errorOf('BadId')).toEqual([expect.stringContaining('must be ns=<index>; followed by i=, s=, g= or b=')]);
    for (const id of ['Arr', 'Str', 'Huge', 'Missing', 'BadId']) {
      expect(p.samples.filter((s) => s.sensor_id === id).map((s) => s.quality)).toEqual(['bad']);
    }
    expect(p.conn.status().state).toBe('connected');
    await stop(p);
  });

  it('a PLC that stops answering behind the server gives quality bad, and good again when it is back', async () => {
    const id = plant.plcs[1].tags[0].sensor_id;
    const p = start(device(), plantTags(1));
    await eventually(() => latest(p, id), (s) => s?.quality === 'good', 30000);
    await sim.control('POST', '/faults', { kind: 'stop_answering', plc: plant.plcs[1].id });
    expect((await eventually(() => latest(p, id), (s) => s?.quality === 'bad', 30000))?.quality).toBe('bad');
    await sim.control('DELETE', `/faults?plc=${plant.plcs[1].id}`);
    expect((await eventually(() => latest(p, id), (s) => s?.quality === 'good', 30000))?.quality).toBe('good');
    // The server answered all along: a Bad value is not a comm failure.
    expect(p.failed).toEqual([]);
    await stop(p);
  });

  it('recovers from a server restart without intervention: comm failure reported, then restored, values flow again', async () => {
    const id = plant.plcs[0].tags[1].sensor_id;
    const p = start(device(), plantTags(0));
    await eventually(() => latest(p, id), (s) => s?.quality === 'good', 30000);
    await sim.control('POST', '/opcua/stop');
    expect(await eventually(() => p.failed.length, (n) => n === 1, 30000)).toBe(1);
    expect(latest(p, id)?.quality).toBe('comm_failure');
    expect(p.conn.status().state).toBe('comm_failure');
    await sim.control('POST', '/opcua/start');
    expect(await eventually(() => p.restored.length, (n) => n === 1, 60000)).toBe(1);
    const afterRestart = p.samples.length;
    const flowing = await eventually(() => p.samples.slice(afterRestart).filter((s) => s.sensor_id === id && s.quality === 'good').length, (n) => n >= 2, 30000);
    expect(flowing).toBeGreaterThanOrEqual(2);
    expect(p.conn.status()).toMatchObject({ state: 'connected', consecutive_failures: 0 });
    await stop(p);
  });

  it('a connection replacing one in comm failure (device settings changed) reports the end of that failure', async () => {
    const id = plant.plcs[0].tags[3].sensor_id;
    const since = Date.now() - 5000;
    const p = start(device(), plantTags(0), { commFailedSince: since, last: new Map([[id, 42]]) });
    expect(p.conn.status().state).toBe('comm_failure');
    expect(await eventually(() => p.restored.length, (n) => n === 1, 30000)).toBe(1);
    expect(p.restored[0]).toBeGreaterThanOrEqual(5000);
    expect(p.conn.carryOver().commFailedSince).toBeNull();
    await stop(p);
  });

  it('while ingestion lags, only the latest waiting value of each tag is kept (bounded memory), and it says so', async () => {
    const tags = plantTags(0);
    const batches: IngestedSample[][] = [];
    const errors: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const conn = new OpcuaConnection(
      device({ id: 'ua-lag' }),
      tags,
      {
        publish: async (batch) => {
          batches.push(batch);
          if (batches.length === 1) await gate; // the pipeline stalls on the first batch
        },
        commFailed: () => undefined,
        commRestored: () => undefined,
        onError: (_d, m) => void errors.push(m),
      },
      { identity: () => driver.identity(), maxPendingSamples: tags.length + 2 },
    );
    conn.start();
    open.push(conn);
    await eventually(() => errors, (e) => e.some((m) => m.startsWith('ingestion is slower than the server publishes')), 30000);
    release();
    const caughtUp = await eventually(() => errors.find((m) => m.startsWith('ingestion caught up')), (m) => !!m, 30000);
    expect(caughtUp).toMatch(/^ingestion caught up; [1-9]\d* intermediate samples were dropped$/);
    // What waited during the stall was kept within the bound (without it, every sample of the stall would be here).
    expect(batches[1].length).toBeLessThanOrEqual(tags.length + 2);
    await conn.stop();
    open.splice(open.indexOf(conn), 1);
  });

  it('a server that refuses to monitor the tags stays in comm failure: reported once, never restored while no value can flow', async () => {
    // More items in one CreateMonitoredItems than the server takes per call (10 000): it refuses the whole request
    // (BadTooManyOperations) on every connect, after the session and subscription were made and while its
    // keep-alives arrive. A keep-alive proves the server alive, not the tags readable.
    const many: OpcuaTag[] = Array.from({ length: 10_001 }, (_, k) => tag(`Many-${k}`, 'ns=1;s=Types.Double'));
    const failed: string[] = [];
    const restored: number[] = [];
    const errors: string[] = [];
    const requests: string[] = [];
    const conn = new OpcuaConnection(
      device({ id: 'ua-many', publishing_interval_ms: 100, timeout_ms: 1000 }),
      many,
      {
        publish: async () => undefined,
        commFailed: (_d, _at, reason) => void failed.push(reason),
        commRestored: (_d, _at, downMs) => void restored.push(downMs),
        onError: (_d, m) => void errors.push(m),
      },
      { identity: () => driver.identity(), itemsPerRequest: 20_000, backoff: { baseMs: 200, maxMs: 400, jitter: 0 }, onRequest: (_d, type) => void requests.push(type) },
    );
    conn.start();
    open.push(conn);
    // Six refused connects: keep-alives (every 500 ms here) arrive while several of them wait for the refusal.
    await eventually(() => errors.filter((m) => /BadTooManyOperations/.test(m)).length, (n) => n >= 6, 90_000);
    expect(failed).toEqual([expect.stringContaining('BadTooManyOperations')]);
    expect(restored).toEqual([]);
    expect(conn.status()).toMatchObject({ state: 'comm_failure', last_good_poll_at: null });
    const status = conn.status();
    expect(status.consecutive_failures).toBeGreaterThanOrEqual(6);
    // Each refused connect counts once: closing its session must not count the same connect again as a lost
    // subscription (one connect, one CreateSession; the last one may still wait for its refusal).
    const sessions = requests.filter((t) => t === 'CreateSessionRequest').length;
    expect([sessions - 1, sessions]).toContain(status.consecutive_failures);
    expect(errors.filter((m) => !/BadTooManyOperations/.test(m))).toEqual([]);
    await conn.stop();
    open.splice(open.indexOf(conn), 1);
  });

  it('a hung server (sockets open, no answers) is detected by its silence, and recovered when it answers again', async () => {
    const id = plant.plcs[0].tags[2].sensor_id;
    const p = start(device({ timeout_ms: 1500 }), plantTags(0));
    await eventually(() => latest(p, id), (s) => s?.quality === 'good', 30000);
    sim.freeze();
    try {
      await eventually(() => p.failed.length, (n) => n === 1, 30000);
    } finally {
      sim.thaw();
    }
    // Noticed by node-opcua's request timeout or by the source's silence watchdog, whichever comes first.
    expect(p.failed).toHaveLength(1);
    expect(await eventually(() => p.restored.length, (n) => n === 1, 60000)).toBe(1);
    const after = p.samples.length;
    expect(await eventually(() => p.samples.slice(after).filter((s) => s.sensor_id === id && s.quality === 'good').length, (n) => n >= 2, 30000)).toBeGreaterThanOrEqual(2);
    await stop(p);
  });

  it('SignAndEncrypt: an unknown server certificate is refused and listed as rejected; once an admin trusts it, values flow', async () => {
    const id = plant.plcs[0].tags[0].sensor_id;
    const p = start(device({ security_mode: 'SignAndEncrypt', security_policy: 'Basic256Sha256' }), [tag(id, opcuaNodeIdOf(id))]);
    await eventually(() => p.failed.length, (n) => n >= 1, 30000);
    expect(p.failed[0]).toMatch(/not trusted \(BadCertificateUntrusted\): an administrator must trust it/);
    expect(p.samples.some((s) => s.quality === 'good')).toBe(false);
    const rejected = (await driver.trustStore.list()).filter((c) => c.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0].thumbprint).toMatch(/^[0-9a-f]{40}$/);
    expect(rejected[0].subject).toContain('CN=');

    expect(await driver.trustStore.trust(rejected[0].thumbprint)).toBe(true);
    expect((await driver.trustStore.list()).map((c) => [c.thumbprint, c.status])).toEqual([[rejected[0].thumbprint, 'trusted']]);
    // The connection retries on its own: the admin's action is enough.
    await eventually(() => p.restored.length, (n) => n === 1, 60000);
    expect((await eventually(() => latest(p, id), (s) => s?.quality === 'good', 30000))?.quality).toBe('good');
    await stop(p);
  });

  it('user name and password: accepted when right, refused with a clear message when wrong', async () => {
    const id = plant.plcs[0].tags[0].sensor_id;
    const ok = start(device({ id: 'ua-user', username: 'operator', password: 'op-secret' }), [tag(id, opcuaNodeIdOf(id))]);
    expect((await eventually(() => latest(ok, id), (s) => s?.quality === 'good', 30000))?.quality).toBe('good');
    await stop(ok);
    const wrong = start(device({ id: 'ua-wrong', username: 'operator', password: 'nope' }), [tag(id, opcuaNodeIdOf(id))]);
    await eventually(() => wrong.failed.length, (n) => n >= 1, 30000);
    expect(wrong.failed[0]).toMatch(/refused the user "operator"/);
    await stop(wrong);
  });

  it('browses the address space: folders, then variables with their data types', async () => {
    const objects = await driver.browse(device());
    expect(objects.map((n) => n.node_id)).toEqual(expect.arrayContaining(['ns=1;s=Plant', 'ns=1;s=Types']));
    const types = await driver.browse(device(), 'ns=1;s=Types');
    expect(types.find((n) => n.node_id === 'ns=1;s=Types.Int64')).toEqual({
      node_id: 'ns=1;s=Types.Int64',
      browse_name: '1:Int64',
      display_name: 'Int64',
      node_class: 'Variable',
      data_type: 'Int64',
      value_rank: -1,
      readable: true,
    });
    expect(types.find((n) => n.node_id === 'ns=1;s=Types.DoubleArray')).toMatchObject({ data_type: 'Double', value_rank: 1, readable: false });
  });

  it('never sent a service that changes the server (Write, Call, node management, history update)', async () => {
    // Counted on both sides: the server's request log, and every request the client sent.
    const server = await sim.requests();
    expect(server.CreateMonitoredItemsRequest).toBeGreaterThan(0);
    expect(server.BrowseRequest).toBeGreaterThan(0);
    expect(clientRequests.CreateMonitoredItemsRequest).toBeGreaterThan(0);
    for (const type of CHANGING_REQUESTS) {
      expect([type, server[type] ?? 0, clientRequests[type] ?? 0]).toEqual([type, 0, 0]);
    }
  });
});
