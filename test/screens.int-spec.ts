import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Role, ScreenDto, ScreenSummaryDto, ScreenVersionDto } from '@idm/contracts';
import { startTestApp, TestApp } from './support/app';
import { clearLoginThrottle, loginAllRoles } from './support/auth';
import { call, eventually } from './support/modbus';

const device = { id: 'plc-g', name: 'PLC G', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
const tag = (sensor_id: string, address: number) => ({
  sensor_id, device_id: 'plc-g', area: 'Boiler house', register_type: 'holding', address, data_type: 'float32', unit: '°C',
  description: `tag ${sensor_id}`, limits: { hi: 80, hihi: 90 },
});

const drawing = (label: string) =>
  '<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 200 100">' +
  `<title>${label}</title>` +
  '<rect id="vessel" x="10" y="10" width="40" height="80" data-idm-tag="LT-G1" data-idm-show="level" data-idm-min="0" data-idm-max="10"/>' +
  '<text id="temp" x="60" y="20" data-idm-tag="TT-G1" data-idm-show="value" data-idm-format="0.0" data-idm-unit="°C">--</text>' +
  '<circle id="TT-G1" cx="150" cy="50" r="10" inkscape:label="pump"/>' +
  '<text id="ghost" data-idm-tag="NOPE-1">--</text>' +
  '<rect x="0" y="0" width="5" height="5"/>' +
  '</svg>';

describe('process-graphics screens over REST (sanitised, versioned, bound to tags)', () => {
  const db = 'idm_test_screens';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-screens-'));
  let t: TestApp;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    await clearLoginThrottle(db);
    t = await startTestApp(db, { DATA_DIR: dataDir, MODBUS_POLLING: '0', ALARM_ON_DELAY_MS: '0', ALARM_FLOOD_THRESHOLD: '1000' });
    tokens = await loginAllRoles(t.url);
    expect((await call(t.url, 'POST', '/devices', tokens.admin, device)).status).toBe(201);
    for (const body of [tag('TT-G1', 0), tag('LT-G1', 2)]) expect((await call(t.url, 'POST', '/tags', tokens.admin, body)).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores an uploaded drawing sanitised, lists what was removed, and parses its bindings with unknown tags flagged', async () => {
    const r = await call(t.url, 'POST', '/screens', tokens.admin, { name: 'Boiler house', area: 'Boiler house', svg: drawing('v1'), note: 'first' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: 'boiler-house', version: 1, parent_id: null, updated_by: 'admin.test', tags: ['LT-G1', 'NOPE-1', 'TT-G1'], unknown_tags: ['NOPE-1'] });
    expect(r.body.removed.map((f: { what: string }) => f.what)).toEqual(['xmlns:inkscape', 'inkscape:label']);
    expect(r.body.svg).not.toContain('inkscape');
    // Elements without an id get one, so the editor can bind them.
    expect(r.body.svg).toContain('<rect id="idm-1" x="0"');
    const got = await call(t.url, 'GET', '/screens/boiler-house', tokens.viewer);
    expect(got.status).toBe(200);
    const s = got.body as ScreenDto;
    expect(s.bindings).toEqual([
      { element_id: 'vessel', kind: 'level', tag: 'LT-G1', min: 0, max: 10, source: 'attributes', known: true },
      { element_id: 'temp', kind: 'value', tag: 'TT-G1', format: '0.0', unit: '°C', source: 'attributes', known: true },
      { element_id: 'TT-G1', kind: 'state', tag: 'TT-G1', source: 'id', known: true },
      { element_id: 'ghost', kind: 'value', tag: 'NOPE-1', source: 'attributes', known: false },
    ]);
  });

  it('refuses a hostile drawing with a 400 listing each finding, and stores nothing', async () => {
    const hostile = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect style="fill:url(https://evil.example/p)"/></svg>';
    const r = await call(t.url, 'POST', '/screens', tokens.admin, { id: 'evil', name: 'Evil', area: 'X', svg: hostile });
    expect(r.status).toBe(400);
    expect(r.body.details).toEqual([
      { field: 'svg', rule: 'sanitiser', message: 'svg: onload="alert(1)": event handler attributes run script' },
      { field: 'svg', rule: 'sanitiser', message: 'svg/script: <script>: script elements can run code or embed other content' },
      { field: 'svg', rule: 'sanitiser', message: 'svg/rect: style="fill:url(https://evil.example/p)": url(https://evil.example/p) refers outside the drawing (only url(#id) is allowed)' },
    ]);
    const lol = `<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>`;
    const bomb = await call(t.url, 'POST', '/screens', tokens.admin, { id: 'evil', name: 'Evil', area: 'X', svg: lol });
    expect(bomb.status).toBe(400);
    expect(bomb.body.message).toContain('DOCTYPE and ENTITY declarations are not allowed');
    expect((await call(t.url, 'GET', '/screens/evil', tokens.admin)).status).toBe(404);
  });

  it('validates fields with a 400 naming them, and lets only admins write', async () => {
    const bad = await call(t.url, 'POST', '/screens', tokens.admin, { id: 'Bad Id', name: '', area: 'X', svg: drawing('x'), parent_id: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['id', 'name']);
    const parent = await call(t.url, 'POST', '/screens', tokens.admin, { name: 'Child', area: 'X', svg: drawing('x'), parent_id: 'nope' });
    expect(parent.body.details).toEqual([{ field: 'parent_id', rule: 'exists', message: 'parent_id: screen "nope" does not exist' }]);
    expect((await call(t.url, 'POST', '/screens', tokens.admin, { name: 'Boiler house', area: 'X', svg: drawing('x') })).status).toBe(409);
    expect((await call(t.url, 'POST', '/screens', tokens.supervisor, { name: 'Other', area: 'X', svg: drawing('x') })).status).toBe(403);
    expect((await call(t.url, 'PUT', '/screens/boiler-house', tokens.operator, { svg: drawing('x') })).status).toBe(403);
    expect((await call(t.url, 'GET', '/screens', null)).status).toBe(401);
  });

  it('saves new versions, lists them, and rolls back by saving the old drawing as a new version', async () => {
    const v2 = await call(t.url, 'PUT', '/screens/boiler-house', tokens.admin, { svg: drawing('v2'), note: 'second' });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2 });
    expect(v2.body.svg).toContain('<title>v2</title>');
    const back = await call(t.url, 'POST', '/screens/boiler-house/rollback', tokens.admin, { version: 1 });
    expect(back.status).toBe(200);
    expect(back.body.version).toBe(3);
    expect(back.body.svg).toContain('<title>v1</title>');
    expect((await call(t.url, 'GET', '/screens/boiler-house', tokens.viewer)).body.svg).toContain('<title>v1</title>');
    const versions = (await call(t.url, 'GET', '/screens/boiler-house/versions', tokens.admin)).body as ScreenVersionDto[];
    expect(versions.map((v) => [v.version, v.note, v.by, v.restored_from])).toEqual([
      [3, 'rollback to version 1', 'admin.test', 1],
      [2, 'second', 'admin.test', null],
      [1, 'first', 'admin.test', null],
    ]);
    const missing = await call(t.url, 'POST', '/screens/boiler-house/rollback', tokens.admin, { version: 9 });
    expect(missing.status).toBe(400);
    expect(missing.body.details[0]).toMatchObject({ field: 'version', message: 'screen "boiler-house" has no version 9 (current: 3)' });
    expect((await call(t.url, 'POST', '/screens/boiler-house/rollback', tokens.admin, { version: 0 })).body.details[0].field).toBe('version');
  });

  it('fixes a binding by element id: rewrites the data attributes as a new version', async () => {
    const fixed = await call(t.url, 'PATCH', '/screens/boiler-house/bindings', tokens.admin, { element_id: 'ghost', kind: 'value', tag: 'TT-G1', format: '0.00', unit: '°C' });
    expect(fixed.status).toBe(200);
    expect(fixed.body.version).toBe(4);
    expect(fixed.body.unknown_tags).toEqual([]);
    expect(fixed.body.bindings.find((b: { element_id: string }) => b.element_id === 'ghost')).toEqual({
      element_id: 'ghost', kind: 'value', tag: 'TT-G1', format: '0.00', unit: '°C', source: 'attributes', known: true,
    });
    const added = await call(t.url, 'PATCH', '/screens/boiler-house/bindings', tokens.admin, { element_id: 'idm-1', kind: 'link', link: 'sensor:LT-G1' });
    expect(added.body.bindings.find((b: { element_id: string }) => b.element_id === 'idm-1')).toMatchObject({ kind: 'link', link: 'sensor:LT-G1' });
    const removed = await call(t.url, 'PATCH', '/screens/boiler-house/bindings', tokens.admin, { element_id: 'idm-1', remove: true });
    expect(removed.body.bindings.map((b: { element_id: string }) => b.element_id)).not.toContain('idm-1');
    const noElement = await call(t.url, 'PATCH', '/screens/boiler-house/bindings', tokens.admin, { element_id: 'nope', kind: 'state', tag: 'TT-G1' });
    expect(noElement.body.details).toEqual([{ field: 'element_id', rule: 'exists', message: 'screen "boiler-house" has no element with id "nope"' }]);
    const badLevel = await call(t.url, 'PATCH', '/screens/boiler-house/bindings', tokens.admin, { element_id: 'vessel', kind: 'level', tag: 'LT-G1', min: 5, max: 1 });
    expect(badLevel.status).toBe(400);
    expect(badLevel.body.details[0]).toMatchObject({ field: 'binding', message: 'data-idm-min and data-idm-max must be numbers with min < max (got "5", "1")' });
    const badFormat = await call(t.url, 'PATCH', '/screens/boiler-house/bindings', tokens.admin, { element_id: 'temp', kind: 'value', tag: 'TT-G1', format: '#.#' });
    expect(badFormat.body.details[0].field).toBe('format');
  });

  it('shows the navigation tree with each screen’s active alarm count, and deletes leaves only', async () => {
    expect((await call(t.url, 'POST', '/screens', tokens.admin, { id: 'feed-pump', name: 'Feed pump', area: 'Boiler house', parent_id: 'boiler-house', svg: drawing('pump') })).status).toBe(201);
    const end = Date.now();
    const samples = [50, 51, 95].map((value, i) => ({ sensor_id: 'TT-G1', timestamp: end - (2 - i) * 1000, value }));
    expect((await call(t.url, 'POST', '/sensors/data', tokens.operator, { samples })).status).toBeLessThan(300);
    const list = await eventually(
      () => call(t.url, 'GET', '/screens', tokens.viewer),
      (r) => (r.body as ScreenSummaryDto[]).every((s) => s.active_alarms > 0),
      15_000,
      100,
    );
    expect((list.body as ScreenSummaryDto[]).map((s) => [s.id, s.parent_id, s.active_alarms])).toEqual([
      ['boiler-house', null, 1],
      ['feed-pump', 'boiler-house', 1],
    ]);
    expect((await call(t.url, 'PUT', '/screens/boiler-house', tokens.admin, { svg: drawing('x'), parent_id: 'feed-pump' })).body.details[0]).toMatchObject({ field: 'parent_id', rule: 'noCycle' });
    expect((await call(t.url, 'DELETE', '/screens/boiler-house', tokens.admin)).status).toBe(409);
    expect((await call(t.url, 'DELETE', '/screens/feed-pump', tokens.admin)).status).toBe(204);
    expect((await call(t.url, 'GET', '/screens/feed-pump', tokens.admin)).status).toBe(404);
    expect((await call(t.url, 'GET', '/screens', tokens.viewer)).body.map((s: ScreenSummaryDto) => s.id)).toEqual(['boiler-house']);
  });
});

describe('SCREENS_DIR: the demo plant’s screens are imported at start while none is stored', () => {
  let t: TestApp;
  afterAll(async () => t?.close());

  it('imports every screen of demo/screens into an empty database, parents first', async () => {
    t = await startTestApp('idm_test_screens_import', { MODBUS_POLLING: '0', SCREENS_DIR: path.join(__dirname, '..', 'demo', 'screens') });
    const { viewer, admin } = await loginAllRoles(t.url);
    const list = await eventually(
      () => call(t.url, 'GET', '/screens', viewer),
      (r) => Array.isArray(r.body) && r.body.length === 7,
      15_000,
      100,
    );
    const screens = list.body as ScreenSummaryDto[];
    expect(screens.filter((s) => s.parent_id === null).map((s) => s.id)).toEqual(['plant']);
    expect(screens.find((s) => s.id === 'boiler-house')).toMatchObject({ area: 'Boiler house', parent_id: 'plant', version: 1, updated_by: null });
    expect(screens.find((s) => s.id === 'boiler-house')!.tags).toContain('P01-LT-004');
    const versions = await call(t.url, 'GET', '/screens/plant/versions', admin);
    expect(versions.body[0].note).toBe('imported from plant.svg');
  });
});
