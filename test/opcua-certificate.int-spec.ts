import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OpcuaDeviceDto } from '@idm/contracts';
import { OpcuaSourceDriver } from '@idm/ingestion/sources/opcua';
import { OPCUACertificateManager } from 'node-opcua';
import { opcuaNodeIdOf } from '../apps/plc-sim/src/opcua-server';
import { Plant } from '../apps/plc-sim/src/plant';
import { eventually } from './support/modbus';
import { OpcuaSimProcess, startOpcuaSim } from './support/opcua-sim';

/**
 * IDM's own OPC UA application certificate names IDM (node-opcua's default subject names its authors,
 * "O=Sterfive, L=Orleans", which a server's administrator saw for IDM), and one already in the PKI folder is
 * kept and keeps working.
 */
describe("IDM's OPC UA application certificate", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'idm-opcua-cert-'));
  const plant = new Plant({ plcs: 1, tagsPerPlc: 2, seed: 3, layout: 'units', basePort: 0 });
  const sensor = plant.plcs[0].tags[0].sensor_id;
  const host = os.hostname();
  let sim: OpcuaSimProcess;
  const drivers: OpcuaSourceDriver[] = [];

  beforeAll(async () => {
    sim = await startOpcuaSim({ plcs: 1, tags: 2, seed: 3, pkiDir: path.join(tmp, 'sim-pki') });
  });
  afterAll(async () => {
    await sim?.stop();
    for (const d of drivers) await d.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const device: OpcuaDeviceDto = {
    id: 'ua-cert', name: 'UA cert', protocol: 'opcua', endpoint_url: '', security_mode: 'SignAndEncrypt', security_policy: 'Basic256Sha256',
    publishing_interval_ms: 200, timeout_ms: 2000, enabled: true,
  };
  const ownFile = (pki: string) => path.join(pki, 'own', 'certs', 'client_certificate.pem');
  const thumbprint = (pem: Buffer) => new X509Certificate(pem).fingerprint.replace(/:/g, '').toLowerCase();

  /** Connects signed and encrypted (trusting the simulator's certificate once IDM has refused it) until a good value arrives. */
  async function connectSecurely(driver: OpcuaSourceDriver): Promise<void> {
    let good = false;
    const failed: string[] = [];
    const conn = driver.open({ ...device, endpoint_url: sim.endpointUrl }, [{ sensor_id: sensor, scale: 1, offset: 0, source: { node_id: opcuaNodeIdOf(sensor) } }], {
      publish: async (batch) => void (good ||= batch.some((s) => s.quality === 'good')),
      commFailed: (_d, _at, reason) => void failed.push(reason),
      commRestored: () => undefined,
      onError: () => undefined,
    });
    conn.start();
    try {
      const rejected = await eventually(async () => (await driver.trustStore.list()).filter((c) => c.status === 'rejected'), (r) => r.length === 1, 30000);
      expect(await driver.trustStore.trust(rejected[0].thumbprint)).toBe(true);
      expect(await eventually(() => good, (g) => g, 60000)).toBe(true);
    } finally {
      await conn.stop();
    }
  }
  /** Thumbprints of the client certificates the simulator's server was shown (it accepts every one). */
  const seenBySim = () => {
    const dir = path.join(tmp, 'sim-pki', 'trusted', 'certs');
    return readdirSync(dir).map((f) => thumbprint(readFileSync(path.join(dir, f))));
  };

  it('is made naming IDM and its host, with the application URI the client announces, and is the one servers are shown', async () => {
    const pki = path.join(tmp, 'fresh-pki');
    const driver = new OpcuaSourceDriver({ pkiDir: pki, backoff: { baseMs: 200, maxMs: 1000, jitter: 0.3 } });
    drivers.push(driver);
    const identity = await driver.identity();
    const cert = new X509Certificate(readFileSync(ownFile(pki)));
    expect(cert.subject.split('\n').sort()).toEqual([`CN=IDM ${host}`, 'O=IDM']);
    expect(cert.subject).not.toMatch(/Sterfive|Orleans/);
    expect(cert.subjectAltName).toContain(`URI:urn:${host}:IDM`);
    expect(identity).toMatchObject({ applicationName: 'IDM', applicationUri: `urn:${host}:IDM` });
    expect(await driver.ownCertificate()).toMatchObject({ subject: expect.stringContaining(`CN=IDM ${host}`), thumbprint: thumbprint(readFileSync(ownFile(pki))) });

    await connectSecurely(driver);
    expect(seenBySim()).toContain(thumbprint(readFileSync(ownFile(pki))));
    // The simulator's server certificate, which an admin trusts in IDM, names IDM's simulator too.
    const server = (await driver.trustStore.list())[0].subject;
    expect(server).toContain(`CN=IDM PLC simulator@${host}`);
    expect(server).toContain('O=IDM');
    expect(server).not.toMatch(/Sterfive|Orleans/);
  });

  it('configured names go into a new certificate; one already in the PKI folder is kept, with its own URI, and keeps working', async () => {
    const named = path.join(tmp, 'named-pki');
    const namedDriver = new OpcuaSourceDriver({ pkiDir: named, certificateNames: { applicationName: 'IDM-Line3', organization: 'ACME Water' } });
    drivers.push(namedDriver);
    expect(await namedDriver.identity()).toMatchObject({ applicationName: 'IDM-Line3', applicationUri: `urn:${host}:IDM-Line3` });
    expect(new X509Certificate(readFileSync(ownFile(named))).subject.split('\n').sort()).toEqual([`CN=IDM-Line3 ${host}`, 'O=ACME Water']);

    // A certificate made before (here: node-opcua's defaults, as IDM's first versions got).
    const old = path.join(tmp, 'old-pki');
    const cm = new OPCUACertificateManager({ rootFolder: old });
    await cm.initialize();
    await cm.createSelfSignedCertificate({ applicationUri: 'urn:old-host:IDM', dns: ['old-host'], subject: '/CN=IDM@old-host/O=Sterfive/L=Orleans/C=FR', startDate: new Date(), validity: 365, outputFile: ownFile(old) });
    await cm.dispose();
    const before = readFileSync(ownFile(old));

    const driver = new OpcuaSourceDriver({ pkiDir: old, backoff: { baseMs: 200, maxMs: 1000, jitter: 0.3 }, certificateNames: { applicationName: 'IDM-Line3' } });
    drivers.push(driver);
    expect((await driver.identity()).applicationUri).toBe('urn:old-host:IDM');
    await connectSecurely(driver);
    expect(readFileSync(ownFile(old)).equals(before)).toBe(true);
    expect(seenBySim()).toContain(thumbprint(before));
  });
});
