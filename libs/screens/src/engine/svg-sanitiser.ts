import { isElement, parseSvg, serialiseSvg, SvgElement, SvgNode, SvgParseError } from './svg-tree';

export interface SanitiseLimits {
  /** Largest accepted upload, in characters. */
  maxChars: number;
  maxElements: number;
  /** Nesting depth: bounds the recursion of every later walk over the tree. */
  maxDepth: number;
}
export const DEFAULT_SANITISE_LIMITS: SanitiseLimits = { maxChars: 2_000_000, maxElements: 20_000, maxDepth: 64 };

/** One thing taken out of (or refused in) a drawing, and where: `where` is a path like `svg/g#pump/rect`. */
export interface SanitiseFinding {
  where: string;
  what: string;
  reason: string;
}

export type SanitiseResult =
  | { ok: true; svg: string; root: SvgElement; removed: SanitiseFinding[] }
  | { ok: false; refused: SanitiseFinding[] };

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

const ELEMENTS = new Set([
  'svg', 'g', 'defs', 'symbol', 'use', 'title', 'desc', 'switch',
  'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'path', 'image',
  'text', 'tspan', 'textPath',
  'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'marker', 'style',
  'filter', 'feGaussianBlur', 'feOffset', 'feBlend', 'feColorMatrix', 'feMerge', 'feMergeNode', 'feFlood', 'feComposite',
]);

/** Elements that run code, embed other documents or rewrite attributes over time (SVG animation can set `href` to `javascript:`). */
const DANGEROUS_ELEMENTS = new Set([
  'script', 'foreignObject', 'iframe', 'embed', 'object', 'handler', 'listener',
  'animate', 'set', 'animateTransform', 'animateMotion', 'animateColor', 'discard', 'feImage', 'audio', 'video', 'canvas',
]);

/** `<a>` is common in draw.io exports: its drawing is kept, the link dropped (click-through is a binding). */
const UNWRAPPED = new Set(['a']);

const ATTRIBUTES = new Set([
  'id', 'class', 'style', 'transform', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'fx', 'fy', 'fr',
  'width', 'height', 'd', 'points', 'viewBox', 'preserveAspectRatio', 'version', 'xml:space', 'pathLength',
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray', 'stroke-dashoffset',
  'stroke-linecap', 'stroke-linejoin', 'stroke-miterlimit', 'opacity', 'color', 'visibility', 'display', 'vector-effect',
  'shape-rendering', 'text-rendering', 'paint-order', 'clip-path', 'clip-rule', 'mask', 'filter',
  'marker-start', 'marker-mid', 'marker-end', 'markerWidth', 'markerHeight', 'markerUnits', 'refX', 'refY', 'orient',
  'font-family', 'font-size', 'font-weight', 'font-style', 'font-variant', 'text-anchor', 'dominant-baseline',
  'alignment-baseline', 'baseline-shift', 'letter-spacing', 'word-spacing', 'text-decoration', 'writing-mode',
  'dx', 'dy', 'rotate', 'textLength', 'lengthAdjust', 'startOffset',
  'offset', 'stop-color', 'stop-opacity', 'gradientUnits', 'gradientTransform', 'spreadMethod',
  'patternUnits', 'patternContentUnits', 'patternTransform', 'clipPathUnits', 'maskUnits', 'maskContentUnits',
  'filterUnits', 'primitiveUnits', 'in', 'in2', 'result', 'stdDeviation', 'mode', 'values', 'type', 'operator',
  'k1', 'k2', 'k3', 'k4', 'flood-color', 'flood-opacity',
  'href', 'xlink:href', 'xmlns', 'xmlns:xlink',
  'data-idm-tag', 'data-idm-show', 'data-idm-format', 'data-idm-unit', 'data-idm-min', 'data-idm-max', 'data-idm-link',
]);

const LOCAL_FRAGMENT = /^#[A-Za-z_][\w.:-]*$/;
/** A raster picture embedded in the file; a browser renders it as an image and never runs anything in it. */
const EMBEDDED_RASTER = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$/;
const URL_FUNCTION = /url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi;

