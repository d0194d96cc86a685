import { sanitiseSvg } from './svg-sanitiser';

const svg = (inner: string, rootAttrs = ''): string => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"${rootAttrs}>${inner}</svg>`;

const refusedReasons = (input: string): string[] => {
  const r = sanitiseSvg(input);
  if (r.ok) throw new Error(`expected a refusal, got ${r.svg}`);
  return r.refused.map((f) => `${f.where} ${f.what}: ${f.reason}`);
};

describe('sanitiseSvg', () => {
  it('keeps a plain drawing as it is (attributes escaped, namespace set)', () => {
    const r = sanitiseSvg(svg('<g id="pump"><rect x="1" y="2" width="3" height="4" fill="url(#grad)"/><text id="TT-101" font-family="monospace">a &amp; b &lt; c</text></g>'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.removed).toEqual([]);
    expect(r.svg).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><g id="pump"><rect x="1" y="2" width="3" height="4" fill="url(#grad)"/><text id="TT-101" font-family="monospace">a &amp; b &lt; c</text></g></svg>',
    );
  });

  it('refuses <script>, wherever it hides (also inside an element that would only be removed)', () => {
    expect(refusedReasons(svg('<script>alert(1)</script>'))).toEqual(['svg/script <script>: script elements can run code or embed other content']);
    expect(refusedReasons(svg('<metadata><svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script></metadata>'))[0]).toContain('<svg:script>');
  });

  it('refuses on* event handlers in any case or namespace', () => {
    expect(refusedReasons(svg('', ' onload="alert(1)"'))).toEqual(['svg onload="alert(1)": event handler attributes run script']);
    expect(refusedReasons(svg('<rect id="r" OnClick="x()"/>'))[0]).toBe('svg/rect#r OnClick="x()": event handler attributes run script');
  });

  it('refuses <foreignObject> and animation that could rewrite a link', () => {
    expect(refusedReasons(svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>'))[0]).toContain('<foreignObject>');
    expect(refusedReasons(svg('<set attributeName="href" to="javascript:alert(1)"/>'))[0]).toContain('<set>');
  });

  it('refuses xlink:href and href to anything but a local #id; keeps local references', () => {
    expect(refusedReasons(svg('<use xlink:href="https://evil.example/x.svg#a"/>', ' xmlns:xlink="http://www.w3.org/1999/xlink"'))[0]).toContain(
      'references outside the drawing',
    );
    expect(refusedReasons(svg('<image href="javascript:alert(1)"/>'))).toHaveLength(1);
    expect(refusedReasons(svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>'))).toHaveLength(1);
    const ok = sanitiseSvg(svg('<use href="#pump"/><image href="data:image/png;base64,iVBORw0KGgo="/>'));
    expect(ok.ok).toBe(true);
  });

  it('refuses style and presentation attributes with url() to anything but #id, @import and CSS escapes', () => {
    expect(refusedReasons(svg('<rect style="fill: url(http://evil.example/a.svg#p)"/>'))[0]).toContain('url(http://evil.example/a.svg#p) refers outside the drawing');
    expect(refusedReasons(svg('<rect fill="url(\'//evil.example/p\')"/>'))).toHaveLength(1);
    expect(refusedReasons(svg('<style>@import "https://evil.example/x.css";</style>'))[0]).toContain('@import');
    expect(refusedReasons(svg('<style>rect { background: u\\72l(https://evil.example) }</style>'))[0]).toContain('CSS escapes');
    expect(sanitiseSvg(svg('<style>.a { fill: url(#g) }</style><rect class="a" style="stroke: url(#g)"/>')).ok).toBe(true);
  });

  it('refuses a billion-laughs DOCTYPE without expanding it (and any DOCTYPE or processing instruction)', () => {
    const lol = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i ? i : ''};`.repeat(10)}">`)].join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE svg [${lol}]><svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>`;
    expect(refusedReasons(bomb)).toEqual([' DOCTYPE with ENTITY declarations: DOCTYPE and ENTITY declarations are not allowed (entity expansion attacks)']);
    expect(refusedReasons('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">' + svg(''))[0]).toContain('DOCTYPE declaration');
    expect(refusedReasons('<?xml-stylesheet href="https://evil.example/x.css"?>' + svg(''))[0]).toContain('processing instructions');
    // An entity without a declaration is simply not well-formed.
    expect(refusedReasons(svg('<text>&lol;</text>'))[0]).toContain('not well-formed XML');
  });

  it('lists every dangerous finding at once', () => {
    expect(refusedReasons(svg('<script/><rect onclick="x()"/><use href="http://a/b"/>', ' onload="y()"'))).toHaveLength(4);
  });

  it('removes editor metadata, foreign attributes and <a> wrappers, and lists them', () => {
    const r = sanitiseSvg(
      svg('<sodipodi:namedview id="nv"/><metadata>x</metadata><a href="#pump"><rect id="pump" inkscape:label="Pump" data-foo="1"/></a>', ' xmlns:sodipodi="s" xmlns:inkscape="i"'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.svg).toBe('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect id="pump"/></svg>');
    expect(r.removed.map((f) => f.what)).toEqual(['xmlns:sodipodi', 'xmlns:inkscape', '<sodipodi:namedview>', '<metadata>', '<a>', 'inkscape:label', 'data-foo']);
  });

  it('enforces the size, element-count and depth limits and requires an <svg> root', () => {
    const limits = { maxChars: 1000, maxElements: 5, maxDepth: 3 };
    expect(sanitiseSvg('x'.repeat(1001), limits)).toEqual({ ok: false, refused: [expect.objectContaining({ reason: 'larger than 1000 characters (got 1001)' })] });
    expect(sanitiseSvg(svg('<g/><g/><g/><g/><g/>'), limits)).toEqual({ ok: false, refused: [expect.objectContaining({ reason: 'more than 5 elements (got 6)' })] });
    expect(sanitiseSvg(svg('<g><g><g/></g></g>'), limits)).toEqual({ ok: false, refused: [expect.objectContaining({ reason: 'nested deeper than 3 elements (got 4)' })] });
    expect(refusedReasons('<html/>')[0]).toContain('the root element must be <svg>');
    expect(refusedReasons('<svg')[0]).toContain('not well-formed XML');
  });
});
