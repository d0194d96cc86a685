import type { MqttClient } from 'mqtt';
import { get as sparkplugCodec } from 'sparkplug-payload';
import { SPARKPLUG_NAMESPACE } from './engine/sparkplug-types';

/** `spBv1.0/STATE/<host_id>`: where a Sparkplug 3.0 host application says whether it is online. */
export function stateTopic(hostId: string): string {
  return `${SPARKPLUG_NAMESPACE}/STATE/${hostId}`;
}

/** The STATE payload (Sparkplug 3.0: JSON, the death's timestamp is the birth's). */
export function statePayload(online: boolean, timestamp: number): string {
  return JSON.stringify({ online, timestamp });
}

/**
 * Everything IDM may ever publish to a broker, and nothing else: its own host STATE (retained) and the
 * `Node Control/Rebirth` NCMD to an edge node. The connection holds only this, never the client's
 * `publish`, so no other message (a write to a device, a DCMD, a retained value) can leave IDM.
 */
export interface HostPublisher {
  state(hostId: string, online: boolean, timestamp: number): Promise<void>;
  rebirth(groupId: string, edgeNodeId: string, timestamp: number): Promise<void>;
}

export function hostPublisher(client: Pick<MqttClient, 'publishAsync'>): HostPublisher {
  const codec = sparkplugCodec('spBv1.0')!;
  return {
    async state(hostId, online, timestamp) {
      await client.publishAsync(stateTopic(hostId), statePayload(online, timestamp), { qos: 1, retain: true });
    },
    async rebirth(groupId, edgeNodeId, timestamp) {
      const payload = codec.encodePayload({ timestamp, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] });
      // Sparkplug 3.0: NCMD is QoS 0, never retained.
      await client.publishAsync(`${SPARKPLUG_NAMESPACE}/${groupId}/NCMD/${edgeNodeId}`, Buffer.from(payload), { qos: 0, retain: false });
    },
  };
}
