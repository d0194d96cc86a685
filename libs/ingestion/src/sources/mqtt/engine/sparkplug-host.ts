import { toNumber } from './plain-payload';
import type { SparkplugMetric, SparkplugPayload, SparkplugTopic } from './sparkplug-types';

/** A tag bound to a metric of an edge node (no `device_id`) or of one of its devices. */
export interface SparkplugBinding {
  sensor_id: string;
  edge_node_id: string;
  device_id?: string;
  metric: string;
}

/** A metric announced in a birth certificate: what adopting it into the registry needs. */
export interface DiscoveredMetric {
  edge_node_id: string;
  device_id?: string;
  name: string;
  alias?: number;
  datatype?: string;
  /** The `engUnit` property, when the edge node sends one. */
  unit?: string;
  properties: Record<string, unknown>;
}

export type HostEvent =
  /** `raw` null: the metric is null (value unavailable): a bad sample. */
  | { kind: 'sample'; sensor_id: string; raw: number | null; timestamp: number }
  | { kind: 'refused'; sensor_id: string; error: string; timestamp: number }
  /** A node or device died: all of its tags at once (one event, one alarm). */
  | { kind: 'offline'; scope: string; sensor_ids: string[]; at: number; reason: string }
  | { kind: 'online'; scope: string; sensor_ids: string[]; at: number }
  /** Ask this edge node for a rebirth (once until its next NBIRTH). */
  | { kind: 'rebirth'; edge_node_id: string; reason: string }
  /** Something in the stream was wrong (counted and logged; never thrown). */
  | { kind: 'error'; message: string };

interface Scope {
  born: boolean;
  /** Set when this scope's tags were reported offline, until its next birth reports them online. */
  failed: boolean;
  aliases: Map<number, string>;
  metrics: Map<string, DiscoveredMetric>;
}

interface NodeState extends Scope {
  bdSeq: number | null;
  seq: number | null;
  rebirthAsked: boolean;
  devices: Map<string, Scope>;
  /** What the last NDEATH reported (one report for the node and the devices that died with it), until the next NBIRTH. */
  died: { sensor_ids: string[]; devices: string[] } | null;
}

/** The host state as stored under `DATA_DIR/mqtt` (plain JSON; `version` changes when the shape does). */
export interface SparkplugHostSnapshot {
  version: 1;
  group_id: string;
  nodes: SnapshotNode[];
}
interface SnapshotScope {
  born: boolean;
  failed: boolean;
  /** The birth's metrics (their aliases are rebuilt from them). */
  metrics: DiscoveredMetric[];
}
interface SnapshotNode extends SnapshotScope {
  id: string;
  bdSeq: number | null;
  seq: number | null;
  died: { sensor_ids: string[]; devices: string[] } | null;
  devices: (SnapshotScope & { id: string })[];
}
export const SPARKPLUG_SNAPSHOT_VERSION = 1;

const emptyScope = (): Scope => ({ born: false, failed: false, aliases: new Map(), metrics: new Map() });
const scopeKey = (node: string, device?: string): string => (device === undefined ? node : `${node}/${device}`);
/** Birth metrics that are Sparkplug mechanics, not process values. */
const isControlMetric = (name: string): boolean => name === 'bdSeq' || name.startsWith('Node Control/') || name.startsWith('Device Control/');

/**
 * IDM's side of Sparkplug B 3.0 for one group: turns the messages of its edge nodes into samples and
 * comm-failure/restored events. Births register metrics (aliases, datatypes, properties); data resolves
 * aliases and takes the metric's own timestamp; NDEATH (when its bdSeq is the birth's: an older session's
 * will is ignored) and DDEATH fail all of the node's/device's tags in one event; the next birth restores
 * them. `seq` (0..255, wrapping, shared by a node and its devices) is tracked; a gap, an unknown alias or
 * data from a node or device never born asks the node for one rebirth, not one per message, until the
 * next NBIRTH. Pure: no I/O, time comes in with each message.
 */
