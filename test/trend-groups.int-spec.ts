import type { Role, TrendGroupDto } from '@idm/contracts';
import { startTestApp, TestApp } from './support/app';
import { clearLoginThrottle, loginAllRoles } from './support/auth';
import { call } from './support/modbus';

describe('trend groups: GET/PUT /trends/groups, per user', () => {
  const db = 'idm_test_trend_groups';
  let t: TestApp;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    await clearLoginThrottle(db);
    t = await startTestApp(db, { MODBUS_POLLING: '0' });
    tokens = await loginAllRoles(t.url);
  });
  afterAll(async () => t?.close());

  const boiler: TrendGroupDto = { name: 'Boiler check', pens: ['TT-101', 'PT-102', 'FT-103'], axes: 'own', range: '8h' };
  const tank: TrendGroupDto = { name: 'A tank', pens: ['LT-201'], axes: 'shared', range: '24h' };

  it('keeps each user their own list, sorted by name, replaced as a whole', async () => {
    expect(await call(t.url, 'GET', '/trends/groups', tokens.viewer)).toEqual({ status: 200, body: [] });
    const saved = await call(t.url, 'PUT', '/trends/groups', tokens.viewer, { groups: [boiler, tank] });
    expect(saved).toEqual({ status: 200, body: [tank, boiler] });
    expect((await call(t.url, 'GET', '/trends/groups', tokens.viewer)).body).toEqual([tank, boiler]);
    // Another user sees none of them.
    expect((await call(t.url, 'GET', '/trends/groups', tokens.operator)).body).toEqual([]);
    expect((await call(t.url, 'PUT', '/trends/groups', tokens.viewer, { groups: [boiler] })).status).toBe(200);
    expect((await call(t.url, 'GET', '/trends/groups', tokens.viewer)).body).toEqual([boiler]);
    expect((await call(t.url, 'GET', '/trends/groups', null)).status).toBe(401);
  });

  it('answers 400 naming the field for a bad group', async () => {
    const cases: [unknown, string][] = [
      [{ groups: [{ ...boiler, pens: [] }] }, 'groups[0].pens'],
      [{ groups: [{ ...boiler, pens: Array.from({ length: 9 }, (_, i) => `T${i}`) }] }, 'groups[0].pens'],
      [{ groups: [{ ...boiler, pens: ['TT,101'] }] }, 'groups[0].pens'],
      [{ groups: [{ ...boiler, pens: [{ $gt: '' }] }] }, 'groups[0].pens'],
      [{ groups: [tank, { ...boiler, axes: 'left' }] }, 'groups[1].axes'],
      [{ groups: [{ ...boiler, range: '3y' }] }, 'groups[0].range'],
      [{ groups: [{ ...boiler, name: '' }] }, 'groups[0].name'],
      [{ groups: [boiler, { ...tank, name: boiler.name }] }, 'groups[1].name'],
      [{ groups: Array.from({ length: 51 }, (_, i) => ({ ...boiler, name: `g${i}` })) }, 'groups'],
      [{}, 'groups'],
    ];
    for (const [body, field] of cases) {
      const res = await call(t.url, 'PUT', '/trends/groups', tokens.viewer, body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect({ field, fields: (res.body.details ?? []).map((d: { field: string }) => d.field) }).toEqual({ field, fields: expect.arrayContaining([field]) });
    }
    expect((await call(t.url, 'GET', '/trends/groups', tokens.viewer)).body).toEqual([boiler]);
  });
});
