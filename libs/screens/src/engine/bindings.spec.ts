import { assignElementIds, boundTags, parseBindings, setBinding } from './bindings';
import { findById, parseSvg, serialiseSvg, SvgElement } from './svg-tree';

const tree = (inner: string): SvgElement => parseSvg(`<svg xmlns="http://www.w3.org/2000/svg">${inner}</svg>`).root!;
const known = new Set(['TT-101', 'LT-201', 'XS-1']);

describe('parseBindings', () => {
  it('reads value, state, level, visible and link bindings from data-idm-* attributes', () => {
    const { bindings, problems } = parseBindings(
      tree(
        '<text id="t1" data-idm-tag="TT-101" data-idm-show="value" data-idm-format="0.0" data-idm-unit="°C"/>' +
          '<circle id="c1" data-idm-tag="TT-101" data-idm-show="state"/>' +
          '<rect id="v1" data-idm-tag="LT-201" data-idm-show="level" data-idm-min="0" data-idm-max="5"/>' +
          '<g id="g1" data-idm-tag="XS-1" data-idm-show="visible"/>' +
          '<rect id="l1" data-idm-show="link" data-idm-link="screen:boiler-house"/>',
      ),
      known,
    );
    expect(problems).toEqual([]);
    expect(bindings).toEqual([
      { element_id: 't1', kind: 'value', tag: 'TT-101', format: '0.0', unit: '°C', source: 'attributes' },
      { element_id: 'c1', kind: 'state', tag: 'TT-101', source: 'attributes' },
      { element_id: 'v1', kind: 'level', tag: 'LT-201', min: 0, max: 5, source: 'attributes' },
      { element_id: 'g1', kind: 'visible', tag: 'XS-1', source: 'attributes' },
      { element_id: 'l1', kind: 'link', link: 'screen:boiler-house', source: 'attributes' },
    ]);
    expect(boundTags(bindings)).toEqual(['LT-201', 'TT-101', 'XS-1']);
  });

  it('binds elements whose id is a known sensor id (text: value, shape: state), and not unknown ids', () => {
    const { bindings } = parseBindings(tree('<text id="TT-101">--</text><rect id="LT-201"/><rect id="pump-1"/>'), known);
    expect(bindings).toEqual([
      { element_id: 'TT-101', kind: 'value', tag: 'TT-101', source: 'id' },
      { element_id: 'LT-201', kind: 'state', tag: 'LT-201', source: 'id' },
    ]);
  });

  it('defaults show from the element and keeps bindings to unknown tags (flagged later)', () => {
    const { bindings } = parseBindings(tree('<text id="a" data-idm-tag="NOPE-1"/><rect id="b" data-idm-tag="TT-101" data-idm-link="sensor:TT-101"/>'), known);
    expect(bindings.map((b) => [b.kind, b.tag, b.link])).toEqual([
      ['value', 'NOPE-1', undefined],
      ['state', 'TT-101', 'sensor:TT-101'],
    ]);
  });

  it('reports malformed bindings with the element and the rule', () => {
    const { bindings, problems } = parseBindings(
      tree(
        '<text data-idm-tag="TT-101"/><text id="a" data-idm-tag="TT-101" data-idm-show="gauge"/><rect id="b" data-idm-show="level"/>' +
          '<rect id="c" data-idm-tag="TT-101" data-idm-show="level" data-idm-min="5" data-idm-max="1"/><text id="d" data-idm-tag="TT-101" data-idm-format="#.##"/>' +
          '<rect id="e" data-idm-link="http://x"/>',
      ),
      known,
    );
    expect(bindings).toEqual([]);
    expect(problems).toEqual([
      { element_id: '', message: '<text> has data-idm-* attributes but no id' },
      { element_id: 'a', message: 'data-idm-show must be one of value, state, level, visible, link (got "gauge")' },
      { element_id: 'b', message: 'data-idm-show="level" needs data-idm-tag' },
      { element_id: 'c', message: 'data-idm-min and data-idm-max must be numbers with min < max (got "5", "1")' },
      { element_id: 'd', message: 'data-idm-format must look like 0 or 0.0 (up to 6 decimals; got "#.##")' },
      { element_id: 'e', message: 'data-idm-link must be screen:<id> or sensor:<id> (got "http://x")' },
    ]);
  });
});

describe('assignElementIds and setBinding', () => {
  it('gives drawable elements without an id a unique one', () => {
    const root = tree('<rect/><g id="idm-1"><circle/></g><defs><linearGradient/></defs>');
    expect(assignElementIds(root)).toBe(2);
    expect(serialiseSvg(root)).toBe('<svg xmlns="http://www.w3.org/2000/svg"><rect id="idm-2"/><g id="idm-1"><circle id="idm-3"/></g><defs><linearGradient/></defs></svg>');
  });

  it('rewrites an element’s data-idm-* attributes, replacing an old binding, and removes one', () => {
    const root = tree('<text id="t" data-idm-tag="OLD" data-idm-format="0.000" fill="#000"/>');
    expect(setBinding(root, 't', { kind: 'value', tag: 'TT-101', format: '0.0', unit: '°C' })).toBe(true);
    expect(findById(root, 't')!.attrs).toEqual({ id: 't', fill: '#000', 'data-idm-tag': 'TT-101', 'data-idm-show': 'value', 'data-idm-format': '0.0', 'data-idm-unit': '°C' });
    expect(parseBindings(root, known).bindings).toEqual([{ element_id: 't', kind: 'value', tag: 'TT-101', format: '0.0', unit: '°C', source: 'attributes' }]);
    expect(setBinding(root, 't', null)).toBe(true);
    expect(findById(root, 't')!.attrs).toEqual({ id: 't', fill: '#000' });
    expect(setBinding(root, 'missing', null)).toBe(false);
  });
});
