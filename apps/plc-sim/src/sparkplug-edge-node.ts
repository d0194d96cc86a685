import { connect, MqttClient } from 'mqtt';
import { get as sparkplugCodec } from 'sparkplug-payload';

export interface EdgeMetricSpec {
  name: string;
  alias: number;
  /** Engineering unit, sent as the metric's `engUnit` property in the birth. */
  unit?: string;
  value: number;
}

export interface EdgeNodeOptions {
  url: string;
  groupId: string;
  edgeNodeId: string;
  /** Devices behind the node and their metrics (aliases unique across the node, as Sparkplug requires). */
  devices: Record<string, EdgeMetricSpec[]>;
  nodeMetrics?: EdgeMetricSpec[];
  /** QoS of NDATA/DDATA: Sparkplug 3.0 says 0; 1 lets a host's persistent session keep them. */
  dataQos?: 0 | 1;
  /** Answer the host's `Node Control/Rebirth` NCMD (default true). */
  answerRebirth?: boolean;
}

const codec = () => sparkplugCodec('spBv1.0')!;

/**
 * A Sparkplug B 3.0 edge node (the simulator's, and the tests'): NBIRTH and DBIRTHs with aliases and
 * engineering units on every connect, DDATA by alias and by exception, NDEATH as its MQTT will (and
 * published when it is told to fail), a fresh bdSeq per session, seq 0..255 shared by node and devices,
 * and a rebirth when the host sends the `Node Control/Rebirth` NCMD.
 */
export class SparkplugEdgeNode {
  private client: MqttClient | null = null;
  private seq = 0;
  private bdSeq = 0;
  private readonly values = new Map<string, number>();
  rebirthRequests = 0;
  births = 0;

  constructor(readonly opts: EdgeNodeOptions) {
    for (const ms of [opts.nodeMetrics ?? [], ...Object.values(opts.devices)]) for (const m of ms) this.values.set(m.name, m.value);
  }

  /** Connected with its births sent (until `die()`). */
  get online(): boolean {
    return this.client !== null;
  }

  private topic(type: string, device?: string): string {
    return ['spBv1.0', this.opts.groupId, type, this.opts.edgeNodeId, ...(device ? [device] : [])].join('/');
  }

  private ndeath(bdSeq: number): Buffer {
    return Buffer.from(codec().encodePayload({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: bdSeq }] }));
  }

  /** Connects (a new session with the next bdSeq) and publishes the births. */
  async start(): Promise<void> {
    const bdSeq = this.bdSeq;
    const client = connect(this.opts.url, {
      clientId: `sim-${this.opts.groupId}-${this.opts.edgeNodeId}-${process.pid}`,
      clean: true,
      reconnectPeriod: 0,
      protocolVersion: 4,
      will: { topic: this.topic('NDEATH'), payload: this.ndeath(bdSeq), qos: 1, retain: false },
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (err) => (client.end(true), reject(err)));
    });
    this.client = client;
    client.on('message', (topic, payload) => {
      if (topic !== this.topic('NCMD')) return;
      try {
        const p = codec().decodePayload(payload);
        if (p.metrics?.some((m) => m.name === 'Node Control/Rebirth' && m.value === true)) {
          this.rebirthRequests++;
          if (this.opts.answerRebirth !== false) void this.birth();
        }
      } catch {
        // not a Sparkplug payload: ignored, as an edge node must
      }
    });
    await client.subscribeAsync(this.topic('NCMD'), { qos: 1 });
    await this.birth();
  }

  private metricsOf(specs: EdgeMetricSpec[], withNames: boolean, ts: number) {
    return specs.map((m) => ({
      ...(withNames ? { name: m.name } : {}),
      alias: m.alias,
      type: 'Double' as const,
      value: this.values.get(m.name) ?? m.value,
      timestamp: ts,
      ...(withNames && m.unit ? { properties: { engUnit: { type: 'String' as const, value: m.unit } } } : {}),
    }));
  }

  /** NBIRTH (seq 0, this session's bdSeq) and every DBIRTH. */
  async birth(): Promise<void> {
    const ts = Date.now();
    this.seq = 0;
    this.births++;
    const nodeMetrics = [
      { name: 'bdSeq', type: 'UInt64' as const, value: this.bdSeq },
      { name: 'Node Control/Rebirth', type: 'Boolean' as const, value: false },
      ...this.metricsOf(this.opts.nodeMetrics ?? [], true, ts),
    ];
    await this.send(this.topic('NBIRTH'), { timestamp: ts, seq: this.nextSeq(), metrics: nodeMetrics }, 0);
    for (const [dev, specs] of Object.entries(this.opts.devices)) {
      await this.send(this.topic('DBIRTH', dev), { timestamp: ts, seq: this.nextSeq(), metrics: this.metricsOf(specs, true, ts) }, 0);
    }
  }

  /** DDATA with the metrics that changed (by exception: equal values are not sent), by alias. */
  async data(device: string, changes: Record<string, number>, timestamp = Date.now()): Promise<number> {
    const specs = this.opts.devices[device].filter((m) => m.name in changes && changes[m.name] !== this.values.get(m.name));
    if (!specs.length) return 0;
    for (const m of specs) this.values.set(m.name, changes[m.name]);
    await this.send(this.topic('DDATA', device), { timestamp, seq: this.nextSeq(), metrics: this.metricsOf(specs, false, timestamp) }, this.opts.dataQos ?? 0);
    return specs.length;
  }

  /** Loses `n` sequence numbers, as if messages were lost on the way (tests of the host's gap detection). */
  skipSeq(n = 1): void {
    for (let i = 0; i < n; i++) this.nextSeq();
  }

  /** Publishes a payload as is (tests of malformed messages). */
  async raw(type: string, device: string | undefined, payload: Buffer): Promise<void> {
    await this.client!.publishAsync(this.topic(type, device), payload, { qos: 1 });
  }

  /** Told to fail: NDEATH with this session's bdSeq, then gone; the next `start()` is a new session. */
  async die(): Promise<void> {
    const client = this.client;
    if (!client) return;
    await client.publishAsync(this.topic('NDEATH'), this.ndeath(this.bdSeq), { qos: 1 });
    this.bdSeq = (this.bdSeq + 1) % 256;
    await client.endAsync(true);
    this.client = null;
  }

  async stop(): Promise<void> {
    await this.die();
  }

  private nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) % 256;
    return s;
  }

  private async send(topic: string, payload: Parameters<ReturnType<typeof codec>['encodePayload']>[0], qos: 0 | 1): Promise<void> {
    await this.client!.publishAsync(topic, Buffer.from(codec().encodePayload(payload)), { qos });
  }
}
