import type { OpcuaDeviceDto } from '@idm/contracts';
import { MessageSecurityMode, OPCUACertificateManager, OPCUAClient, OPCUAClientOptions, SecurityPolicy, UserIdentityInfo, UserTokenType } from 'node-opcua';

/** A node-opcua client for a device: its security, IDM's PKI, and one try per connect (callers retry with their own backoff). */
export function opcuaClientFor(device: OpcuaDeviceDto, certificateManager: OPCUACertificateManager, extra: Partial<OPCUAClientOptions> = {}): OPCUAClient {
  return OPCUAClient.create({
    applicationName: 'IDM',
    endpointMustExist: false,
    securityMode: MessageSecurityMode[device.security_mode],
    securityPolicy: SecurityPolicy[device.security_policy],
    clientCertificateManager: certificateManager,
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
