import { parseJsonPath, selectPath } from './json-path';
import { readPlain, toTimestamp } from './plain-payload';
import { topicFilterError, topicMatches } from './topic';
import { engineering } from './engineering';

describe('topicMatches', () => {
  it.each([
    ['plant/boiler/temp', 'plant/boiler/temp', true],
    ['plant/+/temp', 'plant/boiler/temp', true],
    ['plant/+/temp', 'plant/boiler/x/temp', false],
    ['plant/#', 'plant/boiler/temp', true],
    ['plant/#', 'plant', true],
    ['#', 'a/b', true],
    ['+/+', 'a/b', true],
    ['+/+', 'a', false],
    ['plant/boiler', 'plant/boiler/temp', false],
    ['plant/boiler/temp', 'plant/boiler', false],
    ['#', '$SYS/broker/load', false],
    ['+/broker', '$SYS/broker', false],
    ['plant/+', 'plant/', true],
  ])('%s ~ %s: %s', (f, t, want) => expect(topicMatches(f, t)).toBe(want));

  it('refuses malformed filters naming the problem', () => {
    expect(topicFilterError('a/#/b')).toMatch('# must be a whole level and the last one');
    expect(topicFilterError('a/b#')).toMatch('#');
    expect(topicFilterError('a/x+/b')).toMatch('+ must be a whole level');
    expect(topicFilterError('')).toMatch('empty');
    expect(topicFilterError('a/+/#')).toBeNull();
  });
});

describe('JSON field paths', () => {
  it('parses dots, indexes and quoted keys', () => {
    expect(parseJsonPath('a.b[0].c')).toEqual(['a', 'b', 0, 'c']);
    expect(parseJsonPath('v')).toEqual(['v']);
    expect(parseJsonPath('[2]')).toEqual([2]);
    expect(parseJsonPath('a["odd.key"][1]')).toEqual(['a', 'odd.key', 1]);
  });
  it('refuses malformed paths with the position', () => {
    expect(() => parseJsonPath('a.')).toThrow('value path "a.": ends with .');
    expect(() => parseJsonPath('a[x]')).toThrow('[...] must hold an index or a "quoted key"');
    expect(() => parseJsonPath('a[0')).toThrow('unclosed [');
    expect(() => parseJsonPath('')).toThrow('empty');
  });
  it('selects or gives undefined, never reading inherited properties', () => {
    const doc = { a: { b: [{ c: 4.5 }] }, arr: [1, 2] };
    expect(selectPath(doc, ['a', 'b', 0, 'c'])).toBe(4.5);
    expect(selectPath(doc, ['a', 'b', 1, 'c'])).toBeUndefined();
    expect(selectPath(doc, ['arr', 'length'])).toBeUndefined();
    expect(selectPath(doc, ['a', 'toString'])).toBeUndefined();
    expect(selectPath(doc, ['a', 0])).toBeUndefined();
  });
});

describe('readPlain', () => {
  const raw = { value: null, timestamp: null };
  const json = { value: parseJsonPath('d.v'), timestamp: parseJsonPath('d.ts') };
  it('raw numbers', () => {
    expect(readPlain(Buffer.from(' 21.5 '), raw)).toEqual({ ok: true, value: 21.5, timestamp: null });
    expect(readPlain(Buffer.from('-3e2'), raw)).toEqual({ ok: true, value: -300, timestamp: null });
    expect(readPlain(Buffer.from('abc'), raw)).toEqual({ ok: false, error: 'payload is not a number: "abc"' });
    expect(readPlain(Buffer.from(''), raw).ok).toBe(false);
  });
  it('JSON fields with a timestamp (ms, s or ISO)', () => {
    expect(readPlain('{"d":{"v":7,"ts":1700000000000}}', json)).toEqual({ ok: true, value: 7, timestamp: 1700000000000 });
    expect(readPlain('{"d":{"v":"7.5","ts":1700000000}}', json)).toEqual({ ok: true, value: 7.5, timestamp: 1700000000000 });
    expect(readPlain('{"d":{"v":true,"ts":"2024-01-02T03:04:05Z"}}', json)).toEqual({ ok: true, value: 1, timestamp: Date.parse('2024-01-02T03:04:05Z') });
  });
  it('malformed payloads are errors naming what is wrong, never exceptions', () => {
    expect(readPlain('{"d":', json)).toEqual({ ok: false, error: expect.stringMatching(/^payload is not JSON/) });
    expect(readPlain('{"d":{"ts":1}}', json)).toEqual({ ok: false, error: 'no field d.v in the payload' });
    expect(readPlain('{"d":{"v":"x","ts":1}}', json)).toEqual({ ok: false, error: 'd.v is not a number: "x"' });
    expect(readPlain('{"d":{"v":{"a":1},"ts":1}}', json)).toEqual({ ok: false, error: 'd.v is not a number: {"a":1}' });
    expect(readPlain('{"d":{"v":1,"ts":"soon"}}', json)).toEqual({ ok: false, error: 'd.ts is not a timestamp (epoch or ISO 8601): "soon"' });
    expect(toTimestamp(-5)).toBeNull();
  });
});

describe('engineering', () => {
  const tag = { sensor_id: 't', scale: 2, offset: 1, physical_min: 0, physical_max: 100 };
  it('scales and flags out of range or non-finite values bad', () => {
    expect(engineering(tag, 10)).toEqual({ value: 21, quality: 'good' });
    expect(engineering(tag, 60)).toEqual({ value: 121, quality: 'bad' });
    expect(engineering(tag, Infinity)).toEqual({ value: 0, quality: 'bad' });
  });
});
