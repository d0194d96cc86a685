import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { OpcuaDeviceDto } from '@idm/contracts';
import { OPCUACertificateManager } from 'node-opcua';
import type { BackoffOptions } from '../backoff';
import type { SourceCarryOver, SourceDeps, SourceDriver } from '../source-driver';
import { browseChildren, OpcuaBrowseNode, OPCUA_OBJECTS_FOLDER } from './browse';
import { describeOpcuaError, identityOf, opcuaClientFor } from './opcua-client';
import { OpcuaConnection, OpcuaTag } from './opcua-connection';
import { ensureOwnCertificate, OpcuaClientIdentity, OwnCertificateNames, ownCertificateFile } from './opcua-own-certificate';
import { OpcuaTrustStore } from './opcua-trust-store';
import { ReadOnlySession } from './read-only-session';

export interface OpcuaSourceDriverOptions {
  /** IDM's OPC UA PKI folder (its own certificate and key, trusted and rejected server certificates). */
  pkiDir: string;
  /** The names IDM's certificate carries when it is made (default application name and organisation `IDM`). */
  certificateNames?: Partial<OwnCertificateNames>;
  backoff?: BackoffOptions;
  failAfter?: number;
  maxPendingSamples?: number;
  onRequest?(device: OpcuaDeviceDto, requestType: string): void;
}

/** The server could not be reached or refused the session (the message says why, e.g. the certificate to trust). */
export class OpcuaServerUnreachableError extends Error {}

/** Where IDM keeps its OPC UA certificates: `DATA_DIR/opcua/pki`. */
export function opcuaPkiDir(dataDir: string): string {
  return path.join(dataDir, 'opcua', 'pki');
}

/**
 * The OPC UA source: one subscription per server. IDM's application certificate is made on first use in
 * the PKI folder, with IDM's names, and kept; server certificates are never accepted automatically (an admin trusts them
 * through `trustStore`).
 */
export class OpcuaSourceDriver implements SourceDriver<OpcuaDeviceDto, OpcuaTag> {
  readonly protocol = 'opcua' as const;
  readonly certificateManager: OPCUACertificateManager;
  readonly trustStore: OpcuaTrustStore;
  private ready: Promise<OpcuaClientIdentity> | null = null;

  constructor(private readonly opts: OpcuaSourceDriverOptions) {
    this.certificateManager = new OPCUACertificateManager({ rootFolder: opts.pkiDir, automaticallyAcceptUnknownCertificate: false });
    this.trustStore = new OpcuaTrustStore(this.certificateManager);
  }

  open(device: OpcuaDeviceDto, tags: readonly OpcuaTag[], deps: SourceDeps<OpcuaDeviceDto>, carry?: SourceCarryOver): OpcuaConnection {
    return new OpcuaConnection(device, tags, deps, { identity: () => this.identity(), backoff: this.opts.backoff, failAfter: this.opts.failAfter, maxPendingSamples: this.opts.maxPendingSamples, onRequest: this.opts.onRequest }, carry);
  }

  describe(device: OpcuaDeviceDto, tags: readonly OpcuaTag[]): string {
    return `${device.endpoint_url} (${device.security_mode}/${device.security_policy}): ${tags.length} monitored items at ${device.publishing_interval_ms} ms`;
  }

  /** IDM's PKI and names, its certificate made on the first call (a failed try is tried again on the next). */
  identity(): Promise<OpcuaClientIdentity> {
    const names = { applicationName: 'IDM', organization: 'IDM', ...this.opts.certificateNames };
    this.ready ??= ensureOwnCertificate(this.certificateManager, names).catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  /** The Objects and Variables below `nodeId` on the device's server (a short session of its own). */
  async browse(device: OpcuaDeviceDto, nodeId = OPCUA_OBJECTS_FOLDER): Promise<OpcuaBrowseNode[]> {
    const identity = await this.identity();
    const client = opcuaClientFor(device, identity);
    try {
      let ro: ReadOnlySession;
      try {
        await client.connect(device.endpoint_url);
        ro = new ReadOnlySession(await client.createSession(identityOf(device)));
      } catch (err) {
        throw new OpcuaServerUnreachableError(await describeOpcuaError(err, device, identity));
      }
      try {
        return await browseChildren(ro, nodeId);
      } finally {
        await ro.close().catch(() => undefined);
      }
    } finally {
      await client.disconnect().catch(() => undefined);
    }
  }

  /** IDM's own application certificate as servers see it (made now if it is not yet); null if it cannot be. */
  async ownCertificate(): Promise<{ thumbprint: string; subject: string; valid_to: string } | null> {
    if (!(await this.identity().catch(() => null))) return null;
    const file = ownCertificateFile(this.certificateManager);
    try {
      const x509 = new X509Certificate(await fs.readFile(file));
      return { thumbprint: x509.fingerprint.replace(/:/g, '').toLowerCase(), subject: x509.subject.replace(/\n/g, ', '), valid_to: new Date(x509.validTo).toISOString() };
    } catch {
      return null;
    }
  }

  /** Releases the certificate manager (its folder watchers); after every connection has stopped. */
  async close(): Promise<void> {
    await this.certificateManager.dispose();
  }

  /** Nest calls this after every module's onModuleDestroy, so the connections are stopped by then. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
