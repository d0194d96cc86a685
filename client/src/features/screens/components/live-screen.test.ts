import { expect, test } from 'vitest';
import type { LiveValue } from '../../../lib/live/sample-store';
import { formatBound, levelFraction, LiveScreen, untrustedWord, valueLabel } from './live-screen';
import { alarmCounts, breadcrumb, flattenTree } from './screen-tree';
import { alarmFixture } from '../../../test/fixtures';
import type { ScreenSummaryDto } from '@idm/contracts';

const lv = (value: number, quality = 'good', stale = false) => ({ value, quality, stale, at: 0, status: 'normal', receivedAt: 0, lastGood: quality === 'good' ? value : null, trend: [], trendAt: [] }) as LiveValue;

test('values follow data-idm-format with fixed decimals and the unit; non-good quality never shows a number', () => {
  expect(formatBound(3.14159, '0.00')).toBe('3.14');
  expect(formatBound(3.6, '0')).toBe('4');
  expect(valueLabel({ format: '0.0', unit: 'bar' }, lv(5))).toBe('5.0 bar');
  expect(valueLabel({}, lv(0, 'bad'))).toBe('BAD');
  expect(valueLabel({}, lv(0, 'comm_failure'))).toBe('COMM FAIL');
  expect(valueLabel({}, undefined)).toBe('—');
  expect(untrustedWord(lv(1, 'good', true), false)).toBe('STALE');
  expect(untrustedWord(lv(1), true)).toBe('NO LINK');
  expect(untrustedWord(lv(1), false)).toBeNull();
  expect(levelFraction(15, 0, 10)).toBe(1);
  expect(levelFraction(-1, 0, 10)).toBe(0);
});

const s = (id: string, parent_id: string | null, name: string, tags: string[] = []) => ({ id, parent_id, name, tags }) as ScreenSummaryDto;

test('the navigation tree nests children under parents, the breadcrumb walks up, alarm counts add per screen', () => {
  const list = [s('pumps', 'plant', 'Pumps', ['P-1']), s('plant', null, 'Plant', ['P-1', 'T-1']), s('boiler', 'plant', 'Boiler', ['T-1'])];
  expect(flattenTree(list).map((n) => [n.screen.id, n.depth])).toEqual([['plant', 0], ['boiler', 1], ['pumps', 1]]);
  expect(breadcrumb(list, 'pumps').map((x) => x.id)).toEqual(['plant', 'pumps']);
  const counts = alarmCounts(list, [alarmFixture('T-1'), alarmFixture('X', { sensor_id: 'P-1', active: false })]);
  expect(Object.fromEntries(counts)).toEqual({ pumps: { n: 0, top: null }, plant: { n: 1, top: 'low' }, boiler: { n: 1, top: 'low' } });
});

test("a device's comm failure counts on every screen showing one of its tags, and the most urgent priority leads", () => {
  const list = [s('pumps', null, 'Pumps', ['P-1', 'P-2']), s('boiler', null, 'Boiler', ['T-1'])];
  const deviceOf = new Map([['P-1', 'plc-02'], ['P-2', 'plc-02'], ['T-1', 'plc-01']]);
  const comm = alarmFixture('device:plc-02|comm_failure', { source_type: 'device', source_id: 'plc-02', sensor_id: null, priority: 'high' });
  const counts = alarmCounts(list, [comm, alarmFixture('P-1', { priority: 'medium' }), alarmFixture('T-1', { priority: 'critical' })], deviceOf);
  // One device alarm for the two tags of plc-02, plus P-1's own.
  expect(counts.get('pumps')).toEqual({ n: 2, top: 'high' });
  expect(counts.get('boiler')).toEqual({ n: 1, top: 'critical' });
  // Without knowing the tags' devices, only the tags' own alarms count.
  expect(alarmCounts(list, [comm], new Map()).get('pumps')).toEqual({ n: 0, top: null });
});

test("a value's alarm flag sits at the end of the value as it reads now, not of the '--' the drawing had before it was live", () => {
  // jsdom lays nothing out: a text's box is 8 units a character, 14 high, from its x / baseline.
  const proto = SVGElement.prototype as unknown as { getBBox?: () => DOMRect };
  const had = proto.getBBox;
  proto.getBBox = function (this: SVGElement) {
    return { x: Number(this.getAttribute('x')), y: Number(this.getAttribute('y')) - 14, width: (this.textContent ?? '').length * 8, height: 14 } as DOMRect;
  };
  try {
    const container = document.createElement('div');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 560"><text id="v" x="170" y="197">--</text></svg>';
    const screen = new LiveScreen(container, svg, [{ element_id: 'v', kind: 'value', tag: 'P-1', format: '0.00', unit: 'bar', source: 'attributes', known: true }]);
    const at = () => /translate\(([-\d.]+) ([-\d.]+)\)/.exec(container.querySelector('[data-idm-flag-for="v"]')!.getAttribute('transform')!)!.slice(1).map(Number);
    const flagX = () => at()[0];
    const alarm = alarmFixture('P-1', { priority: 'critical' });
    screen.update('P-1', { live: lv(7.47), alarm });
    // Right of "7.47 bar" (it stayed right of "--", over the value and the tag's label above it).
    expect(flagX()).toBe(170 + '7.47 bar'.length * 8 + 1);
    // On the value's line, no higher than its text's top (it stood half its size above, in the label's line).
    expect(at()[1]).toBeGreaterThanOrEqual(197 - 14);
    screen.update('P-1', { live: lv(17.47), alarm });
    expect(flagX()).toBe(170 + '17.47 bar'.length * 8 + 1);
  } finally {
    if (had) proto.getBBox = had;
    else delete proto.getBBox;
  }
});
