import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OPCUACertificateManager } from 'node-opcua';

/** How IDM presents itself to OPC UA servers: its PKI and the names its application certificate carries. */
export interface OpcuaClientIdentity {
  certificateManager: OPCUACertificateManager;
  applicationName: string;
  /** Must equal the URI in the certificate's subjectAltName (servers check it). */
  applicationUri: string;
}

export interface OwnCertificateNames {
  /** `OPCUA_APPLICATION_NAME`: the application name (CN `<name> <host>`, URI `urn:<host>:<name>`). */
  applicationName: string;
  /** `OPCUA_ORGANIZATION`: the certificate's O. */
  organization: string;
  hostname?: string;
}

/** IDM's application certificate in the PKI folder (where node-opcua's client looks for it). */
export function ownCertificateFile(cm: OPCUACertificateManager): string {
  return path.join(cm.rootDir, 'own', 'certs', 'client_certificate.pem');
}

/**
 * The subject of IDM's certificate, in node-opcua's `/K=V` form: without it node-opcua makes its own with its
 * authors' organisation ("O=Sterfive, L=Orleans"), which a server's administrator then sees for IDM. A CN is
 * at most 64 characters; `/` and `=` would end a component early, so they become `-`.
 */
export function ownCertificateSubject(names: OwnCertificateNames, hostname: string): string {
  const clean = (v: string) => v.replace(/[/=]/g, '-').trim();
  return `/CN=${clean(`${names.applicationName} ${hostname}`).slice(0, 64)}/O=${clean(names.organization)}`;
}

export const ownApplicationUri = (applicationName: string, hostname: string): string => `urn:${hostname}:${applicationName}`;

/**
 * Makes IDM's certificate on first use, named as configured, and answers the identity clients use. A
 * certificate already in the folder is kept (servers trust it by its thumbprint): its own application URI
 * is used, so it keeps matching what the clients announce even if the names were configured since.
 */
export async function ensureOwnCertificate(cm: OPCUACertificateManager, names: OwnCertificateNames): Promise<OpcuaClientIdentity> {
  await cm.initialize();
  const file = ownCertificateFile(cm);
  const hostname = names.hostname ?? os.hostname();
  const existing = await fs.readFile(file).catch(() => null);
  if (existing?.length) {
    const uri = /URI:([^,\s]+)/.exec(new X509Certificate(existing).subjectAltName ?? '')?.[1];
    return { certificateManager: cm, applicationName: names.applicationName, applicationUri: uri ?? ownApplicationUri(names.applicationName, hostname) };
  }
  const applicationUri = ownApplicationUri(names.applicationName, hostname);
  await cm.createSelfSignedCertificate({ applicationUri, dns: [hostname], subject: ownCertificateSubject(names, hostname), startDate: new Date(), validity: 365 * 10, outputFile: file });
  return { certificateManager: cm, applicationName: names.applicationName, applicationUri };
}
