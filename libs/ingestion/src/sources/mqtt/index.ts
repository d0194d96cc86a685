import type { Provider } from '@nestjs/common';
import { AppConfig } from '@idm/core';
import { MqttSourceDriver } from './mqtt-source-driver';
import { mqttStateDir } from './sparkplug-host-store';

export { MqttSourceDriver } from './mqtt-source-driver';
export type { MqttSourceDriverOptions } from './mqtt-source-driver';
export { MqttConnection } from './mqtt-connection';
export type { MqttTag, MqttConnectionOptions, MqttSourceDeps, SparkplugScopeDeps } from './mqtt-connection';
export type { DiscoveredMetric } from './engine/sparkplug-host';
export { topicFilterError } from './engine/topic';
export { parseJsonPath } from './engine/json-path';
export { mqttBindingError, mqttDeviceError } from './engine/validate';
export { mqttStateDir, SparkplugHostStore } from './sparkplug-host-store';

/**
 * The MQTT driver as a Nest provider (Sparkplug host state under `DATA_DIR/mqtt`). Register it in the
 * ingestion module's providers and hand it to the sources service; it holds no resources of its own (each
 * connection closes its client on stop).
 */
export function mqttSourceDriverProvider(): Provider {
  return { provide: MqttSourceDriver, inject: [AppConfig], useFactory: (config: AppConfig) => new MqttSourceDriver({ stateDir: mqttStateDir(config.dataDir) }) };
}
