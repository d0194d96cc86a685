import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { opcuaNodeIdOf } from '../apps/plc-sim/src/opcua-server';
import { Plant } from '../apps/plc-sim/src/plant';
import { startTestApp, TestApp } from './support/app';
import { registerAndLogin } from './support/auth';
import { call, eventually } from './support/modbus';
import { OpcuaSimProcess, startOpcuaSim } from './support/opcua-sim';

// The simulator runs in a child process and the machine may be loaded; every wait polls a condition.
jest.setTimeout(240_000);

/** OPC UA through the whole app: devices and tags by the API, samples in the historian, alarms, browse and trust. */
describe('OPC UA in the app (simulator OPC UA server)', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'idm-opcua-app-'));
  // The simulator's plant (same seed and size as the child process's) for its sensor ids and units.
  const plant = new Plant({ plcs: 2, tagsPerPlc: 4, seed: 5, layout: 'units', basePort: 0 });
  let sim: OpcuaSimProcess;
  let t: TestApp;
  let admin: string;
  let viewer: string;
  const warnings: string[] = [];
  const consoleLines: string[] = [];

  const uaDevice = (id: string, over: object = {}) => ({
    id, name: `UA ${id}`, protocol: 'opcua', endpoint_url: sim.endpointUrl, security_mode: 'None', security_policy: 'None',
    publishing_interval_ms: 200, timeout_ms: 2000, enabled: true, ...over,
  });
  const uaTag = (deviceId: string, sensorId: string, area = 'Line UA') => ({ sensor_id: sensorId, device_id: deviceId, area, unit: 'bar', source: { node_id: opcuaNodeIdOf(sensorId) } });
  const status = async (id: string) => (await call(t.url, 'GET', `/devices/${id}/status`, admin)).body;
  const alarm = async (id: string) => (await call(t.url, 'GET', `/alarms?include_normal=true&source_id=${id}`, admin)).body[0];
  const latest = async (sensorId: string) => (await call(t.url, 'GET', `/sensors/${sensorId}`, admin)).body?.latest;

  beforeAll(async () => {
    const warn = Logger.prototype.warn;
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(function (this: Logger, message: unknown, ...rest: unknown[]) {
      warnings.push(String(message));
      return warn.call(this, message, ...(rest as [string]));
    });
    // node-opcua prints to the console unless its loggers are routed to IDM's (the app does so).
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void consoleLines.push(args.map(String).join(' ')));
    sim = await startOpcuaSim({ plcs: 2, tags: 4, seed: 5, pkiDir: path.join(tmp, 'sim-pki') });
    t = await startTestApp('idm_test_opcua_app', { DATA_DIR: path.join(tmp, 'idm-data'), ALARM_OFF_DELAY_MS: '0', HISTORIAN_FLUSH_MS: '50' });
    admin = (await registerAndLogin(t.url, { username: 'admin.opcua' })).access_token;
    viewer = (await registerAndLogin(t.url, { username: 'viewer.opcua', roles: ['viewer'] }, admin)).access_token;
  });

  afterAll(async () => {
    await t?.close();
    await sim?.stop();
    jest.restoreAllMocks();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('an OPC UA device and its tags added through the API deliver good samples to the historian', async () => {
    expect((await call(t.url, 'POST', '/devices', admin, uaDevice('ua-plant'))).status).toBe(201);
    const ids = plant.plcs[0].tags.map((x) => x.sensor_id);
    for (const id of ids) expect((await call(t.url, 'POST', '/tags', admin, uaTag('ua-plant', id))).status).toBe(201);
    await eventually(() => status('ua-plant'), (s) => s.state === 'connected', 60_000);
    for (const id of ids) {
      const s = await eventually(() => latest(id), (l) => l?.quality === 'good', 30_000);
      expect(s).toMatchObject({ quality: 'good', value: expect.any(Number) });
    }
    expect(await status('ua-plant')).toMatchObject({ state: 'connected', last_error: null, requests_per_poll: ids.length });
  });

  it("browses the server's address space: the plant folder's variables, readable, with their units and ranges", async () => {
    const objects = await call(t.url, 'GET', '/devices/ua-plant/browse', admin);
    expect(objects.status).toBe(200);
    expect(objects.body.map((n: any) => n.node_id)).toEqual(expect.arrayContaining(['ns=1;s=Plant', 'ns=1;s=Types']));
    const plcs = await call(t.url, 'GET', '/devices/ua-plant/browse?node=ns%3D1%3Bs%3DPlant', admin);
    expect(plcs.body.map((n: any) => [n.node_id, n.node_class])).toEqual(plant.plcs.map((p) => [`ns=1;s=${p.id}`, 'Object']));
    const vars = await call(t.url, 'GET', `/devices/ua-plant/browse?node=${encodeURIComponent(`ns=1;s=${plant.plcs[1].id}`)}`, admin);
    expect(vars.status).toBe(200);
    expect(vars.body).toEqual(
      plant.plcs[1].tags.map((x) => ({
        node_id: opcuaNodeIdOf(x.sensor_id),
        browse_name: `1:${x.sensor_id}`,
        display_name: x.sensor_id,
        node_class: 'Variable',
        data_type: 'Double',
        value_rank: -1,
        readable: true,
        engineering_units: x.signal.unit,
        eu_range: { low: x.signal.min, high: x.signal.max },
      })),
    );
    const types = await call(t.url, 'GET', '/devices/ua-plant/browse?node=ns%3D1%3Bs%3DTypes', admin);
    expect(types.body.find((n: any) => n.node_id === 'ns=1;s=Types.DoubleArray')).toMatchObject({ readable: false, value_rank: 1 });
    expect(types.body.find((n: any) => n.node_id === 'ns=1;s=Types.UInt64')).toMatchObject({ readable: true });
  });

  it('browse refuses bad requests: 400 naming the field, 404 unknown device or node, 409 a Modbus device, 403 a non-admin', async () => {
    const bad = await call(t.url, 'GET', '/devices/ua-plant/browse?node=Plant', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'node' })]);
    const extra = await call(t.url, 'GET', '/devices/ua-plant/browse?depth=2', admin);
    expect(extra.status).toBe(400);
    expect(extra.body.details[0]).toMatchObject({ field: 'depth' });
    expect((await call(t.url, 'GET', '/devices/nope/browse', admin)).status).toBe(404);
    const unknownNode = await call(t.url, 'GET', '/devices/ua-plant/browse?node=ns%3D1%3Bs%3DNoSuchNode', admin);
    expect(unknownNode.status).toBe(404);
    expect(unknownNode.body.message).toContain('ns=1;s=NoSuchNode');
    expect((await call(t.url, 'POST', '/devices', admin, { id: 'plc-mb', name: 'Modbus', host: '127.0.0.1', port: 1502, unit_id: 1, enabled: false })).status).toBe(201);
    const modbus = await call(t.url, 'GET', '/devices/plc-mb/browse', admin);
    expect(modbus.status).toBe(409);
    expect(modbus.body.message).toMatch(/not OPC UA/);
    expect((await call(t.url, 'GET', '/devices/ua-plant/browse', viewer)).status).toBe(403);
    expect((await call(t.url, 'GET', '/opcua/certificates', viewer)).status).toBe(403);
    expect((await call(t.url, 'POST', `/opcua/certificates/${'a'.repeat(40)}/trust`, viewer)).status).toBe(403);
  });

  it('a server that goes away raises a comm-failure alarm for the device, cleared without intervention when it is back', async () => {
    await sim.control('POST', '/opcua/stop');
    const down = await eventually(() => alarm('ua-plant'), (a) => a?.state === 'unack_active', 60_000);
    expect(down).toMatchObject({ id: 'device:ua-plant|comm_failure', state: 'unack_active' });
    expect(await status('ua-plant')).toMatchObject({ state: 'comm_failure', connected: false });
    await sim.control('POST', '/opcua/start');
    await eventually(() => status('ua-plant'), (s) => s.state === 'connected', 90_000);
    const cleared = await eventually(() => alarm('ua-plant'), (a) => a?.state !== 'unack_active', 30_000);
    expect(cleared.state).toBe('unack_rtn');
    const id = plant.plcs[0].tags[0].sensor_id;
    const before = (await latest(id)).timestamp;
    expect(await eventually(() => latest(id), (l) => l?.quality === 'good' && l.timestamp > before, 30_000)).toMatchObject({ quality: 'good' });
  });

  it('SignAndEncrypt: refused with a status naming the certificate; the admin trusts it through the API and samples flow at once', async () => {
    const id = plant.plcs[1].tags[0].sensor_id;
    expect((await call(t.url, 'POST', '/devices', admin, uaDevice('ua-secure', { security_mode: 'SignAndEncrypt', security_policy: 'Basic256Sha256' }))).status).toBe(201);
    expect((await call(t.url, 'POST', '/tags', admin, uaTag('ua-secure', id))).status).toBe(201);
    // A few refusals, so the next retry is seconds away (the backoff doubles from 500 ms).
    const refused = await eventually(() => status('ua-secure'), (s) => s.errors >= 3 && /BadCertificateUntrusted/.test(s.last_error ?? ''), 90_000);
    const thumbprint = /server certificate ([0-9a-f]{40}) of /.exec(refused.last_error)?.[1];
    expect(thumbprint).toBeDefined();
    expect(refused.last_error).toContain(`/opcua/certificates/${thumbprint}/trust`);
    expect(refused.state).toBe('comm_failure');

    const list = await call(t.url, 'GET', '/opcua/certificates', admin);
    expect(list.status).toBe(200);
    expect(list.body.own).toMatchObject({ thumbprint: expect.stringMatching(/^[0-9a-f]{40}$/), subject: expect.stringContaining('CN=') });
    expect(list.body.certificates).toEqual([expect.objectContaining({ thumbprint, status: 'rejected', subject: expect.stringContaining('CN=') })]);

    const badTp = await call(t.url, 'POST', '/opcua/certificates/xyz/trust', admin);
    expect(badTp.status).toBe(400);
    expect(badTp.body.details[0]).toMatchObject({ field: 'thumbprint' });
    expect((await call(t.url, 'POST', `/opcua/certificates/${'0'.repeat(40)}/trust`, admin)).status).toBe(404);

    const trusted = await call(t.url, 'POST', `/opcua/certificates/${thumbprint}/trust`, admin);
    expect(trusted.status).toBe(200);
    expect(trusted.body).toMatchObject({ thumbprint, status: 'trusted' });
    expect(warnings.some((w) => w.includes(`${thumbprint}`) && w.includes('trusted by admin.opcua'))).toBe(true);
    const up = await eventually(() => status('ua-secure'), (s) => s.state === 'connected', 60_000);
    // A new connection opened by the trust action (its counters start over), not the old one's next backoff.
    expect(up.errors).toBeLessThan(refused.errors);
    expect(await eventually(() => latest(id), (l) => l?.quality === 'good', 30_000)).toMatchObject({ quality: 'good' });
    expect((await call(t.url, 'GET', '/opcua/certificates', admin)).body.certificates).toEqual([expect.objectContaining({ thumbprint, status: 'trusted' })]);

    // Rejecting it again is audited too; the next connect of the device is refused.
    const rejected = await call(t.url, 'POST', `/opcua/certificates/${thumbprint}/reject`, admin);
    expect(rejected.body).toMatchObject({ thumbprint, status: 'rejected' });
    expect(warnings.some((w) => w.includes(`${thumbprint}`) && w.includes('rejected by admin.opcua'))).toBe(true);
  });

  it("node-opcua's own log lines (e.g. the untrusted certificate chain) went to the app's logger, not the console", () => {
    // node-opcua's lines start "HH:MM:SS.mmmZ :<file> :<line>"; node-opcua-crypto's one-off Node-version notice
    // (verify_pcks1) has a console of its own and is left.
    const fromNodeOpcua = consoleLines.filter((l) => /^\d\d:\d\d:\d\d\.\d{3}Z :/.test(l) && !/:verify_pcks1 /.test(l));
    expect(fromNodeOpcua).toEqual([]);
  });

  it('never sent the server a service that changes it', async () => {
    const server = await sim.requests();
    expect(server.CreateMonitoredItemsRequest).toBeGreaterThan(0);
    expect(server.BrowseRequest).toBeGreaterThan(0);
    for (const type of ['WriteRequest', 'CallRequest', 'HistoryUpdateRequest', 'AddNodesRequest', 'DeleteNodesRequest']) expect([type, server[type] ?? 0]).toEqual([type, 0]);
  });
});
