import { AttributeIds, DataType, NodeClass, NodeIdType } from 'node-opcua';
import { ReadOnlySession } from './read-only-session';

/** One child of a browsed node, for the Devices screen's address-space browser. */
export interface OpcuaBrowseNode {
  node_id: string;
  browse_name: string;
  display_name: string;
  node_class: 'Object' | 'Variable';
  /** Variables only: the built-in type name (e.g. `Double`) or the data type's NodeId for other types. */
  data_type?: string;
  /** Variables only: -1 scalar (a tag can be bound), ≥ 0 an array (refused as a tag). */
  value_rank?: number;
}

/** The Objects folder, where a server's plant data starts. */
export const OPCUA_OBJECTS_FOLDER = 'i=85';

/** The Objects and Variables below `nodeId` (the Objects folder by default). */
export async function browseChildren(session: ReadOnlySession, nodeId = OPCUA_OBJECTS_FOLDER): Promise<OpcuaBrowseNode[]> {
  const refs = await session.browse(nodeId);
  const nodes: OpcuaBrowseNode[] = refs
    .filter((r) => r.nodeClass === NodeClass.Object || r.nodeClass === NodeClass.Variable)
    .map((r) => ({
      node_id: r.nodeId.toString(),
      browse_name: r.browseName.toString(),
      display_name: r.displayName.text ?? r.browseName.name ?? '',
      node_class: r.nodeClass === NodeClass.Variable ? 'Variable' : 'Object',
    }));
  const variables = nodes.filter((n) => n.node_class === 'Variable');
  if (variables.length) {
    const reads = await session.read(
      variables.flatMap((v) => [
        { nodeId: v.node_id, attributeId: AttributeIds.DataType },
        { nodeId: v.node_id, attributeId: AttributeIds.ValueRank },
      ]),
    );
    variables.forEach((v, i) => {
      const type = reads[2 * i].value.value as { namespace: number; identifierType: NodeIdType; value: unknown; toString(): string } | null;
      if (type) {
        const builtIn = type.namespace === 0 && type.identifierType === NodeIdType.NUMERIC ? DataType[type.value as number] : undefined;
        v.data_type = builtIn ?? type.toString();
      }
      const rank = reads[2 * i + 1].value.value;
      if (typeof rank === 'number') v.value_rank = rank;
    });
  }
  return nodes;
}