/** Why a piece of CSS (a `style` attribute or element, or a presentation attribute) could load or run something, or null. */
function cssDanger(value: string): string | null {
  // CSS escapes (\75 rl) could spell url( or @import past a plain match: refuse them outright.
  if (/\\/.test(value)) return 'CSS escapes are not allowed';
  if (/@import/i.test(value)) return '@import loads an external stylesheet';
  if (/expression\s*\(/i.test(value)) return 'CSS expression() runs script';
  if (/javascript:/i.test(value)) return 'javascript: URL';
  if (/image-set\s*\(|-moz-binding|behavior\s*:/i.test(value)) return 'loads an external resource';
  for (const m of value.matchAll(URL_FUNCTION)) {
    if (!LOCAL_FRAGMENT.test(m[2].trim())) return `url(${m[2]}) refers outside the drawing (only url(#id) is allowed)`;
  }
  if (/url\s*\(/i.test(value.replace(URL_FUNCTION, ''))) return 'malformed url()';
  return null;
}

/**
 * Cleans an uploaded SVG against an allow-list of elements and attributes.
 *
 * Policy: anything that could run code or load something from outside the drawing (DOCTYPE/ENTITY,
 * processing instructions, `<script>`, `<foreignObject>`, animation, `on*` handlers, `href` other than
 * `#id` or an embedded raster, `url(...)` other than `url(#id)`, `@import`) makes the whole upload
 * **refused**, listing every such finding — a plant drawing never needs them, so their presence means
 * the file is not what it claims to be. Merely unknown things (editor metadata such as Inkscape's
 * `sodipodi:namedview`, foreign-namespace attributes, comments, `<a>` wrappers) are **removed** and listed,
 * and the cleaned drawing is accepted.
 */
export function sanitiseSvg(input: string, limits: SanitiseLimits = DEFAULT_SANITISE_LIMITS): SanitiseResult {
  const refuse = (what: string, reason: string): SanitiseResult => ({ ok: false, refused: [{ where: '', what, reason }] });
  if (input.length > limits.maxChars) return refuse('file', `larger than ${limits.maxChars} characters (got ${input.length})`);
  let parsed: ReturnType<typeof parseSvg>;
  try {
    parsed = parseSvg(input);
  } catch (e) {
    if (e instanceof SvgParseError) return refuse('file', e.message);
    throw e;
  }
  const refused: SanitiseFinding[] = parsed.findings.map((f) =>
    f.kind === 'doctype'
      ? { where: '', what: f.detail, reason: 'DOCTYPE and ENTITY declarations are not allowed (entity expansion attacks)' }
      : { where: '', what: f.detail, reason: 'processing instructions are not allowed (they can load stylesheets)' },
  );
  if (refused.length) return { ok: false, refused };
  const root = parsed.root;
  if (!root) return refuse('file', 'no root element');
  if (root.name !== 'svg') return refuse(root.name, 'the root element must be <svg>');
  if (parsed.elements > limits.maxElements) return refuse('file', `more than ${limits.maxElements} elements (got ${parsed.elements})`);
  if (parsed.depth > limits.maxDepth) return refuse('file', `nested deeper than ${limits.maxDepth} elements (got ${parsed.depth})`);

  const removed: SanitiseFinding[] = [];
  const clean = (el: SvgElement, where: string): SvgNode[] => {
    const here = `${where}${where ? '/' : ''}${el.name}${el.attrs.id ? `#${el.attrs.id}` : ''}`;
    const local = el.name.includes(':') ? el.name.slice(el.name.indexOf(':') + 1) : el.name;
    if (DANGEROUS_ELEMENTS.has(local)) {
      refused.push({ where: here, what: `<${el.name}>`, reason: `${local} elements can run code or embed other content` });
      return [];
    }
    const children = (): SvgNode[] => el.children.flatMap((c) => (isElement(c) ? clean(c, here) : [c]));
    if (UNWRAPPED.has(el.name)) {
      removed.push({ where: here, what: `<${el.name}>`, reason: 'links are removed, their drawing is kept (use data-idm-link)' });
      for (const [k, v] of Object.entries(el.attrs)) checkAttr(el, k, v, here);
      return children();
    }
    if (!ELEMENTS.has(el.name)) {
      removed.push({ where: here, what: `<${el.name}>`, reason: 'element not on the allow-list (removed with its content)' });
      // Still look inside: a hostile payload must be refused, not silently dropped with its wrapper.
      for (const c of el.children) if (isElement(c)) clean(c, here);
      return [];
    }
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(el.attrs)) {
      if (checkAttr(el, k, v, here)) attrs[k] = v;
    }
    if (el.name === 'svg' && el === root) {
      if (attrs.xmlns !== undefined && attrs.xmlns !== SVG_NS) refused.push({ where: here, what: 'xmlns', reason: `the default namespace must be ${SVG_NS}` });
      attrs.xmlns = SVG_NS;
    }
    const kids = children();
    if (el.name === 'style') {
      const css = kids.map((k) => ('text' in k ? k.text : '')).join('');
      const danger = cssDanger(css);
      if (danger) refused.push({ where: here, what: '<style>', reason: danger });
      return [{ name: el.name, attrs, children: css ? [{ text: css }] : [] }];
    }
    return [{ name: el.name, attrs, children: kids }];
  };

  /** True when the attribute is kept; refuses or records removal otherwise. */
  const checkAttr = (el: SvgElement, name: string, value: string, where: string): boolean => {
    const lower = name.toLowerCase();
    const local = lower.includes(':') ? lower.slice(lower.indexOf(':') + 1) : lower;
    if (local.startsWith('on')) {
      refused.push({ where, what: `${name}="${value.slice(0, 40)}"`, reason: 'event handler attributes run script' });
      return false;
    }
    if (local === 'href' || lower === 'xml:base' || local === 'src') {
      const v = value.trim();
      const ok = (lower === 'href' || lower === 'xlink:href') && (LOCAL_FRAGMENT.test(v) || (el.name === 'image' && EMBEDDED_RASTER.test(v)));
      if (!ok) {
        refused.push({ where, what: `${name}="${value.slice(0, 80)}"`, reason: 'references outside the drawing (only #id, or an embedded PNG/JPEG/GIF/WebP image, is allowed)' });
        return false;
      }
      return true;
    }
    if (lower === 'xmlns:xlink' && value !== XLINK_NS) {
      removed.push({ where, what: name, reason: 'unexpected namespace' });
      return false;
    }
    // Presentation attributes (fill, clip-path, mask, filter, marker-*) take url(...) as well as style does.
    const danger = /url\s*\(|@import|expression\s*\(|javascript:|\\/i.test(value) ? cssDanger(value) : null;
    if (danger) {
      refused.push({ where, what: `${name}="${value.slice(0, 80)}"`, reason: danger });
      return false;
    }
    if (!ATTRIBUTES.has(name)) {
      removed.push({ where, what: name, reason: 'attribute not on the allow-list' });
      return false;
    }
    return true;
  };

  const [cleaned] = clean(root, '');
  if (refused.length) return { ok: false, refused };
  const out = cleaned as SvgElement;
  return { ok: true, svg: serialiseSvg(out), root: out, removed };
}
