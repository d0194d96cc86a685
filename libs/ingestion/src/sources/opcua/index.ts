import { Logger, type Provider } from '@nestjs/common';
import { AppConfig } from '@idm/core';
import { routeOpcuaLogs } from './opcua-logging';
import { OpcuaSourceDriver, opcuaPkiDir } from './opcua-source-driver';

export { OpcuaServerUnreachableError, OpcuaSourceDriver, opcuaPkiDir } from './opcua-source-driver';
export type { OpcuaSourceDriverOptions } from './opcua-source-driver';
export { OpcuaConnection } from './opcua-connection';
export type { OpcuaTag, OpcuaConnectionOptions } from './opcua-connection';
export { OpcuaTrustStore } from './opcua-trust-store';
export { OpcuaCertificatesController } from './opcua-certificates.controller';
export type { OpcuaCertificateInfo } from './opcua-trust-store';
export type { OpcuaBrowseNode } from './browse';
export { nodeIdError } from './engine/node-id';
export { routeOpcuaLogs } from './opcua-logging';
export { dataChangeFilterFor } from './engine/deadband';

/**
 * The OPC UA driver as a Nest provider (PKI under `DATA_DIR/opcua/pki`). Register it in the ingestion
 * module's providers and hand it to the sources service; it closes its certificate manager itself at
 * application shutdown (after the modules' onModuleDestroy, where the connections stop). node-opcua's own log
 * lines go to the Nest logger (context `node-opcua`) instead of the console.
 */
export function opcuaSourceDriverProvider(): Provider {
  return {
    provide: OpcuaSourceDriver,
    inject: [AppConfig],
    useFactory: (config: AppConfig) => {
      routeOpcuaLogs(new Logger('node-opcua'));
      return new OpcuaSourceDriver({ pkiDir: opcuaPkiDir(config.dataDir), certificateNames: config.opcua });
    },
  };
}
