import type { ScreenBindingDto, ScreenBindingKind } from '@idm/contracts';
import { SvgElement, walk } from './svg-tree';

export const BINDING_KINDS: readonly ScreenBindingKind[] = ['value', 'state', 'level', 'visible', 'link'];
export type BindingKind = ScreenBindingKind;

/** How one element of a screen shows live data (README "Process graphics" lists the attributes). */
export type ScreenBinding = Omit<ScreenBindingDto, 'known'>;

export interface BindingProblem {
  element_id: string;
  message: string;
}

export const FORMAT_PATTERN = /^0(\.0{1,6})?$/;
export const LINK_PATTERN = /^(screen|sensor):[A-Za-z0-9_.:-]{1,100}$/;
const TEXT_ELEMENTS = new Set(['text', 'tspan', 'textPath']);
/** Elements an admin can click to bind: they get an id on upload if they have none. */
const ADDRESSABLE = new Set(['g', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'path', 'text', 'tspan', 'use', 'image']);
export const AUTO_ID_PREFIX = 'idm-';

/**
 * Gives every drawable element without an id one (`idm-<n>`, unique in the drawing), so the editor can
 * address any element a user clicks and a live screen can find every bound element by id.
 */
export function assignElementIds(root: SvgElement): number {
  const taken = new Set<string>();
  for (const el of walk(root)) if (el.attrs.id) taken.add(el.attrs.id);
  let n = 0;
  let assigned = 0;
  for (const el of walk(root)) {
    if (el.attrs.id || !ADDRESSABLE.has(el.name)) continue;
    let id: string;
    do id = `${AUTO_ID_PREFIX}${++n}`;
    while (taken.has(id));
    taken.add(id);
    el.attrs = { id, ...el.attrs };
    assigned += 1;
  }
  return assigned;
}

const parseNumber = (s: string | undefined): number | undefined => {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : NaN;
};

/**
 * Reads the bindings of a drawing: `data-idm-*` attributes first; an element without them whose id is a
 * known sensor id is bound to that sensor (text shows its value, a shape its alarm state).
 */
export function parseBindings(root: SvgElement, knownSensorIds: ReadonlySet<string>): { bindings: ScreenBinding[]; problems: BindingProblem[] } {
  const bindings: ScreenBinding[] = [];
  const problems: BindingProblem[] = [];
  for (const el of walk(root)) {
    const a = el.attrs;
    const id = a.id ?? '';
    const hasAttrs = a['data-idm-tag'] !== undefined || a['data-idm-show'] !== undefined || a['data-idm-link'] !== undefined;
    if (!hasAttrs) {
      if (id && knownSensorIds.has(id)) bindings.push({ element_id: id, kind: TEXT_ELEMENTS.has(el.name) ? 'value' : 'state', tag: id, source: 'id' });
      continue;
    }
    const problem = (message: string): void => void problems.push({ element_id: id, message });
    if (!id) {
      problem(`<${el.name}> has data-idm-* attributes but no id`);
      continue;
    }
    const tag = a['data-idm-tag']?.trim() || undefined;
    const link = a['data-idm-link']?.trim() || undefined;
    const show = a['data-idm-show']?.trim() || (tag ? (TEXT_ELEMENTS.has(el.name) ? 'value' : 'state') : link ? 'link' : undefined);
    if (!BINDING_KINDS.includes(show as BindingKind)) {
      problem(`data-idm-show must be one of ${BINDING_KINDS.join(', ')} (got "${show ?? ''}")`);
      continue;
    }
    const kind = show as BindingKind;
    if (kind !== 'link' && !tag) {
      problem(`data-idm-show="${kind}" needs data-idm-tag`);
      continue;
    }
    if (link !== undefined && !LINK_PATTERN.test(link)) {
      problem(`data-idm-link must be screen:<id> or sensor:<id> (got "${link}")`);
      continue;
    }
    if (kind === 'link' && !link) {
      problem('data-idm-show="link" needs data-idm-link');
      continue;
    }
    const b: ScreenBinding = { element_id: id, kind, source: 'attributes' };
    if (tag) b.tag = tag;
    if (link) b.link = link;
    const format = a['data-idm-format']?.trim();
    if (format) {
      if (!FORMAT_PATTERN.test(format)) {
        problem(`data-idm-format must look like 0 or 0.0 (up to 6 decimals; got "${format}")`);
        continue;
      }
      b.format = format;
    }
    const unit = a['data-idm-unit'];
    if (unit !== undefined && unit !== '') b.unit = unit;
    if (kind === 'level') {
      const min = parseNumber(a['data-idm-min']) ?? 0;
      const max = parseNumber(a['data-idm-max']) ?? 100;
      if (Number.isNaN(min) || Number.isNaN(max) || !(max > min)) {
        problem(`data-idm-min and data-idm-max must be numbers with min < max (got "${a['data-idm-min'] ?? ''}", "${a['data-idm-max'] ?? ''}")`);
        continue;
      }
      b.min = min;
      b.max = max;
    }
    bindings.push(b);
  }
  return { bindings, problems };
}

/** The sensor ids a screen's bindings name (its live subscription), sorted, without duplicates. */
export function boundTags(bindings: readonly ScreenBinding[]): string[] {
  const tags = new Set<string>();
  for (const b of bindings) {
    if (b.tag) tags.add(b.tag);
    if (b.link?.startsWith('sensor:')) tags.add(b.link.slice('sensor:'.length));
  }
  return [...tags].sort();
}

export type BindingEdit = Omit<ScreenBinding, 'source' | 'element_id'>;

const BINDING_ATTRS = ['data-idm-tag', 'data-idm-show', 'data-idm-format', 'data-idm-unit', 'data-idm-min', 'data-idm-max', 'data-idm-link'];

/**
 * Sets (or with `null`, removes) the binding of one element by rewriting its data-idm-* attributes in
 * place. Returns false when no element has that id.
 */
export function setBinding(root: SvgElement, elementId: string, edit: BindingEdit | null): boolean {
  let target: SvgElement | undefined;
  for (const el of walk(root)) if (el.attrs.id === elementId) target = target ?? el;
  if (!target) return false;
  const attrs = Object.fromEntries(Object.entries(target.attrs).filter(([k]) => !BINDING_ATTRS.includes(k)));
  if (edit) {
    if (edit.tag) attrs['data-idm-tag'] = edit.tag;
    attrs['data-idm-show'] = edit.kind;
    if (edit.format) attrs['data-idm-format'] = edit.format;
    if (edit.unit) attrs['data-idm-unit'] = edit.unit;
    if (edit.min !== undefined) attrs['data-idm-min'] = String(edit.min);
    if (edit.max !== undefined) attrs['data-idm-max'] = String(edit.max);
    if (edit.link) attrs['data-idm-link'] = edit.link;
  }
  target.attrs = attrs;
  return true;
}
