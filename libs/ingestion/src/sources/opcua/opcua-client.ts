import { X509Certificate } from 'node:crypto';
import type { OpcuaDeviceDto } from '@idm/contracts';
import { MessageSecurityMode, OPCUAClient, OPCUAClientOptions, SecurityPolicy, UserIdentityInfo, UserTokenType } from 'node-opcua';
import type { OpcuaClientIdentity } from './opcua-own-certificate';

/** A node-opcua client for a device: its security, IDM's PKI and names, and one try per connect (callers retry with their own backoff). */
export function opcuaClientFor(device: OpcuaDeviceDto, identity: OpcuaClientIdentity, extra: Partial<OPCUAClientOptions> = {}): OPCUAClient {
  return OPCUAClient.create({
    applicationName: identity.applicationName,
    applicationUri: identity.applicationUri,
    endpointMustExist: false,
    securityMode: MessageSecurityMode[device.security_mode],
    securityPolicy: SecurityPolicy[device.security_policy],
    clientCertificateManager: identity.certificateManager,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 1000 },
    transportTimeout: device.timeout_ms,
    defaultTransactionTimeout: device.timeout_ms,
    ...extra,
  });
}

/** The device's login: user name and password, or anonymous when no user name is set. */
export function identityOf(device: OpcuaDeviceDto): UserIdentityInfo {
  return device.username ? { type: UserTokenType.UserName, userName: device.username, password: device.password ?? '' } : { type: UserTokenType.Anonymous };
}

/**
 * SHA-1 thumbprint (lower-case hex) of the certificate the device's server shows on the device's endpoint, read
 * with a discovery-only GetEndpoints over an unsecured channel (the refused client keeps none); null if that fails.
 */
export async function serverThumbprintOf(device: OpcuaDeviceDto, identity: OpcuaClientIdentity): Promise<string | null> {
  // IDM's PKI too: without one, node-opcua makes a certificate of its own in the user's home folder.
  const discovery = OPCUAClient.create({
    applicationName: identity.applicationName,
    applicationUri: identity.applicationUri,
    clientCertificateManager: identity.certificateManager,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0 },
    transportTimeout: device.timeout_ms,
  });
  try {
    await discovery.connect(device.endpoint_url);
    const endpoints = await discovery.getEndpoints();
    const match =
      endpoints.find((e) => e.securityMode === MessageSecurityMode[device.security_mode] && e.securityPolicyUri === SecurityPolicy[device.security_policy]) ??
      endpoints.find((e) => e.serverCertificate?.length);
    const der = match?.serverCertificate;
    return der?.length ? new X509Certificate(der).fingerprint.replace(/:/g, '').toLowerCase() : null;
  } catch {
    return null;
  } finally {
    await discovery.disconnect().catch(() => undefined);
  }
}

/** One line saying why a connect or a browse failed; an untrusted server certificate names the thumbprint to trust. */
export async function describeOpcuaError(err: unknown, device: OpcuaDeviceDto, identity: OpcuaClientIdentity): Promise<string> {
  const message = (err as Error)?.message ?? String(err);
  if (/BadCertificateUntrusted/.test(message)) {
    const thumbprint = await serverThumbprintOf(device, identity);
    return (
      `server certificate ${thumbprint ? `${thumbprint} ` : ''}of ${device.endpoint_url} is not trusted (BadCertificateUntrusted): ` +
      `an administrator must trust it among the rejected OPC UA certificates (POST /opcua/certificates/${thumbprint ?? '<thumbprint>'}/trust)`
    );
  }
  if (/BadIdentityTokenRejected|BadUserAccessDenied|BadIdentityTokenInvalid/.test(message)) {
    return `${device.endpoint_url} refused the ${device.username ? `user "${device.username}"` : 'anonymous login'}: ${message}`;
  }
  return message.split('\n')[0];
}
