import type { DiscoveredMetric } from './engine/sparkplug-host';

/**
 * Runs a device's adoption rules after births, once per burst: an edge node coming online sends an NBIRTH
 * and a DBIRTH per device within milliseconds, and each adoption is a registry change that restarts the
 * device's connection, so the births of one burst are adopted together. Adoptions run one at a time, so two
 * bursts never adopt the same metric twice.
 */
export class SparkplugAutoAdopter {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly latest = new Map<string, DiscoveredMetric[]>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly adopt: (deviceId: string, metrics: DiscoveredMetric[]) => Promise<void>,
    private readonly onError: (deviceId: string, err: unknown) => void,
    private readonly settleMs = 300,
  ) {}

  birthsChanged(deviceId: string, metrics: DiscoveredMetric[]): void {
    this.latest.set(deviceId, metrics);
    if (this.timers.has(deviceId)) return;
    const timer = setTimeout(() => {
      this.timers.delete(deviceId);
      const m = this.latest.get(deviceId) ?? [];
      this.latest.delete(deviceId);
      this.chain = this.chain.then(() => this.adopt(deviceId, m)).catch((err: unknown) => this.onError(deviceId, err));
    }, this.settleMs);
    timer.unref();
    this.timers.set(deviceId, timer);
  }

  /** Drops what waits and resolves when the adoption under way (if any) is done. */
  async stop(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.latest.clear();
    await this.chain;
  }
}
