import { TagRegistryService } from '@idm/ingestion';
import { startTestApp, TestApp } from './support/app';
import { registerAndLogin } from './support/auth';
import { call } from './support/modbus';

jest.setTimeout(120_000);

// Shapes only: the device is disabled, so nothing reads these; what matters is that they never come back out.
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUidmClientCertificate0000000000wCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSecretIdmClientKey00\n-----END PRIVATE KEY-----\n';

/** An MQTT device's secrets (password, TLS client key) are write-only: never in an answer nor an export, kept when left out. */
describe('MQTT device secrets', () => {
  let t: TestApp;
  let admin: string;
  const stored = () => t.app.get(TagRegistryService).getDevice('mq-tls') as { tls_key?: string; password?: string } | undefined;
  const noSecret = (body: unknown) => {
    const text = JSON.stringify(body);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain('s3cret');
  };

  beforeAll(async () => {
    t = await startTestApp('idm_test_mqtt_secrets');
    admin = (await registerAndLogin(t.url, { username: 'admin.secrets' })).access_token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the client key and the password are accepted but never returned: answers say tls_key_set and password_set', async () => {
    const created = await call(t.url, 'POST', '/devices', admin, {
      id: 'mq-tls', name: 'TLS broker', protocol: 'mqtt', broker_url: 'mqtts://broker.plant:8883', client_id: 'idm-tls', mode: 'plain',
      tls_cert: CERT, tls_key: KEY, username: 'idm', password: 's3cret', timeout_ms: 5000, enabled: false,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tls_cert: CERT, tls_key_set: true, password_set: true });
    expect(created.body).not.toHaveProperty('tls_key');
    noSecret(created.body);
    for (const route of ['/devices/mq-tls', '/devices']) {
      const r = await call(t.url, 'GET', route, admin);
      expect(r.status).toBe(200);
      noSecret(r.body);
    }
    expect((await call(t.url, 'GET', '/devices/mq-tls', admin)).body).toMatchObject({ tls_key_set: true, password_set: true });
    expect(stored()).toMatchObject({ tls_key: KEY, password: 's3cret' });
  });

  it('left out on update (or sent back as tls_key_set), the stored key and password are kept', async () => {
    const before = (await call(t.url, 'GET', '/devices/mq-tls', admin)).body;
    const r = await call(t.url, 'PATCH', '/devices/mq-tls', admin, { ...before, id: undefined, protocol: undefined, name: 'TLS broker 2' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'TLS broker 2', tls_key_set: true, password_set: true });
    noSecret(r.body);
    expect(stored()).toMatchObject({ tls_key: KEY, password: 's3cret' });
  });

  it('an export carries neither, and importing it back keeps both', async () => {
    for (const format of ['json', 'yaml']) {
      const file = await call(t.url, 'GET', `/devices/export?format=${format}`, admin);
      expect(file.status).toBe(200);
      noSecret(file.body);
      expect(JSON.stringify(file.body)).not.toContain('tls_key');
    }
    const body = (await call(t.url, 'GET', '/devices/export?format=json', admin)).body;
    const json = typeof body === 'string' ? JSON.parse(body) : body;
    expect(json.devices.find((d: { id: string }) => d.id === 'mq-tls')).toMatchObject({ tls_cert: CERT, username: 'idm' });
    const back = await call(t.url, 'POST', '/devices/import?mode=merge', admin, json);
    expect([back.status, back.body.message]).toEqual([200, undefined]);
    expect(stored()).toMatchObject({ tls_key: KEY, password: 's3cret' });
    expect((await call(t.url, 'GET', '/devices/mq-tls', admin)).body).toMatchObject({ tls_key_set: true, password_set: true });
  });
});