export class SparkplugHost {
  private readonly nodes = new Map<string, NodeState>();
  /** scope key → metric name → sensor ids bound to it. */
  private readonly bindings = new Map<string, Map<string, string[]>>();
  /** Bumped by every birth and death: the stored snapshot is rewritten when it changes, not per data message. */
  private revisionCount = 0;

  constructor(readonly groupId: string, tags: readonly SparkplugBinding[]) {
    this.bind(tags);
  }

  /**
   * Binds another tag list, keeping what the births taught (a connection restarted for a tag change goes
   * on reading the nodes' data by alias, without asking them all for a rebirth).
   */
  bind(tags: readonly SparkplugBinding[]): void {
    // A rebirth asked by the connection this one replaces may have been answered while no client listened
    // (an NBIRTH is QoS 0, not kept in the session): the new connection may ask once more.
    for (const node of this.nodes.values()) node.rebirthAsked = false;
    this.bindings.clear();
    for (const t of tags) {
      const key = scopeKey(t.edge_node_id, t.device_id);
      const byMetric = this.bindings.get(key) ?? new Map<string, string[]>();
      byMetric.set(t.metric, [...(byMetric.get(t.metric) ?? []), t.sensor_id]);
      this.bindings.set(key, byMetric);
    }
  }

  get revision(): number {
    return this.revisionCount;
  }

  /** What the births taught (aliases, metrics, bdSeq, seq, deaths), to be restored after a process restart. */
  snapshot(): SparkplugHostSnapshot {
    const scope = (s: Scope): SnapshotScope => ({ born: s.born, failed: s.failed, metrics: [...s.metrics.values()] });
    return {
      version: SPARKPLUG_SNAPSHOT_VERSION,
      group_id: this.groupId,
      nodes: [...this.nodes].map(([id, n]) => ({
        id,
        ...scope(n),
        bdSeq: n.bdSeq,
        seq: n.seq,
        died: n.died,
        devices: [...n.devices].map(([devId, d]) => ({ id: devId, ...scope(d) })),
      })),
    };
  }

  /**
   * A host for `groupId` knowing what a snapshot holds, or the reason it cannot be used (another shape or
   * version, another group). A stale snapshot is harmless: a seq gap or an unknown alias asks for a rebirth.
   */
  static restore(groupId: string, tags: readonly SparkplugBinding[], snap: unknown): SparkplugHost | { error: string } {
    const error = snapshotError(snap);
    if (error) return { error };
    const s = snap as SparkplugHostSnapshot;
    if (s.group_id !== groupId) return { error: `snapshot is of group "${s.group_id}", not "${groupId}"` };
    const host = new SparkplugHost(groupId, tags);
    const scope = (x: SnapshotScope): Scope => ({
      born: x.born,
      failed: x.failed,
      metrics: new Map(x.metrics.map((m) => [m.name, m])),
      aliases: new Map(x.metrics.filter((m) => m.alias !== undefined).map((m) => [m.alias!, m.name])),
    });
    for (const n of s.nodes) {
      host.nodes.set(n.id, {
        ...scope(n),
        bdSeq: n.bdSeq,
        seq: n.seq,
        rebirthAsked: false,
        died: n.died,
        devices: new Map(n.devices.map((d) => [d.id, scope(d)])),
      });
    }
    return host;
  }

  /** Every metric announced by the births seen so far (node metrics first, then each device's). */
  discovered(): DiscoveredMetric[] {
    const out: DiscoveredMetric[] = [];
    for (const node of this.nodes.values()) {
      out.push(...node.metrics.values());
      for (const dev of node.devices.values()) out.push(...dev.metrics.values());
    }
    return out;
  }

  /** Whether the node's last birth is current (no death since). */
  isOnline(edgeNode: string, device?: string): boolean {
    const node = this.nodes.get(edgeNode);
    if (!node?.born) return false;
    return device === undefined ? true : !!node.devices.get(device)?.born;
  }

