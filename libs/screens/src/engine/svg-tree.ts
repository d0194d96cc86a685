import { SaxesParser } from 'saxes';

/** An element of a parsed SVG; text and CDATA become `text` children (comments and PIs are dropped). */
export interface SvgElement {
  name: string;
  attrs: Record<string, string>;
  children: SvgNode[];
}
export type SvgNode = SvgElement | { text: string };

export const isElement = (n: SvgNode): n is SvgElement => 'name' in n;

/** What the parser met that a sanitiser must refuse (DOCTYPE = entity declarations = billion laughs). */
export interface ParseFinding {
  kind: 'doctype' | 'processing-instruction';
  detail: string;
}

export class SvgParseError extends Error {}
const STOP = Symbol('stop at DOCTYPE');

/**
 * Parses XML into a tree with saxes, a non-validating parser that never expands DTD entities: a
 * `<!DOCTYPE>` (where ENTITY declarations live) is reported as a finding and parsing stops there, so an
 * entity bomb is never expanded; an undefined entity reference is a parse error.
 */
export function parseSvg(xml: string): { root: SvgElement | null; findings: ParseFinding[]; elements: number; depth: number } {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const findings: ParseFinding[] = [];
  const stack: SvgElement[] = [];
  let root: SvgElement | null = null;
  let stop = false;
  let elements = 0;
  let depth = 0;
  parser.on('doctype', (d) => {
    findings.push({ kind: 'doctype', detail: /<!ENTITY/i.test(d) ? 'DOCTYPE with ENTITY declarations' : 'DOCTYPE declaration' });
    stop = true;
    throw STOP; // nothing after a DOCTYPE is read, so no entity is ever referenced
  });
  parser.on('processinginstruction', (pi) => {
    findings.push({ kind: 'processing-instruction', detail: `<?${pi.target}?>` });
  });
  parser.on('error', (e) => {
    throw new SvgParseError(`not well-formed XML: ${e.message}`);
  });
  parser.on('opentag', (tag) => {
    const el: SvgElement = { name: tag.name, attrs: { ...(tag.attributes as Record<string, string>) }, children: [] };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (!root) root = el;
    stack.push(el);
    elements += 1;
    depth = Math.max(depth, stack.length);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (text: string): void => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push({ text });
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  try {
    parser.write(xml).close();
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return { root: stop ? null : root, findings, elements, depth };
}

const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, '&quot;');

/** Serialises a tree back to XML, escaping every text and attribute value. */
export function serialiseSvg(el: SvgElement): string {
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  if (el.children.length === 0) return `<${el.name}${attrs}/>`;
  const inner = el.children.map((c) => (isElement(c) ? serialiseSvg(c) : escapeText(c.text))).join('');
  return `<${el.name}${attrs}>${inner}</${el.name}>`;
}

/** Every element of the tree, depth first, in document order. */
export function* walk(el: SvgElement): Generator<SvgElement> {
  yield el;
  for (const c of el.children) if (isElement(c)) yield* walk(c);
}

export function findById(root: SvgElement, id: string): SvgElement | undefined {
  for (const el of walk(root)) if (el.attrs.id === id) return el;
  return undefined;
}
