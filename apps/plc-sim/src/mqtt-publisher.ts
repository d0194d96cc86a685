import { connect, MqttClient } from 'mqtt';
import type { Plant } from './plant';
import { SparkplugEdgeNode } from './sparkplug-edge-node';

export interface PlcSimMqttOptions {
  /** Broker, e.g. `mqtt://127.0.0.1:1893` (the one scripts/services.sh starts). */
  url: string;
  /** Sparkplug group of the plant's edge nodes (default `PlcSim`). */
  groupId?: string;
  /** How often new plant values are published (ms, default 1000). */
  updateMs?: number;
  /** Plain JSON topics `<prefix>/<plc id>/<sensor id>` with `{"value", "ts"}` (default prefix `plc-sim`). */
  plainPrefix?: string;
  /** How many tags of each PLC also go out as plain JSON (default 3; 0 = none). */
  plainTagsPerPlc?: number;
}

/** The Sparkplug device behind each PLC's edge node. */
export const SIM_SPARKPLUG_DEVICE = 'io';

/**
 * The plant over MQTT: each PLC is a Sparkplug B edge node (id = PLC id) with one device `io` whose
 * metrics are the PLC's tags (alias = tag index + 1, `engUnit` = the tag's unit), sending DDATA by
 * exception. A PLC told to stop answering or to reboot (the fault API) sends its NDEATH and comes back
 * with new births when the fault ends. A few tags per PLC also go out as plain JSON.
 */
export class PlcSimMqtt {
  readonly nodes: SparkplugEdgeNode[];
  private plain: MqttClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(private readonly plant: Plant, private readonly opts: PlcSimMqttOptions) {
    const t = Date.now();
    this.nodes = plant.plcs.map(
      (plc) =>
        new SparkplugEdgeNode({
          url: opts.url,
          groupId: this.groupId,
          edgeNodeId: plc.id,
          devices: { [SIM_SPARKPLUG_DEVICE]: plc.tags.map((tag) => ({ name: tag.sensor_id, alias: tag.index + 1, unit: tag.signal.unit, value: plant.value(plc, tag, t) })) },
          dataQos: 1,
        }),
    );
  }

  get groupId(): string {
    return this.opts.groupId ?? 'PlcSim';
  }

  /** Plain JSON topic of a tag. */
  plainTopic(plcId: string, sensorId: string): string {
    return `${this.opts.plainPrefix ?? 'plc-sim'}/${plcId}/${sensorId}`;
  }

  async start(): Promise<void> {
    for (const [i, node] of this.nodes.entries()) if (!this.down(i)) await node.start();
    if ((this.opts.plainTagsPerPlc ?? 3) > 0) {
      this.plain = connect(this.opts.url, { clientId: `sim-plain-${process.pid}`, protocolVersion: 4 });
      this.plain.on('error', () => undefined); // reconnects by itself
    }
    this.timer = setInterval(() => void this.update(), this.opts.updateMs ?? 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.nodes.map((n) => n.stop().catch(() => undefined)));
    await this.plain?.endAsync().catch(() => undefined);
    this.plain = null;
  }

  private down(i: number): boolean {
    const f = this.plant.deviceFault(this.plant.plcs[i]);
    return f.stopped || f.offline;
  }

  private async update(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const t = Date.now();
    try {
      for (const [i, node] of this.nodes.entries()) {
        const plc = this.plant.plcs[i];
        if (this.down(i)) {
          if (node.online) await node.die();
          continue;
        }
        if (!node.online) await node.start();
        await node.data(SIM_SPARKPLUG_DEVICE, Object.fromEntries(plc.tags.map((tag) => [tag.sensor_id, this.plant.value(plc, tag, t)])), t);
        if (this.plain?.connected) {
          for (const tag of plc.tags.slice(0, this.opts.plainTagsPerPlc ?? 3)) {
            this.plain.publish(this.plainTopic(plc.id, tag.sensor_id), JSON.stringify({ value: this.plant.value(plc, tag, t), ts: t }), { qos: 1 });
          }
        }
      }
    } catch {
      // The broker is away: the nodes start again on a later update.
    } finally {
      this.busy = false;
    }
  }
}
