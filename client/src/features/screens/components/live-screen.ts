import type { AlarmDto, AlarmPriorityName, ScreenBindingDto } from '@idm/contracts';
import type { LiveValue } from '../../../lib/live/sample-store';

const SVG_NS = 'http://www.w3.org/2000/svg';
const QUALITY_TEXT: Record<string, string> = { bad: 'BAD', comm_failure: 'COMM FAIL', stale: 'STALE' };
const NUMBER: Record<AlarmPriorityName, string> = { critical: '1', high: '2', medium: '3', low: '4' };
const ALARM_WORD: Partial<Record<AlarmDto['state'], string>> = { unack_active: 'UNACK', unack_rtn: 'RTN UNACK', ack_active: 'ALARM' };

/** Decimals of a `data-idm-format` pattern (`0.00` → 2); without one, the tiles' own digits. */
export function formatBound(v: number, format: string | undefined): string {
  if (!format) {
    const a = Math.abs(v);
    return v.toFixed(a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3);
  }
  const dot = format.indexOf('.');
  return v.toFixed(dot < 0 ? 0 : format.length - dot - 1);
}

/** What one bound element shows for its tag's live value (pure, so it is tested without a DOM). */
export function valueLabel(b: Pick<ScreenBindingDto, 'format' | 'unit'>, live: LiveValue | undefined): string {
  if (!live) return '—';
  if (!Number.isFinite(live.value)) return Number.isNaN(live.value) ? 'NaN' : live.value > 0 ? '+Inf' : '-Inf';
  if (live.quality !== 'good') return QUALITY_TEXT[live.quality] ?? live.quality.toUpperCase();
  return `${formatBound(live.value, b.format)}${b.unit ? ` ${b.unit}` : ''}`;
}

/** Why a value cannot be trusted (hatched and labelled on the drawing), or null. */
export function untrustedWord(live: LiveValue | undefined, linkDown: boolean): string | null {
  if (linkDown) return 'NO LINK';
  if (!live) return null;
  if (live.quality !== 'good') return QUALITY_TEXT[live.quality] ?? live.quality.toUpperCase();
  return live.stale ? 'STALE' : null;
}

/** The fill fraction of a level binding, clamped to 0..1. */
export function levelFraction(v: number, min = 0, max = 100): number {
  const f = (v - min) / (max - min);
  return Number.isFinite(f) ? Math.min(1, Math.max(0, f)) : 0;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Bound {
  binding: ScreenBindingDto;
  el: SVGGraphicsElement;
  /** The level fill drawn over a vessel. */
  fill?: SVGRectElement;
  /** Priority shape + number and the state/quality word beside the element. */
  flag?: SVGGElement;
  box: Box;
}

export interface TagState {
  live: LiveValue | undefined;
  alarm: AlarmDto | undefined;
}

function boxOf(el: SVGGraphicsElement): Box {
  try {
    const b = el.getBBox();
    if (b.width || b.height) return { x: b.x, y: b.y, width: b.width, height: b.height };
  } catch {
    // not rendered yet (or jsdom): read the geometry attributes
  }
  const n = (a: string) => Number(el.getAttribute(a)) || 0;
  return { x: n('x') || n('cx') - n('r'), y: n('y') || n('cy') - n('r'), width: n('width') || 2 * n('r'), height: n('height') || 2 * n('r') };
}

const make = <K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string>): SVGElementTagNameMap[K] => {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
};

/**
 * A sanitised drawing mounted live: bound elements are found once, and `update` rewrites only the
 * elements of the tags it is given (the caller batches per animation frame). No React in the loop: 500
 * bound elements at 1 Hz are attribute writes, not re-renders.
 */
export class LiveScreen {
  readonly svg: SVGSVGElement;
  private readonly byTag = new Map<string, Bound[]>();

  constructor(container: HTMLElement, svgText: string, bindings: readonly ScreenBindingDto[]) {
    const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
    const root = doc.documentElement;
    if (root.nodeName !== 'svg') throw new Error('the screen’s drawing could not be read');
    // Defence in depth: the server refused these already.
    root.querySelectorAll('script, foreignObject').forEach((n) => n.remove());
    this.svg = document.importNode(root, true) as unknown as SVGSVGElement;
    this.svg.classList.add('idm-screen');
    this.svg.setAttribute('width', '100%');
    this.svg.removeAttribute('height');
    container.replaceChildren(this.svg);
    this.svg.prepend(this.defs());
    const overlay = make('g', { class: 'idm-overlay' });
    this.svg.append(overlay);
    for (const binding of bindings) {
      const el = this.svg.getElementById(binding.element_id) as SVGGraphicsElement | null;
      if (!el) continue;
      const bound: Bound = { binding, el, box: boxOf(el) };
      el.classList.add('idm-bound', `idm-${binding.kind}`);
      const target = binding.link ?? (binding.tag ? `sensor:${binding.tag}` : undefined);
      if (target) {
        el.setAttribute('data-idm-target', target);
        el.setAttribute('role', 'link');
        el.setAttribute('tabindex', '0');
      }
      if (binding.kind === 'level') {
        const { x, y, width, height } = bound.box;
        bound.fill = make('rect', { class: 'idm-level-fill', x: String(x), y: String(y + height), width: String(width), height: '0', 'data-idm-for': binding.element_id });
        overlay.append(bound.fill);
      }
      if (binding.kind === 'state' || binding.kind === 'level' || binding.kind === 'value') {
        bound.flag = this.flag(bound.box, binding.element_id);
        overlay.append(bound.flag);
      }
      if (binding.tag) this.byTag.set(binding.tag, [...(this.byTag.get(binding.tag) ?? []), bound]);
    }
  }

