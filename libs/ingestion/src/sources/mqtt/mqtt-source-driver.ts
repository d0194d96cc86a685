import { Logger } from '@nestjs/common';
import type { MqttDeviceDto } from '@idm/contracts';
import type { SourceCarryOver, SourceDeps, SourceDriver } from '../source-driver';
import type { DiscoveredMetric, SparkplugHost } from './engine/sparkplug-host';
import { MqttConnection, MqttConnectionOptions, MqttSourceDeps, MqttTag } from './mqtt-connection';
import { SparkplugHostStore } from './sparkplug-host-store';

export interface MqttSourceDriverOptions extends MqttConnectionOptions {
  /** Where each device's Sparkplug host state is kept across process restarts (`DATA_DIR/mqtt`); none: memory only. */
  stateDir?: string;
}

/**
 * The MQTT source: one persistent session per broker device, plain topics or a Sparkplug B group. Keeps
 * its live connections so the metrics discovered from births can be listed for adoption into the registry.
 */
export class MqttSourceDriver implements SourceDriver<MqttDeviceDto, MqttTag> {
  readonly protocol = 'mqtt' as const;
  private readonly live = new Map<string, MqttConnection>();
  /**
   * The Sparkplug host state of each device's last connection. The sources service restarts a connection
   * when the device or its tags change; the next one reads the persistent session's queued data by the
   * aliases already learnt instead of asking every edge node for a rebirth (and losing that data).
   */
  private readonly hosts = new Map<string, SparkplugHost>();

  private readonly store: SparkplugHostStore | null;

  constructor(private readonly opts: MqttSourceDriverOptions = {}) {
    const log = new Logger('MqttSourceDriver');
    this.store = opts.stateDir ? new SparkplugHostStore(opts.stateDir, (m) => log.warn(m)) : null;
  }

  /** `deps` may carry `scopeFailed`/`scopeRestored` (Sparkplug node and device deaths, one report each). */
  open(device: MqttDeviceDto, tags: readonly MqttTag[], deps: SourceDeps<MqttDeviceDto> & MqttSourceDeps, carry?: SourceCarryOver): MqttConnection {
    const store = this.store;
    // After a process restart the births are known from the disk, not from a previous connection.
    let host = this.hosts.get(device.id);
    if (!host && store && device.mode === 'sparkplug') host = store.load(device.id, device.group_id ?? '', []) ?? undefined;
    const save = store ? (h: SparkplugHost) => store.save(device.id, h) : undefined;
    const conn = new MqttConnection(device, tags, deps, this.opts, carry, { host, ...(save ? { save } : {}) });
    this.live.set(device.id, conn);
    const taken = conn.sparkplugHost();
    if (taken) this.hosts.set(device.id, taken);
    else this.hosts.delete(device.id);
    const stop = conn.stop.bind(conn);
    conn.stop = async () => {
      if (this.live.get(device.id) === conn) this.live.delete(device.id);
      await stop();
    };
    return conn;
  }

  describe(device: MqttDeviceDto, tags: readonly MqttTag[]): string {
    const what = device.mode === 'sparkplug' ? `Sparkplug B group "${device.group_id}" as host "${device.host_id || 'idm'}"` : 'plain topics';
    return `${device.broker_url} (${what}, client id "${device.client_id}"): ${tags.length} tags`;
  }

  /** Metrics the edge nodes announced in their births on this device's broker (empty while not connected). */
  discovered(deviceId: string): DiscoveredMetric[] {
    return this.live.get(deviceId)?.discovered() ?? [];
  }
}
