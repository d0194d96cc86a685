import { startTestApp, TestApp } from './support/app';
import { loginAllRoles } from './support/auth';
import { call } from './support/modbus';

const device = { id: 'plc-r', name: 'PLC R', host: '127.0.0.1', port: 1502, enabled: false };
const tag = { sensor_id: 'TT-R1', device_id: 'plc-r', register_type: 'holding', address: 0, data_type: 'float32' };

/** What outside testing broke in the REST surface (issue 17, item 12), on the real services. */
describe('REST robustness: nulls, query filters, bodies, methods and documented answers', () => {
  let t: TestApp;
  let tokens: Awaited<ReturnType<typeof loginAllRoles>>;

  beforeAll(async () => {
    t = await startTestApp('idm_test_api_robustness');
    tokens = await loginAllRoles(t.url);
    expect((await call(t.url, 'POST', '/devices', tokens.admin, device)).status).toBe(201);
    expect((await call(t.url, 'POST', '/tags', tokens.admin, tag)).status).toBe(201);
  });
  afterAll(async () => t?.close());

  it('refuses null for a field with a 400 naming it, and stores nothing', async () => {
    const host = await call(t.url, 'PATCH', '/devices/plc-r', tokens.admin, { host: null });
    expect(host.status).toBe(400);
    expect(host.body.details).toEqual([{ field: 'host', rule: 'notNull', message: expect.stringContaining('host must not be null') }]);
    const interval = await call(t.url, 'PATCH', '/devices/plc-r', tokens.admin, { poll_interval_ms: null, name: 'renamed' });
    expect(interval.status).toBe(400);
    expect(interval.body.details.map((d: { field: string }) => d.field)).toEqual(['poll_interval_ms']);
    const nested = await call(t.url, 'PATCH', '/tags/TT-R1', tokens.admin, { limits: { hi: null } });
    expect(nested.status).toBe(400);
    expect(nested.body.details).toEqual([expect.objectContaining({ field: 'limits.hi', rule: 'notNull' })]);
    const stored = await call(t.url, 'GET', '/devices/plc-r', tokens.viewer);
    expect(stored.body).toMatchObject({ host: '127.0.0.1', name: 'PLC R', poll_interval_ms: 1000 });
    // A field whose null has a meaning keeps it.
    expect((await call(t.url, 'PATCH', '/tags/TT-R1', tokens.admin, { alarm_priority: null })).status).toBe(200);
  });

  it('refuses filters that are not one plain value, and undeclared query parameters, like /alarms does', async () => {
    for (const q of ['device_id[$ne]=x', 'device_id=plc-r&device_id=x', 'devcie_id=plc-r']) {
      const r = await call(t.url, 'GET', `/tags?${q}`, tokens.viewer);
      expect({ q, status: r.status }).toEqual({ q, status: 400 });
      expect(r.body.details[0].field).toMatch(/^dev/);
    }
    expect((await call(t.url, 'GET', '/alarms?source_id[$ne]=x', tokens.viewer)).status).toBe(400);
    expect((await call(t.url, 'GET', '/devices?x=1', tokens.viewer)).body.message).toBe('x is not an allowed query parameter (this route takes none)');
    expect((await call(t.url, 'GET', '/tags?device_id=plc-r', tokens.viewer)).body.map((x: { sensor_id: string }) => x.sensor_id)).toEqual(['TT-R1']);
  });

  it('refuses a POST without a body where the body carries the request, and takes {} for the defaults', async () => {
    const bare = await fetch(`${t.url}/reports/jobs`, { method: 'POST', headers: { authorization: `Bearer ${tokens.supervisor}` } });
    expect(bare.status).toBe(400);
    expect(await bare.json()).toMatchObject({ message: expect.stringContaining('a JSON body is required'), details: [{ field: 'body', rule: 'required' }] });
    const empty = await call(t.url, 'POST', '/reports/jobs', tokens.supervisor);
    expect(empty.status).toBe(400);
    expect((await call(t.url, 'POST', '/reports/jobs', tokens.supervisor, {})).status).toBe(202);
  });

  it('answers a method a known path does not take with 405 and Allow, an unknown path with 404', async () => {
    const put = await fetch(`${t.url}/devices/plc-r`, { method: 'PUT', headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH');
    expect(await put.json()).toEqual({ statusCode: 405, error: 'Method Not Allowed', message: 'PUT is not allowed on /devices/plc-r (allowed: DELETE, GET, HEAD, PATCH)' });
    const del = await fetch(`${t.url}/health`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${t.url}/no/such/route`, { method: 'PUT' })).status).toBe(404);
    expect((await fetch(`${t.url}/devices/plc-r`, { method: 'HEAD', headers: { authorization: `Bearer ${tokens.admin}` } })).status).toBe(200);
  });

  it('documents the 400, 404, 409 and 503 every operation can answer', async () => {
    const doc = await (await fetch(`${t.url}/docs-json`)).json();
    const missing: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        const codes = Object.keys(op.responses ?? {});
        const want = ['400', ...(path.includes('{') ? ['404'] : []), ...(op['x-idm-plant-write'] && method !== 'get' ? ['409'] : []), ...(op['x-idm-public'] ? [] : ['401', '503'])];
        for (const c of want) if (!codes.includes(c)) missing.push(`${method.toUpperCase()} ${path}: ${c}`);
      }
    }
    expect(missing).toEqual([]);
    expect(doc.paths['/devices/{id}'].patch.responses['409']).toBeDefined();
    expect(doc.paths['/auth/login'].post.responses['429']).toBeDefined();
  });
});