  /** The sensor ids the screen needs live samples of. */
  get tags(): string[] {
    return [...this.byTag.keys()];
  }

  /** Redraws the elements bound to `tag`. */
  update(tag: string, state: TagState, linkDown = false): void {
    for (const b of this.byTag.get(tag) ?? []) this.draw(b, state, linkDown);
  }

  private draw(b: Bound, { live, alarm }: TagState, linkDown: boolean): void {
    const untrusted = untrustedWord(live, linkDown);
    b.el.classList.toggle('idm-untrusted', untrusted !== null);
    const trusted = !!live && live.quality === 'good' && Number.isFinite(live.value);
    switch (b.binding.kind) {
      case 'value':
        b.el.textContent = valueLabel(b.binding, live);
        break;
      case 'level':
        if (b.fill) {
          const f = trusted ? levelFraction(live!.value, b.binding.min, b.binding.max) : 0;
          const h = b.box.height * f;
          b.fill.setAttribute('y', String(b.box.y + b.box.height - h));
          b.fill.setAttribute('height', String(h));
          b.fill.setAttribute('data-fraction', f.toFixed(3));
        }
        break;
      case 'visible':
        if (trusted) b.el.style.visibility = live!.value ? '' : 'hidden';
        break;
      default:
        break;
    }
    // Alarm colour on the shape, and shape + number + word beside it (ISA-101: never colour alone).
    for (const p of ['critical', 'high', 'medium', 'low']) b.el.classList.toggle(`idm-alarm-${p}`, alarm?.priority === p);
    b.el.classList.toggle('idm-unacked', !!alarm && !alarm.acknowledged);
    if (alarm) b.el.setAttribute('data-idm-alarm', alarm.priority);
    else b.el.removeAttribute('data-idm-alarm');
    // A value's own text already reads BAD / COMM FAIL: its flag saying it again overlapped the labels
    // around it (a PLC in comm failure turned a plant overview into stacked COMM FAIL words).
    if (b.flag) this.drawFlag(b.flag, alarm, b.binding.kind === 'value' ? null : untrusted);
  }

  private drawFlag(flag: SVGGElement, alarm: AlarmDto | undefined, untrusted: string | null): void {
    const [shape, num, word] = [flag.children[0] as SVGPathElement, flag.children[1] as SVGTextElement, flag.children[2] as SVGTextElement];
    flag.setAttribute('class', `idm-flag${alarm ? ` idm-flag-${alarm.priority}` : ''}${alarm && !alarm.acknowledged ? ' idm-unacked' : ''}${untrusted ? ' idm-flag-untrusted' : ''}`);
    shape.setAttribute('d', alarm ? SHAPES[alarm.priority] : '');
    num.textContent = alarm ? NUMBER[alarm.priority] : '';
    word.textContent = untrusted ?? (alarm ? (ALARM_WORD[alarm.state] ?? '') : '');
    flag.style.display = alarm || untrusted ? '' : 'none';
  }

  private flag(box: Box, id: string): SVGGElement {
    // A marker at the element's top-right corner, sized to the drawing (about 1/40 of its width) so it reads
    // the same on a small detail and on a whole-plant overview.
    const drawingWidth = this.svg.viewBox?.baseVal?.width || Number(this.svg.getAttribute('width')) || 400;
    const size = Math.max(6, Math.min(drawingWidth / 40, Math.max(box.width, box.height) * 0.6));
    const g = make('g', { class: 'idm-flag', 'data-idm-flag-for': id, transform: `translate(${box.x + box.width + 1} ${box.y - size / 2}) scale(${size / 20})` });
    g.style.display = 'none';
    g.append(make('path', { class: 'idm-flag-shape', d: '' }), make('text', { class: 'idm-flag-num', x: '10', y: '14', 'text-anchor': 'middle' }), make('text', { class: 'idm-flag-word', x: '22', y: '14' }));
    return g;
  }

  private defs(): SVGDefsElement {
    const defs = make('defs', {});
    const hatch = make('pattern', { id: 'idm-hatch', width: '6', height: '6', patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
    hatch.append(make('rect', { width: '6', height: '6', fill: '#dedede' }), make('line', { x1: '0', y1: '0', x2: '0', y2: '6', stroke: '#006b75', 'stroke-width': '2' }));
    defs.append(hatch);
    return defs;
  }
}

/** Priority shapes in a 20×20 box, as on the tiles' badges: critical diamond, high triangle, medium square, low circle. */
const SHAPES: Record<AlarmPriorityName, string> = {
  critical: 'M10 1 L19 10 L10 19 L1 10 Z',
  high: 'M10 1.5 L19 18 L1 18 Z',
  medium: 'M2 2 H18 V18 H2 Z',
  low: 'M10 1.5 A8.5 8.5 0 1 1 9.99 1.5 Z',
};
