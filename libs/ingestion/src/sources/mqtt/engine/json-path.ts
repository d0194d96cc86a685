/** A JSON field path such as `data.values[0].v` or `["odd key"].v`, parsed once per tag. */
export type JsonPath = readonly (string | number)[];

/** Parses `a.b[0].c`; throws an Error naming the position of what is wrong. */
export function parseJsonPath(path: string): JsonPath {
  const out: (string | number)[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`value path "${path}": ${why} at position ${i}`);
  };
  if (!path.trim()) fail('empty');
  while (i < path.length) {
    if (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) fail('unclosed [');
      const inner = path.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) out.push(JSON.parse(inner) as string);
      else fail('[...] must hold an index or a "quoted key"');
      i = close + 1;
      if (i < path.length && path[i] === '.') {
        i++;
        if (i === path.length) fail('ends with .');
      }
      continue;
    }
    const m = /^[^.[\]]+/.exec(path.slice(i));
    if (!m) fail('expected a field name');
    out.push(m![0]);
    i += m![0].length;
    if (path[i] === '.') {
      i++;
      if (i === path.length) fail('ends with .');
    }
  }
  return out;
}

/** The value at `path` in `doc`, or undefined when any step is missing. */
export function selectPath(doc: unknown, path: JsonPath): unknown {
  let cur: unknown = doc;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step];
    } else {
      if (Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, step)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}