  handle(topic: SparkplugTopic, payload: SparkplugPayload, now: number): HostEvent[] {
    if (topic.group !== this.groupId) return [];
    const out: HostEvent[] = [];
    const node = this.nodeState(topic.edgeNode);
    switch (topic.type) {
      case 'NBIRTH':
        this.nodeBirth(topic.edgeNode, node, payload, now, out);
        break;
      case 'NDEATH':
        this.nodeDeath(topic.edgeNode, node, payload, now, out);
        break;
      case 'DBIRTH':
      case 'DDEATH':
      case 'NDATA':
      case 'DDATA':
        if (!node.born) {
          this.askRebirth(topic.edgeNode, node, `${topic.type} from edge node "${topic.edgeNode}" without a current NBIRTH`, out);
          break;
        }
        this.checkSeq(topic.edgeNode, node, payload, out);
        if (topic.type === 'NDATA') this.data(topic.edgeNode, undefined, node, node, payload, now, out);
        else this.deviceMessage(topic, node, payload, now, out);
        break;
      default:
        break; // NCMD/DCMD: commands to edge nodes, not for a host to act on
    }
    return out;
  }

  private nodeState(id: string): NodeState {
    let n = this.nodes.get(id);
    if (!n) {
      n = { ...emptyScope(), bdSeq: null, seq: null, rebirthAsked: false, devices: new Map(), died: null };
      this.nodes.set(id, n);
    }
    return n;
  }

  private nodeBirth(id: string, node: NodeState, p: SparkplugPayload, now: number, out: HostEvent[]): void {
    const bd = p.metrics.find((m) => m.name === 'bdSeq');
    node.bdSeq = typeof bd?.value === 'number' ? bd.value : null;
    node.seq = p.seq ?? null;
    node.rebirthAsked = false;
    if (p.seq === undefined) out.push({ kind: 'error', message: `NBIRTH of "${id}" has no seq` });
    // A new session: devices must be born again (their DBIRTHs follow).
    for (const dev of node.devices.values()) dev.born = false;
    if (node.died) {
      // The death was reported once for the node: it is restored once, with the same tags, when the node is
      // back (the devices that died with it were not reported on their own, so their births report nothing).
      node.failed = false;
      for (const devId of node.died.devices) node.devices.get(devId)!.failed = false;
      out.push({ kind: 'online', scope: id, sensor_ids: node.died.sensor_ids, at: now });
      node.died = null;
    }
    this.birth(id, undefined, node, p, now, out);
  }

  private nodeDeath(id: string, node: NodeState, p: SparkplugPayload, now: number, out: HostEvent[]): void {
    const bd = p.metrics.find((m) => m.name === 'bdSeq');
    const bdSeq = typeof bd?.value === 'number' ? bd.value : null;
    if (!node.born) return; // already dead, or never seen: nothing to fail
    if (node.bdSeq !== null && bdSeq !== node.bdSeq) {
      // The will of an older session (the broker publishes it late): the current session is alive.
      out.push({ kind: 'error', message: `NDEATH of "${id}" with bdSeq ${bdSeq} ignored: the current birth has bdSeq ${node.bdSeq}` });
      return;
    }
    node.born = false;
    node.seq = null;
    this.revisionCount++;
    const ids: string[] = [];
    const devices: string[] = [];
    const fail = (scope: Scope, key: string, devId?: string) => {
      if (!scope.failed) {
        ids.push(...this.sensorsOf(key));
        if (devId !== undefined) devices.push(devId);
      }
      scope.failed = true;
      scope.born = false;
    };
    fail(node, id);
    for (const [devId, dev] of node.devices) fail(dev, scopeKey(id, devId), devId);
    if (ids.length) {
      out.push({ kind: 'offline', scope: id, sensor_ids: ids, at: now, reason: `edge node "${id}" died (NDEATH)` });
      node.died = { sensor_ids: ids, devices };
    }
  }

