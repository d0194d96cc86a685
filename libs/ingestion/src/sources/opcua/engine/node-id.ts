const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Why `text` is not a NodeId in the standard string form (Part 6, 5.3.1.10: `ns=<index>;` then `i=`, `s=`,
 * `g=` or `b=`; the namespace may also be given by URI as `nsu=<uri>;`), or null when it is one.
 */
export function nodeIdError(text: unknown): string | null {
  if (typeof text !== 'string' || !text.trim()) return 'node_id must be a NodeId such as ns=2;s=Boiler.Pressure or ns=3;i=1001';
  let rest = text;
  const ns = /^ns=(\d+);/.exec(rest);
  const nsu = /^nsu=([^;]+);/.exec(rest);
  if (ns) {
    if (Number(ns[1]) > 65535) return `node_id namespace index ${ns[1]} is above 65535`;
    rest = rest.slice(ns[0].length);
  } else if (nsu) rest = rest.slice(nsu[0].length);
  const kind = rest.slice(0, 2);
  const id = rest.slice(2);
  switch (kind) {
    case 'i=':
      return /^\d+$/.test(id) && Number(id) <= 0xffffffff ? null : `node_id numeric identifier must be 0..4294967295 (got "${id}")`;
    case 's=':
      return id.length > 0 ? null : 'node_id string identifier is empty';
    case 'g=':
      return GUID.test(id) ? null : `node_id GUID identifier is malformed (got "${id}")`;
    case 'b=':
      return id.length > 0 && BASE64.test(id) ? null : `node_id opaque identifier must be base64 (got "${id}")`;
    default:
      return `node_id "${text}" must be ns=<index>; followed by i=, s=, g= or b=`;
  }
}
