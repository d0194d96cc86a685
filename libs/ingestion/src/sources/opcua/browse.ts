import type { OpcuaBrowseNodeDto } from '@idm/contracts';
import { AttributeIds, DataType, NodeClass, NodeIdType } from 'node-opcua';
import { OPCUA_NUMERIC_TYPES } from './engine/opcua-values';
import { ReadOnlySession } from './read-only-session';

/** One child of a browsed node, for the Devices screen's address-space browser. */
export type OpcuaBrowseNode = OpcuaBrowseNodeDto;

/** The Objects folder, where a server's plant data starts. */
export const OPCUA_OBJECTS_FOLDER = 'i=85';

const READABLE_TYPES = new Set<string>(Object.keys(OPCUA_NUMERIC_TYPES));

/**
 * The Objects and Variables below `nodeId` (the Objects folder by default). Variables carry their data type,
 * whether a tag can be bound to them (numeric or Boolean scalar), and their EngineeringUnits / EURange
 * properties when they have them (to prefill a tag's unit and physical range).
 */
export async function browseChildren(session: ReadOnlySession, nodeId = OPCUA_OBJECTS_FOLDER): Promise<OpcuaBrowseNode[]> {
  const refs = await session.browse(nodeId);
  const nodes: OpcuaBrowseNode[] = refs
    .filter((r) => r.nodeClass === NodeClass.Object || r.nodeClass === NodeClass.Variable)
    .map((r) => ({
      node_id: r.nodeId.toString(),
      browse_name: r.browseName.toString(),
      display_name: r.displayName.text ?? r.browseName.name ?? '',
      node_class: r.nodeClass === NodeClass.Variable ? 'Variable' : 'Object',
      readable: false,
    }));
  const variables = nodes.filter((n) => n.node_class === 'Variable');
  if (!variables.length) return nodes;
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
    v.readable = v.data_type !== undefined && READABLE_TYPES.has(v.data_type) && v.value_rank === -1;
  });
  await addEngineeringProperties(session, variables.filter((v) => v.readable));
  return nodes;
}

/** Reads the EngineeringUnits and EURange properties (Part 8) of the variables that have them. */
async function addEngineeringProperties(session: ReadOnlySession, variables: OpcuaBrowseNode[]): Promise<void> {
  const props = await Promise.all(variables.map((v) => session.browse(v.node_id).catch(() => [])));
  const wanted: { target: OpcuaBrowseNode; kind: 'units' | 'range'; nodeId: string }[] = [];
  variables.forEach((v, i) => {
    for (const p of props[i]) {
      if (p.nodeClass !== NodeClass.Variable) continue;
      if (p.browseName.name === 'EngineeringUnits') wanted.push({ target: v, kind: 'units', nodeId: p.nodeId.toString() });
      if (p.browseName.name === 'EURange') wanted.push({ target: v, kind: 'range', nodeId: p.nodeId.toString() });
    }
  });
  if (!wanted.length) return;
  const values = await session.read(wanted.map((w) => ({ nodeId: w.nodeId, attributeId: AttributeIds.Value })));
  wanted.forEach((w, i) => {
    const value = values[i].value.value as { displayName?: { text?: string | null }; low?: number; high?: number } | null;
    if (!value) return;
    if (w.kind === 'units' && value.displayName?.text) w.target.engineering_units = value.displayName.text;
    if (w.kind === 'range' && typeof value.low === 'number' && typeof value.high === 'number') w.target.eu_range = { low: value.low, high: value.high };
  });
}
