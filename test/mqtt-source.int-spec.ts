// The MQTT source against the real broker (Mosquitto from scripts/services.sh), with a Sparkplug B edge
// node (the simulator's) and plain publishers on the same broker.
import type { IngestedSample, MqttDeviceDto } from '@idm/contracts';
import { MqttSourceDriver, MqttTag } from '@idm/ingestion/sources/mqtt';
import type { SourceConnection } from '@idm/ingestion/sources/source-driver';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, MqttClient, Packet } from 'mqtt';
import { get as sparkplugCodec } from 'sparkplug-payload';
import { startPlcSim } from '../apps/plc-sim/src/sim';
import { SparkplugEdgeNode } from '../apps/plc-sim/src/sparkplug-edge-node';
import { eventually } from './support/modbus';
import { serviceEnv } from './support/services';

jest.setTimeout(120_000);

interface Probe {
  conn: SourceConnection & { stats(): { malformed: number; rebirths_requested: number } };
  samples: IngestedSample[];
  failed: string[];
  restored: number[];
  errors: string[];
  scopes: { scope: string; ids: string[]; kind: 'failed' | 'restored' }[];
}

const run = `${process.pid}-${Date.now().toString(36)}`;

describe('MQTT source (Mosquitto)', () => {
  const url = serviceEnv().MQTT_URL;
  /** Every packet IDM's clients sent, for the proof that IDM publishes only STATE and rebirth requests. */
  const sent: Packet[] = [];
  const driver = new MqttSourceDriver({ backoff: { baseMs: 100, maxMs: 1000, jitter: 0.3 }, onSend: (_d, p) => void sent.push(p) });
  const open: SourceConnection[] = [];
  const edges: SparkplugEdgeNode[] = [];
  let pub: MqttClient;

  const device = (over: Partial<MqttDeviceDto> = {}): MqttDeviceDto => ({
    id: 'mqtt-01',
    name: 'Broker',
    protocol: 'mqtt',
    broker_url: url,
    client_id: `idm-test-${run}`,
    mode: 'plain',
    timeout_ms: 3000,
    enabled: true,
    ...over,
  });
  const tag = (sensor_id: string, source: MqttTag['source'], over: Partial<MqttTag> = {}): MqttTag => ({ sensor_id, scale: 1, offset: 0, source, ...over });

  const start = (d: MqttDeviceDto, tags: MqttTag[]): Probe => startWith(driver, d, tags);
  function startWith(drv: MqttSourceDriver, d: MqttDeviceDto, tags: MqttTag[]): Probe {
    const p = { samples: [], failed: [], restored: [], errors: [], scopes: [] } as unknown as Probe;
    p.conn = drv.open(d, tags, {
      publish: async (batch) => void p.samples.push(...batch),
      commFailed: (_d, _at, reason) => void p.failed.push(reason),
      commRestored: (_d, _at, downMs) => void p.restored.push(downMs),
      onError: (_d, message) => void p.errors.push(message),
      scopeFailed: (_d, scope, ids) => void p.scopes.push({ scope, ids, kind: 'failed' }),
      scopeRestored: (_d, scope, ids) => void p.scopes.push({ scope, ids, kind: 'restored' }),
    });
    p.conn.start();
    open.push(p.conn);
    return p;
  }
  async function stop(p: Probe) {
    await p.conn.stop();
    open.splice(open.indexOf(p.conn), 1);
  }
  const values = (p: Probe, id: string) => p.samples.filter((s) => s.sensor_id === id && s.quality === 'good').map((s) => s.value);
  const latest = (p: Probe, id: string) => [...p.samples].reverse().find((s) => s.sensor_id === id);
  const connected = (p: Probe) => eventually(() => p.conn.status().state, (s) => s === 'connected', 30_000);

  beforeAll(async () => {
    pub = connect(url, { clientId: `pub-${run}`, protocolVersion: 4 });
    await new Promise((r, j) => (pub.once('connect', r), pub.once('error', j)));
  });

  afterAll(async () => {
    await Promise.all(open.map((c) => c.stop()));
    await Promise.all(edges.map((e) => e.stop().catch(() => undefined)));
    await pub?.endAsync();
    // Leave no persistent sessions of this run on the development broker.
    for (const id of ['plain', 'persist', 'stall', 'sp', 'spd', 'spq', 'simsp', 'simplain'].map((k) => `idm-${k}-${run}`)) {
      const c = connect(url, { clientId: id, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
      await new Promise((r) => (c.once('connect', r), c.once('error', r)));
      await c.endAsync();
    }
  });

  it('plain topics: JSON field paths with timestamps, raw numbers, wildcards; malformed payloads counted while other tags flow', async () => {
    const base = `plant-${run}`;
    const p = start(device({ client_id: `idm-plain-${run}` }), [
      tag('json.temp', { topic: `${base}/boiler/json`, value_path: 'd.values[1].v', timestamp_path: 'd.ts' }),
      tag('raw.level', { topic: `${base}/tank/level` }, { scale: 10, offset: 1 }),
      tag('wild.flow', { topic: `${base}/+/flow` }),
    ]);
    await connected(p);
    await pub.publishAsync(`${base}/boiler/json`, JSON.stringify({ d: { ts: 1_700_000_000_123, values: [{ v: 1 }, { v: 42.5 }] } }), { qos: 1 });
    await pub.publishAsync(`${base}/tank/level`, '3.5', { qos: 1 });
    await pub.publishAsync(`${base}/pump7/flow`, '17', { qos: 1 });
    // Malformed: not JSON, a missing field, not a number; each counted, none stops the others.
    await pub.publishAsync(`${base}/boiler/json`, '{"d":', { qos: 1 });
    await pub.publishAsync(`${base}/boiler/json`, '{"d":{"ts":1,"values":[]}}', { qos: 1 });
    await pub.publishAsync(`${base}/tank/level`, 'NaN%', { qos: 1 });
    await pub.publishAsync(`${base}/tank/level`, '4', { qos: 1 });
    await eventually(() => values(p, 'raw.level'), (v) => v.includes(41), 30_000);
    expect(latest(p, 'json.temp')).toMatchObject({ value: 42.5, quality: 'good', timestamp: 1_700_000_000_123, source: 'mqtt' });
    expect(values(p, 'raw.level')).toEqual([36, 41]);
    expect(values(p, 'wild.flow')).toEqual([17]);
    expect(p.conn.stats().malformed).toBe(3);
    expect(p.errors.filter((e) => e.startsWith('malformed message on'))).toEqual([
      expect.stringMatching(new RegExp(`^malformed message on ${base}/boiler/json: json.temp: payload is not JSON`)),
      `malformed message on ${base}/boiler/json: json.temp: no field d.values[1].v in the payload`,
      `malformed message on ${base}/tank/level: raw.level: payload is not a number: "NaN%"`,
    ]);
    expect(p.conn.status()).toMatchObject({ state: 'connected', tags: 3, requests_per_poll: 3 });
    await stop(p);
  });

  it('persistent session: messages published while IDM restarts are all delivered after it (QoS 1)', async () => {
    const topic = `plant-${run}/persist/v`;
    const d = device({ client_id: `idm-persist-${run}` });
    const tags = [tag('persist.v', { topic })];
    const first = start(d, tags);
    await connected(first);
    for (let i = 1; i <= 20; i++) await pub.publishAsync(topic, String(i), { qos: 1 });
    await eventually(() => values(first, 'persist.v').length, (n) => n === 20, 30_000);
    await stop(first);
    // IDM is away; the edge keeps publishing.
    for (let i = 21; i <= 220; i++) await pub.publishAsync(topic, String(i), { qos: 1 });
    const second = start(d, tags);
    for (let i = 221; i <= 240; i++) await pub.publishAsync(topic, String(i), { qos: 1 });
    const got = await eventually(() => values(second, 'persist.v'), (v) => v.length >= 220, 30_000);
    expect([...values(first, 'persist.v'), ...got]).toEqual(Array.from({ length: 240 }, (_, i) => i + 1));
    await stop(second);
  });

  it('ingestion stalled: IDM stops taking messages at the queue limit (the broker keeps them), then delivers every one', async () => {
    const topic = `plant-${run}/stall/v`;
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((r) => (release = r));
    const got: number[] = [];
    const stallDriver = new MqttSourceDriver({ maxPendingSamples: 10 });
    const conn = stallDriver.open(device({ id: 'stall', client_id: `idm-stall-${run}` }), [tag('stall.v', { topic })], {
      publish: async (batch) => {
        await stalled;
        got.push(...batch.map((s) => s.value));
      },
      commFailed: () => undefined,
      commRestored: () => undefined,
    });
    conn.start();
    open.push(conn);
    await eventually(() => conn.status().state, (s) => s === 'connected', 30_000);
    const spy = connect(url, { clientId: `stall-spy-${run}`, protocolVersion: 4 });
    const spied: string[] = [];
    spy.on('message', (_t, m) => spied.push(m.toString()));
    await new Promise((r) => spy.once('connect', r));
    await spy.subscribeAsync(topic, { qos: 1 });
    for (let i = 1; i <= 100; i++) await pub.publishAsync(topic, String(i), { qos: 1 });
    // The broker delivered all 100 to another subscriber; IDM took only up to its limit.
    await eventually(() => spied.length, (n) => n === 100, 30_000);
    expect(conn.stats().messages).toBeLessThanOrEqual(12);
    release();
    await eventually(() => got.length, (n) => n === 100, 30_000);
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await spy.endAsync();
    await conn.stop();
    open.splice(open.indexOf(conn), 1);
  });

  it('broker lost: comm failure on every tag (after the failed reconnect), restored when the broker is back', async () => {
    // A broker of this test's own, so stopping it disturbs nothing else.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as { port: number };
        srv.close(() => resolve(p));
      });
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'idm-mosq-'));
    const conf = path.join(dir, 'mosquitto.conf');
    writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', `user ${os.userInfo().username}`, 'log_dest none'].join('\n'));
    const bin = execFileSync('bash', ['-c', 'command -v mosquitto || echo /usr/sbin/mosquitto']).toString().trim();
    let broker: ChildProcess = spawn(bin, ['-c', conf], { stdio: 'ignore' });
    const brokerUp = () =>
      eventually(
        () => new Promise<boolean>((r) => { const c = connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 1000 }); c.once('connect', () => (c.end(true), r(true))); c.once('error', () => (c.end(true), r(false))); c.once('close', () => r(false)); }),
        (ok) => ok,
        30_000,
      );
    try {
      await brokerUp();
      const topic = `plant-${run}/lost/v`;
      const p = start(device({ id: 'lost-01', broker_url: `mqtt://127.0.0.1:${port}`, client_id: `idm-lost-${run}` }), [tag('lost.v', { topic }), tag('lost.w', { topic: `${topic}2` })]);
      await connected(p);
      broker.kill('SIGKILL');
      await eventually(() => p.failed, (f) => f.length === 1, 30_000);
      // The samples follow the report once the pipeline takes the batch.
      const failedSamples = await eventually(() => p.samples.filter((s) => s.quality === 'comm_failure'), (v) => v.length >= 2, 30_000);
      expect(failedSamples.map((s) => s.sensor_id).sort()).toEqual(['lost.v', 'lost.w']);
      expect(p.conn.status().state).toBe('comm_failure');
      broker = spawn(bin, ['-c', conf], { stdio: 'ignore' });
      await eventually(() => p.restored, (r) => r.length === 1, 30_000);
      expect(p.conn.status()).toMatchObject({ state: 'connected', consecutive_failures: 0, last_error: null });
      expect(p.failed).toHaveLength(1);
      await stop(p);
    } finally {
      broker.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('Sparkplug B host application', () => {
    const group = `G-${run}`;
    const specs = {
      boiler: [
        { name: 'Drum/Pressure', alias: 10, unit: 'bar', value: 12.5 },
        { name: 'Drum/Temperature', alias: 11, unit: '°C', value: 180 },
      ],
      pump: [{ name: 'Flow', alias: 20, unit: 'm3/h', value: 30 }],
    };
    const sparkTags = [
      tag('sp.press', { edge_node_id: 'gw1', device_id: 'boiler', metric: 'Drum/Pressure' }),
      tag('sp.temp', { edge_node_id: 'gw1', device_id: 'boiler', metric: 'Drum/Temperature' }),
      tag('sp.flow', { edge_node_id: 'gw1', device_id: 'pump', metric: 'Flow' }, { scale: 2, offset: 0 }),
    ];
    const spDevice = (over: Partial<MqttDeviceDto> = {}) => device({ id: 'sp-01', client_id: `idm-sp-${run}`, mode: 'sparkplug', group_id: group, host_id: `idm-${run}`, ...over });
    let edge: SparkplugEdgeNode;
    let p: Probe;
    let spy: MqttClient;
    const ncmds: string[] = [];
    const states: { online: boolean; timestamp: number }[] = [];

    beforeAll(async () => {
      spy = connect(url, { clientId: `spy-${run}`, protocolVersion: 4 });
      await new Promise((r, j) => (spy.once('connect', r), spy.once('error', j)));
      spy.on('message', (t, payload) => {
        if (t.includes('/NCMD/')) ncmds.push(t);
        else states.push(JSON.parse(payload.toString()));
      });
      await spy.subscribeAsync([`spBv1.0/${group}/NCMD/#`, `spBv1.0/STATE/idm-${run}`], { qos: 1 });
      p = start(spDevice(), sparkTags);
      await connected(p);
      edge = new SparkplugEdgeNode({ url, groupId: group, edgeNodeId: 'gw1', devices: specs, dataQos: 1 });
      edges.push(edge);
      await edge.start();
    });
    afterAll(async () => {
      await spy?.endAsync();
    });

    it('publishes its STATE birth (retained, JSON online + timestamp)', async () => {
      const s = await eventually(() => states, (v) => v.some((x) => x.online), 30_000);
      expect(s.find((x) => x.online)).toEqual({ online: true, timestamp: expect.any(Number) });
    });

    it('NBIRTH/DBIRTH: tags get the birth values; metrics are discovered with aliases and units', async () => {
      await eventually(() => [latest(p, 'sp.press'), latest(p, 'sp.temp'), latest(p, 'sp.flow')], (v) => v.every((s) => s?.quality === 'good'), 30_000);
      expect(latest(p, 'sp.flow')?.value).toBe(60);
      expect(driver.discovered('sp-01')).toEqual([
        expect.objectContaining({ edge_node_id: 'gw1', device_id: 'boiler', name: 'Drum/Pressure', alias: 10, datatype: 'Double', unit: 'bar' }),
        expect.objectContaining({ edge_node_id: 'gw1', device_id: 'boiler', name: 'Drum/Temperature', alias: 11, unit: '°C' }),
        expect.objectContaining({ edge_node_id: 'gw1', device_id: 'pump', name: 'Flow', alias: 20, unit: 'm3/h' }),
      ]);
    });

    it('DDATA by alias: samples with the metric timestamps', async () => {
      await edge.data('boiler', { 'Drum/Pressure': 13.25 }, 1_700_000_000_500);
      await edge.data('pump', { Flow: 31 }, 1_700_000_000_600);
      const s = await eventually(() => latest(p, 'sp.flow'), (v) => v?.value === 62, 30_000);
      expect(s).toMatchObject({ timestamp: 1_700_000_000_600, quality: 'good', source: 'mqtt' });
      expect(latest(p, 'sp.press')).toMatchObject({ value: 13.25, timestamp: 1_700_000_000_500 });
    });

    it('malformed Sparkplug payloads are counted; data keeps flowing', async () => {
      const before = p.conn.stats().malformed;
      await edge.raw('DDATA', 'boiler', Buffer.from([0xff, 0xff, 0xff, 0x01]));
      await edge.data('pump', { Flow: 32 }, Date.now());
      await eventually(() => latest(p, 'sp.flow')?.value, (v) => v === 64, 30_000);
      expect(p.conn.stats().malformed).toBe(before + 1);
      // An unreadable message is not a lost one: no rebirth is asked for it.
      expect(p.conn.stats().rebirths_requested).toBe(0);
    });

    it('a sequence gap asks for exactly one rebirth (not one per message), and the rebirth restores the flow', async () => {
      const answered = edge.births;
      edge.opts.answerRebirth = false;
      const before = p.conn.stats().rebirths_requested;
      for (const v of [14, 15, 16]) {
        edge.skipSeq(2);
        await edge.data('boiler', { 'Drum/Pressure': v }, Date.now());
      }
      await eventually(() => values(p, 'sp.press'), (v) => v.includes(16), 30_000);
      expect(p.conn.stats().rebirths_requested).toBe(before + 1);
      await eventually(() => edge.rebirthRequests, (n) => n >= 1, 30_000);
      await eventually(() => ncmds.length, (n) => n >= 1, 30_000);
      expect(ncmds).toEqual([`spBv1.0/${group}/NCMD/gw1`]);
      // The node answers with a rebirth now; afterwards a gap asks again (once).
      edge.opts.answerRebirth = true;
      await edge.birth();
      expect(edge.births).toBe(answered + 1);
      await edge.data('boiler', { 'Drum/Pressure': 17 }, Date.now());
      await eventually(() => values(p, 'sp.press'), (v) => v.includes(17), 30_000);
      expect(p.conn.stats().rebirths_requested).toBe(before + 1);
    });

    it('IDM restarted while the edge node keeps publishing QoS 1: no sample lost, no rebirth asked', async () => {
      const asked = ncmds.length;
      await stop(p);
      const sent = Array.from({ length: 30 }, (_, i) => 100 + i);
      for (const v of sent) await edge.data('pump', { Flow: v });
      p = start(spDevice(), sparkTags);
      await edge.data('pump', { Flow: 500 });
      const got = await eventually(() => values(p, 'sp.flow'), (v) => v.includes(1000), 30_000);
      expect(got).toEqual([...sent.map((v) => 2 * v), 1000]);
      expect(p.conn.stats().rebirths_requested).toBe(0);
      expect(ncmds.length).toBe(asked);
    });

    it('IDM process restarted (a new driver, the births only on disk) while the edge node publishes by alias (QoS 1): no sample lost, no rebirth asked', async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'idm-mqtt-births-'));
      const process1 = new MqttSourceDriver({ stateDir: path.join(dataDir, 'mqtt'), onSend: (_d, pk) => void sent.push(pk) });
      const d = spDevice({ id: 'sp-disk', client_id: `idm-spd-${run}`, host_id: `idm-spd-${run}` });
      const first = startWith(process1, d, sparkTags);
      try {
        await connected(first);
        await edge.birth();
        await eventually(() => latest(first, 'sp.flow')?.quality, (q) => q === 'good', 30_000);
        await edge.data('pump', { Flow: 40 });
        await eventually(() => values(first, 'sp.flow'), (v) => v.includes(80), 30_000);
        await stop(first);
        const asked = ncmds.length;
        // While no IDM runs: DDATA by alias only, queued in the persistent session; no new birth.
        const published = Array.from({ length: 20 }, (_, i) => 200 + i);
        for (const v of published) await edge.data('pump', { Flow: v });
        await edge.data('boiler', { 'Drum/Pressure': 21.5 });
        const second = startWith(new MqttSourceDriver({ stateDir: path.join(dataDir, 'mqtt'), onSend: (_d, pk) => void sent.push(pk) }), d, sparkTags);
        await edge.data('pump', { Flow: 300 });
        const got = await eventually(() => values(second, 'sp.flow'), (v) => v.includes(600), 30_000);
        expect(got).toEqual([...published.map((v) => 2 * v), 600]);
        expect(values(second, 'sp.press')).toEqual([21.5]);
        expect(second.conn.stats().rebirths_requested).toBe(0);
        expect(ncmds.length).toBe(asked);
        await stop(second);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('NDEATH: every tag of the node in comm failure at once (one report); the next births clear it', async () => {
      const n = p.samples.length;
      await edge.die();
      const ev = await eventually(() => p.scopes.filter((s) => s.kind === 'failed'), (v) => v.length >= 1, 30_000);
      expect(ev).toEqual([{ scope: 'gw1', ids: ['sp.press', 'sp.temp', 'sp.flow'], kind: 'failed' }]);
      const failedSamples = await eventually(() => p.samples.slice(n).filter((s) => s.quality === 'comm_failure'), (v) => v.length === 3, 30_000);
      expect(new Set(failedSamples.map((s) => s.timestamp)).size).toBe(1);
      await edge.start(); // a new session: births with the next bdSeq
      const back = await eventually(() => p.scopes.filter((s) => s.kind === 'restored'), (v) => v.length >= 1, 30_000);
      // The scope reported dead is the one restored, with the same tags (one alarm raised, the same one cleared).
      expect(back).toEqual([{ scope: 'gw1', ids: ['sp.press', 'sp.temp', 'sp.flow'], kind: 'restored' }]);
      await eventually(() => latest(p, 'sp.flow'), (s) => s?.quality === 'good', 30_000);
      expect(p.scopes.filter((s) => s.kind === 'restored')).toHaveLength(1); // the DBIRTHs report nothing more
      expect(p.failed).toEqual([]); // the broker connection itself never failed
    });

    it('rebirth requests turned off: the need is logged, no NCMD is sent; a tag with an unusable binding is bad once with the reason', async () => {
      const gw9 = new SparkplugEdgeNode({ url, groupId: group, edgeNodeId: 'gw9', devices: { d: [{ name: 'X', alias: 1, value: 1 }] }, dataQos: 1 });
      edges.push(gw9);
      await gw9.start(); // born before this connection subscribed: its data will need a rebirth
      const q = start(spDevice({ id: 'sp-quiet', client_id: `idm-spq-${run}`, host_id: `idm-q-${run}`, rebirth_requests: false }), [
        tag('q.x', { edge_node_id: 'gw9', device_id: 'd', metric: 'X' }),
        tag('q.bad', { edge_node_id: 'gw9', device_id: 'd' }),
      ]);
      await connected(q);
      await gw9.data('d', { X: 2 });
      await eventually(() => q.errors, (e) => e.some((m) => m.includes('rebirth requests are turned off')), 30_000);
      expect(q.errors).toContain('edge node "gw9" needs a rebirth (DDATA from edge node "gw9" without a current NBIRTH), but rebirth requests are turned off');
      expect(q.errors).toContain('q.bad: source.metric is required (the metric name from the birth)');
      expect(latest(q, 'q.bad')).toMatchObject({ quality: 'bad' });
      expect(q.conn.stats().rebirths_requested).toBe(0);
      // The node's own answer to a rebirth (here: it is born again by itself) makes its data readable.
      await gw9.birth();
      await eventually(() => latest(q, 'q.x'), (s) => s?.quality === 'good', 30_000);
      await stop(q);
      expect(ncmds.filter((t) => t.endsWith('/gw9'))).toEqual([]);
    });

    it('stopping publishes the STATE death with the birth timestamp', async () => {
      const birth = states.filter((s) => s.online).at(-1)!;
      await stop(p);
      const death = await eventually(() => states.filter((s) => !s.online && s.timestamp === birth.timestamp), (v) => v.length >= 1, 30_000);
      expect(death).toEqual([{ online: false, timestamp: birth.timestamp }]);
    });
  });

  it('the simulator as Sparkplug edge nodes: plant tags with units, NDEATH when a PLC is told to fail, births when it is back; plain JSON too', async () => {
    const group = `Sim-${run}`;
    const sim = await startPlcSim({ plcs: 1, tags: 4, seed: 5, mqttUrl: url, mqtt: { groupId: group, updateMs: 200, plainPrefix: `sim-${run}`, plainTagsPerPlc: 1 } });
    try {
      const plc = sim.plant.plcs[0];
      const sp = start(device({ id: 'sim-sp', client_id: `idm-simsp-${run}`, mode: 'sparkplug', group_id: group, host_id: `idm-sim-${run}` }), plc.tags.map((t) => tag(t.sensor_id, { edge_node_id: plc.id, device_id: 'io', metric: t.sensor_id })));
      const plain = start(device({ id: 'sim-plain', client_id: `idm-simplain-${run}` }), [tag('plain.first', { topic: `sim-${run}/${plc.id}/${plc.tags[0].sensor_id}`, value_path: 'value', timestamp_path: 'ts' })]);
      // Started before IDM subscribed: the births are missed, the data asks for a rebirth, which the node answers.
      const ids = plc.tags.map((t) => t.sensor_id);
      await eventually(() => ids.map((id) => latest(sp, id)), (v) => v.every((s) => s?.quality === 'good'), 30_000);
      expect(driver.discovered('sim-sp').map((m) => [m.name, m.unit])).toEqual(plc.tags.map((t) => [t.sensor_id, t.signal.unit]));
      await eventually(() => latest(plain, 'plain.first'), (s) => s?.quality === 'good', 30_000);
      sim.injectFault({ kind: 'stop_answering', plc: plc.id });
      const failed = await eventually(() => sp.scopes, (v) => v.some((s) => s.kind === 'failed'), 30_000);
      expect(failed).toEqual([{ scope: plc.id, ids, kind: 'failed' }]);
      sim.clearFaults({ plc: plc.id });
      await eventually(() => sp.scopes, (v) => v.some((s) => s.kind === 'restored'), 30_000);
      // The scope reported dead (the node, with its device's tags) is the one restored by the births.
      expect(sp.scopes.filter((s) => s.kind === 'restored')).toEqual([{ scope: plc.id, ids, kind: 'restored' }]);
      await stop(sp);
      await stop(plain);
    } finally {
      await sim.close();
    }
  });

  it('IDM never published anything but its STATE and the Node Control/Rebirth NCMD', () => {
    const publishes = sent.filter((p): p is Packet & { cmd: 'publish'; topic: string; payload: Buffer } => p.cmd === 'publish');
    expect(publishes.length).toBeGreaterThan(0);
    const codec = sparkplugCodec('spBv1.0')!;
    for (const p of publishes) {
      if (/^spBv1\.0\/STATE\/[^/]+$/.test(p.topic)) {
        expect(Object.keys(JSON.parse(p.payload.toString())).sort()).toEqual(['online', 'timestamp']);
        continue;
      }
      expect(p.topic).toMatch(/^spBv1\.0\/[^/]+\/NCMD\/[^/]+$/);
      const metrics = codec.decodePayload(p.payload).metrics ?? [];
      expect(metrics.map((m) => [m.name, m.value])).toEqual([['Node Control/Rebirth', true]]);
    }
    expect(publishes.some((p) => p.topic.includes('/NCMD/'))).toBe(true);
  });
});