  private deviceMessage(topic: SparkplugTopic, node: NodeState, p: SparkplugPayload, now: number, out: HostEvent[]): void {
    const devId = topic.device!;
    let dev = node.devices.get(devId);
    if (topic.type === 'DBIRTH') {
      if (!dev) node.devices.set(devId, (dev = emptyScope()));
      this.birth(topic.edgeNode, devId, dev, p, now, out);
      return;
    }
    if (!dev?.born) {
      if (topic.type === 'DDATA') this.askRebirth(topic.edgeNode, node, `DDATA from device "${devId}" of "${topic.edgeNode}" without a current DBIRTH`, out);
      return;
    }
    if (topic.type === 'DDEATH') {
      dev.born = false;
      this.revisionCount++;
      if (!dev.failed) {
        dev.failed = true;
        const ids = this.sensorsOf(scopeKey(topic.edgeNode, devId));
        if (ids.length) out.push({ kind: 'offline', scope: scopeKey(topic.edgeNode, devId), sensor_ids: ids, at: now, reason: `device "${devId}" of edge node "${topic.edgeNode}" died (DDEATH)` });
      }
      return;
    }
    this.data(topic.edgeNode, devId, dev, node, p, now, out);
  }

  /** NBIRTH/DBIRTH: the full metric list (names, aliases, datatypes, properties) and current values. */
  private birth(node: string, device: string | undefined, scope: Scope, p: SparkplugPayload, now: number, out: HostEvent[]): void {
    scope.aliases.clear();
    scope.metrics.clear();
    for (const m of p.metrics) {
      if (!m.name) {
        out.push({ kind: 'error', message: `${device ? 'DBIRTH' : 'NBIRTH'} of "${scopeKey(node, device)}" has a metric without a name` });
        continue;
      }
      if (isControlMetric(m.name)) continue;
      const unit = unitOf(m.properties);
      scope.metrics.set(m.name, {
        edge_node_id: node,
        ...(device !== undefined ? { device_id: device } : {}),
        name: m.name,
        ...(m.alias !== undefined ? { alias: m.alias } : {}),
        ...(m.type ? { datatype: m.type } : {}),
        ...(unit !== undefined ? { unit } : {}),
        properties: m.properties ?? {},
      });
      if (m.alias !== undefined) scope.aliases.set(m.alias, m.name);
    }
    scope.born = true;
    this.revisionCount++;
    const key = scopeKey(node, device);
    if (scope.failed) {
      scope.failed = false;
      const ids = this.sensorsOf(key);
      if (ids.length) out.push({ kind: 'online', scope: key, sensor_ids: ids, at: now });
    }
    this.samples(key, p, p.metrics, now, out);
  }

  private data(nodeId: string, device: string | undefined, scope: Scope, node: NodeState, p: SparkplugPayload, now: number, out: HostEvent[]): void {
    const key = scopeKey(nodeId, device);
    const resolved: SparkplugMetric[] = [];
    for (const m of p.metrics) {
      const name = m.name ?? (m.alias !== undefined ? scope.aliases.get(m.alias) : undefined);
      if (name === undefined || !scope.metrics.has(name)) {
        const what = m.name !== undefined ? `metric "${m.name}"` : `alias ${m.alias}`;
        this.askRebirth(nodeId, node, `unknown ${what} in data of "${key}"`, out);
        continue;
      }
      resolved.push({ ...m, name });
    }
    this.samples(key, p, resolved, now, out);
  }

  private samples(key: string, p: SparkplugPayload, metrics: SparkplugMetric[], now: number, out: HostEvent[]): void {
    const bound = this.bindings.get(key);
    if (!bound) return;
    for (const m of metrics) {
      const ids = m.name !== undefined ? bound.get(m.name) : undefined;
      if (!ids) continue;
      const timestamp = m.timestamp ?? p.timestamp ?? now;
      for (const sensor_id of ids) {
        if (m.isNull || m.value === null) {
          out.push({ kind: 'sample', sensor_id, raw: null, timestamp });
          continue;
        }
        const raw = typeof m.value === 'object' ? null : toNumber(m.value);
        if (raw === null) {
          const what = typeof m.value === 'object' ? `a ${m.value.unsupported}` : JSON.stringify(m.value);
          out.push({ kind: 'refused', sensor_id, error: `metric "${m.name}" of "${key}" is not a number: ${what}`, timestamp });
        } else out.push({ kind: 'sample', sensor_id, raw, timestamp });
      }
    }
  }

