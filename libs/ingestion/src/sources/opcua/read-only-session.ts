import {
  AttributeIds,
  BrowseDirection,
  ClientMonitoredItemGroup,
  ClientSession,
  ClientSubscription,
  DataValue,
  MonitoringParametersOptions,
  NodeClassMask,
  ReadValueIdOptions,
  ReferenceDescription,
  resolveNodeId,
  TimestampsToReturn,
} from 'node-opcua';

export interface SubscriptionSettings {
  publishingIntervalMs: number;
  maxKeepAliveCount: number;
  lifetimeCount: number;
}

/**
 * The only door from IDM's OPC UA code to a session: browse, read and subscribe. It has no write, call,
 * history update or node management because IDM never changes a server (as the Modbus client has no write
 * function); the session itself sits in a private field so the connection code cannot reach around it.
 */
export class ReadOnlySession {
  readonly #session: ClientSession;

  constructor(session: ClientSession) {
    this.#session = session;
  }

  /** Every forward hierarchical reference of a node, following continuation points. */
  async browse(nodeId: string): Promise<ReferenceDescription[]> {
    const first = await this.#session.browse({
      nodeId: resolveNodeId(nodeId),
      browseDirection: BrowseDirection.Forward,
      referenceTypeId: 'HierarchicalReferences',
      includeSubtypes: true,
      nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
      resultMask: 0x3f,
    });
    if (first.statusCode.isNotGood()) throw new Error(`browse ${nodeId}: ${first.statusCode.toString()}`);
    const refs = [...(first.references ?? [])];
    let cp = first.continuationPoint;
    while (cp && cp.length) {
      const next = await this.#session.browseNext(cp, false);
      refs.push(...(next.references ?? []));
      cp = next.continuationPoint;
    }
    return refs;
  }

  read(nodes: ReadValueIdOptions[]): Promise<DataValue[]> {
    return this.#session.read(nodes);
  }

  readDataTypes(nodeIds: string[]): Promise<DataValue[]> {
    return this.#session.read(nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.DataType })));
  }

  async createSubscription(s: SubscriptionSettings): Promise<ReadOnlySubscription> {
    const sub = await this.#session.createSubscription2({
      requestedPublishingInterval: s.publishingIntervalMs,
      requestedMaxKeepAliveCount: s.maxKeepAliveCount,
      requestedLifetimeCount: s.lifetimeCount,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 1,
    });
    return new ReadOnlySubscription(sub);
  }

  close(): Promise<void> {
    return this.#session.close(true);
  }
}

/** A subscription that can only add monitored items and end. */
export class ReadOnlySubscription {
  readonly #sub: ClientSubscription;

  constructor(sub: ClientSubscription) {
    this.#sub = sub;
  }

  get publishingIntervalMs(): number {
    return this.#sub.publishingInterval;
  }

  /** Watches Value attributes; values arrive with both timestamps (the source's is the sample's). */
  monitor(nodeIds: string[], params: MonitoringParametersOptions): Promise<ClientMonitoredItemGroup> {
    return this.#sub.monitorItems(
      nodeIds.map((nodeId) => ({ nodeId, attributeId: AttributeIds.Value })),
      params,
      TimestampsToReturn.Both,
    );
  }

  on(event: 'keepalive' | 'terminated' | 'received_notifications', listener: () => void): this {
    this.#sub.on(event, listener);
    return this;
  }

  terminate(): Promise<void> {
    return this.#sub.terminate();
  }
}
