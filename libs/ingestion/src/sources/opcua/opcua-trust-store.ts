import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { OpcuaCertificateDto } from '@idm/contracts';
import type { OPCUACertificateManager } from 'node-opcua';

export type OpcuaCertificateInfo = OpcuaCertificateDto;

/**
 * The server certificates IDM has met, for an admin to trust or untrust. A certificate IDM does not know
 * is never accepted: node-opcua files it under `rejected/` and the connection fails with
 * BadCertificateUntrusted until an admin trusts it here (it moves to `trusted/certs/`).
 */
export class OpcuaTrustStore {
  constructor(private readonly cm: OPCUACertificateManager) {}

  async list(): Promise<OpcuaCertificateInfo[]> {
    await this.cm.initialize();
    const [trusted, rejected] = await Promise.all([this.read(this.cm.trustedFolder, 'trusted'), this.read(this.cm.rejectedFolder, 'rejected')]);
    return [...trusted, ...rejected];
  }

  /** Trusts a certificate from the list; false when no certificate has that thumbprint. */
  async trust(thumbprint: string): Promise<boolean> {
    const cert = await this.find(thumbprint);
    if (!cert) return false;
    await this.cm.trustCertificate(cert);
    return true;
  }

  /** Moves a trusted certificate back to the rejected ones: connections with it fail from the next connect. */
  async untrust(thumbprint: string): Promise<boolean> {
    const cert = await this.find(thumbprint);
    if (!cert) return false;
    await this.cm.rejectCertificate(cert);
    return true;
  }

  private async find(thumbprint: string): Promise<Buffer | null> {
    const want = normalise(thumbprint);
    await this.cm.initialize();
    for (const folder of [this.cm.rejectedFolder, this.cm.trustedFolder]) {
      for (const { x509 } of await this.certsIn(folder)) if (normalise(x509.fingerprint) === want) return x509.raw;
    }
    return null;
  }

  private async read(folder: string, status: OpcuaCertificateInfo['status']): Promise<OpcuaCertificateInfo[]> {
    return (await this.certsIn(folder)).map(({ x509 }) => ({
      thumbprint: normalise(x509.fingerprint),
      subject: x509.subject.replace(/\n/g, ', '),
      issuer: x509.issuer.replace(/\n/g, ', '),
      valid_from: new Date(x509.validFrom).toISOString(),
      valid_to: new Date(x509.validTo).toISOString(),
      status,
    }));
  }

  private async certsIn(folder: string): Promise<{ file: string; x509: X509Certificate }[]> {
    const names = await fs.readdir(folder).catch(() => [] as string[]);
    const out: { file: string; x509: X509Certificate }[] = [];
    for (const name of names.filter((n) => /\.(pem|der)$/i.test(n))) {
      const file = path.join(folder, name);
      try {
        out.push({ file, x509: new X509Certificate(await fs.readFile(file)) });
      } catch {
        // Not a certificate (a stray file): not listed.
      }
    }
    return out;
  }
}

function normalise(thumbprint: string): string {
  return thumbprint.replace(/[^0-9a-f]/gi, '').toLowerCase();
}