  /** Every message after NBIRTH carries the previous seq + 1 (mod 256); anything else means a lost message. */
  private checkSeq(id: string, node: NodeState, p: SparkplugPayload, out: HostEvent[]): void {
    if (p.seq === undefined) {
      this.askRebirth(id, node, `message from "${id}" without seq`, out);
      return;
    }
    if (node.seq !== null && p.seq !== (node.seq + 1) % 256) {
      this.askRebirth(id, node, `sequence gap from "${id}": expected seq ${(node.seq + 1) % 256}, got ${p.seq}`, out);
    }
    node.seq = p.seq;
  }

  /** The reason is reported with the request; until the next NBIRTH further reasons are expected and silent. */
  private askRebirth(id: string, node: NodeState, reason: string, out: HostEvent[]): void {
    if (node.rebirthAsked) return;
    node.rebirthAsked = true;
    out.push({ kind: 'rebirth', edge_node_id: id, reason });
  }

  private sensorsOf(key: string): string[] {
    return [...(this.bindings.get(key)?.values() ?? [])].flat();
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumOrNull = (v: unknown): boolean => v === null || typeof v === 'number';
const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

function scopeError(s: unknown, where: string): string | null {
  if (!isObj(s) || typeof s.born !== 'boolean' || typeof s.failed !== 'boolean' || !Array.isArray(s.metrics)) return `${where}: born, failed and metrics expected`;
  for (const m of s.metrics) {
    if (!isObj(m) || typeof m.name !== 'string' || typeof m.edge_node_id !== 'string' || !isObj(m.properties)) return `${where}: a metric without name, edge_node_id or properties`;
    if (m.alias !== undefined && typeof m.alias !== 'number') return `${where}: metric "${m.name}" has a non-numeric alias`;
  }
  return null;
}

/** Why a parsed snapshot file cannot be restored (null when it can). */
function snapshotError(s: unknown): string | null {
  if (!isObj(s)) return 'not an object';
  if (s.version !== SPARKPLUG_SNAPSHOT_VERSION) return `version ${JSON.stringify(s.version)}, expected ${SPARKPLUG_SNAPSHOT_VERSION}`;
  if (typeof s.group_id !== 'string' || !Array.isArray(s.nodes)) return 'group_id and nodes expected';
  for (const n of s.nodes) {
    const where = `node ${isObj(n) ? JSON.stringify(n.id) : '?'}`;
    const e = scopeError(n, where);
    if (e) return e;
    const node = n as Record<string, unknown>;
    if (typeof node.id !== 'string' || !isNumOrNull(node.bdSeq) || !isNumOrNull(node.seq) || !Array.isArray(node.devices)) return `${where}: id, bdSeq, seq and devices expected`;
    if (node.died !== null && !(isObj(node.died) && isStrings(node.died.sensor_ids) && isStrings(node.died.devices))) return `${where}: bad died`;
    for (const d of node.devices) {
      const de = scopeError(d, `${where} device`) ?? (typeof (d as Record<string, unknown>).id !== 'string' ? `${where}: a device without id` : null);
      if (de) return de;
    }
  }
  return null;
}

/** The engineering unit among a metric's properties (`engUnit`, as Ignition and most edge nodes name it). */
function unitOf(props: Record<string, unknown> | undefined): string | undefined {
  if (!props) return undefined;
  for (const [k, v] of Object.entries(props)) if (/^eng_?units?$/i.test(k) && typeof v === 'string') return v;
  return undefined;
}
