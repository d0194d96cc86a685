import * as fs from 'node:fs';
import * as path from 'node:path';
import { assignElementIds, parseBindings, sanitiseSvg } from '@idm/screens';
import { Plant } from './plant';

const DIR = path.join(__dirname, '..', '..', '..', 'demo', 'screens');

describe('the demo plant’s process graphics (demo/screens, imported by scripts/start.sh)', () => {
  // The plant scripts/start.sh runs: 6 PLCs of 24 tags, seed 1.
  const plant = new Plant({ plcs: 6, tagsPerPlc: 24, seed: 1, layout: 'ports', basePort: 5020 });
  const tags = new Set(plant.plcs.flatMap((p) => p.tags.map((t) => t.sensor_id)));
  const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'screens.json'), 'utf8')) as Array<{ id: string; area: string; parent_id: string | null; file: string }>;

  it('has one screen per plant area under a plant overview', () => {
    expect(manifest[0]).toMatchObject({ id: 'plant', parent_id: null });
    expect(manifest.slice(1).map((m) => m.area).sort()).toEqual([...new Set(plant.plcs.map((p) => p.area))].sort());
    expect(manifest.slice(1).every((m) => m.parent_id === 'plant')).toBe(true);
  });

  it.each(manifest.map((m) => [m.file, m] as const))('%s passes the sanitiser untouched and binds only tags the simulator has', (_file, m) => {
    const r = sanitiseSvg(fs.readFileSync(path.join(DIR, m.file), 'utf8'));
    if (!r.ok) throw new Error(JSON.stringify(r.refused));
    expect(r.removed).toEqual([]);
    assignElementIds(r.root);
    const { bindings, problems } = parseBindings(r.root, tags);
    expect(problems).toEqual([]);
    const bound = bindings.flatMap((b) => (b.tag ? [b.tag] : []));
    expect(bound.length).toBeGreaterThan(10);
    expect(bound.filter((t) => !tags.has(t))).toEqual([]);
    const links = bindings.flatMap((b) => (b.link?.startsWith('screen:') ? [b.link.slice(7)] : []));
    expect(links.filter((id) => !manifest.some((x) => x.id === id))).toEqual([]);
  });
});
