import { MQTT_MODES, MqttDeviceDto, MqttTagBinding } from '@idm/contracts';
import { parseJsonPath } from './json-path';
import { topicFilterError } from './topic';

const SCHEMES = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];
/** Sparkplug ids are topic levels: no `/`, `+`, `#`. */
const badId = (v: string) => !v || /[/+#]/.test(v);

/**
 * What is wrong with an MQTT device, naming the field (for a 400 from the registry), or null. Only the
 * MQTT-specific fields; id, name and enabled are the registry's.
 */
export function mqttDeviceError(d: Partial<MqttDeviceDto>): string | null {
  let url: URL;
  try {
    url = new URL(d.broker_url ?? '');
  } catch {
    return `broker_url must be a URL such as mqtt://broker:1883 (got ${JSON.stringify(d.broker_url ?? '')})`;
  }
  if (!SCHEMES.includes(url.protocol)) return `broker_url must start with mqtt://, mqtts://, ws:// or wss:// (got ${url.protocol}//)`;
  if (!url.hostname) return 'broker_url must name a host';
  if (!d.client_id || d.client_id.length > 128) return 'client_id must be 1-128 characters (it names the persistent session)';
  if (!MQTT_MODES.includes(d.mode as never)) return 'mode must be plain or sparkplug';
  if (d.mode === 'sparkplug') {
    if (badId(d.group_id ?? '')) return 'group_id is required in sparkplug mode and must not contain /, + or #';
    if (d.host_id !== undefined && badId(d.host_id)) return 'host_id must not be empty or contain /, + or #';
  }
  if (d.password !== undefined && d.username === undefined) return 'password needs a username';
  if ((d.tls_cert === undefined) !== (d.tls_key === undefined)) return 'tls_cert and tls_key go together (a client certificate and its key)';
  if (d.tls_ca !== undefined || d.tls_cert !== undefined) {
    if (url.protocol !== 'mqtts:' && url.protocol !== 'wss:') return 'tls_ca/tls_cert need an mqtts:// or wss:// broker_url';
  }
  if (typeof d.timeout_ms !== 'number' || !Number.isInteger(d.timeout_ms) || d.timeout_ms < 500 || d.timeout_ms > 600_000) return 'timeout_ms must be an integer 500..600000';
  return null;
}

/** What is wrong with a tag's MQTT binding for the device's mode, naming the field, or null. */
export function mqttBindingError(mode: MqttDeviceDto['mode'], b: MqttTagBinding): string | null {
  if (mode === 'sparkplug') {
    if (badId(b.edge_node_id ?? '')) return 'source.edge_node_id is required and must not contain /, + or #';
    if (b.device_id !== undefined && badId(b.device_id)) return 'source.device_id must not be empty or contain /, + or #';
    if (!b.metric) return 'source.metric is required (the metric name from the birth)';
    if (b.topic !== undefined || b.value_path !== undefined) return 'source.topic and source.value_path are for plain mode; a Sparkplug tag names edge_node_id, device_id and metric';
    return null;
  }
  const topicError = topicFilterError(b.topic ?? '');
  if (topicError) return `source.topic: ${topicError}`;
  for (const key of ['value_path', 'timestamp_path'] as const) {
    if (b[key] === undefined) continue;
    try {
      parseJsonPath(b[key]!);
    } catch (err) {
      return `source.${key}: ${(err as Error).message}`;
    }
  }
  if (b.edge_node_id !== undefined || b.metric !== undefined) return 'source.edge_node_id and source.metric are for sparkplug mode';
  return null;
}
