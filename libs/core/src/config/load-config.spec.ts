import { ConfigError } from './config-error';
import { EXAMPLE_JWT_SECRET, loadConfig } from './load-config';

const base = { MONGO_URI: 'mongodb://127.0.0.1:27017/idm', REDIS_URL: 'redis://127.0.0.1:6379' };

function problem(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults and types values', () => {
    const c = loadConfig({ ...base, PORT: '4000' });
    expect(c.port).toBe(4000);
    expect(c.nodeEnv).toBe('development');
    expect(c.jwt.accessTtlSeconds).toBe(900);
    expect(c.jwt.generated).toBe(true);
    expect(c.clientDist).toBeNull();
    expect(c.databaseName).toBe('idm');
    expect(loadConfig({ ...base, MONGO_URI: 'mongodb://db.plant:27017/idm_north?directConnection=true' }).databaseName).toBe('idm_north');
    expect(loadConfig({ ...base, MONGO_URI: 'mongodb://db.plant:27017' }).databaseName).toBe('idm');
  });

  it('reads IDM_ROLE: all by default; screens turns Modbus polling off whatever MODBUS_POLLING says', () => {
    const all = loadConfig(base);
    expect(all.role).toBe('all');
    expect(all.modbus.polling).toBe(true);
    const screens = loadConfig({ ...base, IDM_ROLE: 'screens', MODBUS_POLLING: 'true' });
    expect(screens.role).toBe('screens');
    expect(screens.modbus.polling).toBe(false);
    expect(loadConfig({ ...base, IDM_ROLE: 'all', MODBUS_POLLING: '0' }).modbus.polling).toBe(false);
    expect(problem({ ...base, IDM_ROLE: 'reader' }).message).toBe('IDM_ROLE must be one of [all, screens, auto] (got "reader")');
  });

  it('reads IDM_ROLE=auto with the writer lease: 3 s renewed every second by default, a renew interval that leaves no slack refused', () => {
    const auto = loadConfig({ ...base, IDM_ROLE: 'auto', IDM_INSTANCE_ID: 'idm-a', IDM_ADVERTISE_URL: 'http://idm-a:3000/' });
    expect(auto.role).toBe('auto');
    expect(auto.modbus.polling).toBe(true); // polled only while this instance is the writer (WriterRole)
    expect(auto.cluster).toEqual({ lease: { leaseMs: 3000, renewMs: 1000, marginMs: 600 }, instanceId: 'idm-a', advertiseUrl: 'http://idm-a:3000' });
    expect(loadConfig(base).cluster.instanceId).toMatch(/^.+:\d+$/); // hostname:pid
    expect(loadConfig({ ...base, IDM_LEASE_MS: '6000', IDM_LEASE_RENEW_MS: '1500' }).cluster.lease).toEqual({ leaseMs: 6000, renewMs: 1500, marginMs: 1200 });
    expect(problem({ ...base, IDM_LEASE_MS: '500' }).message).toBe('IDM_LEASE_MS must be greater than or equal to 1000 (got 500)');
    expect(problem({ ...base, IDM_LEASE_MS: '3000', IDM_LEASE_RENEW_MS: '1500' }).message).toBe(
      'IDM_LEASE_RENEW_MS renew interval 1500 ms is too long for a lease of 3000 ms: two renews must fit in lease - margin (2400 ms)',
    );
    expect(problem({ ...base, IDM_ADVERTISE_URL: 'idm-a:3000' }).message).toBe('IDM_ADVERTISE_URL must be an http:// or https:// URL (got "idm-a:3000")');
    expect(problem({ ...base, IDM_INSTANCE_ID: 'a b' }).message).toBe('IDM_INSTANCE_ID must be 1-100 letters, digits, _ . : - (got "a b")');
  });

  it('trusts no proxy by default, and only the named proxies when TRUST_PROXY lists them', () => {
    expect(loadConfig(base).trustProxy).toEqual([]);
    expect(loadConfig({ ...base, TRUST_PROXY: '' }).trustProxy).toEqual([]);
    expect(loadConfig({ ...base, TRUST_PROXY: 'off' }).trustProxy).toEqual([]);
    expect(loadConfig({ ...base, TRUST_PROXY: ' 10.0.0.5, 192.168.0.0/16,loopback, fd00::/8 ' }).trustProxy).toEqual(['10.0.0.5', '192.168.0.0/16', 'loopback', 'fd00::/8']);
    for (const bad of ['true', '1', 'proxy.plant', '10.0.0.0/33', '10.0.0.1,*']) {
      const err = problem({ ...base, TRUST_PROXY: bad });
      expect(err.message).toMatch(/^TRUST_PROXY must be off, or a comma-separated list of proxy addresses, subnets or loopback\/linklocal\/uniquelocal: ".+" is not an IP address/);
    }
  });

  it('names a missing MONGO_URI in one line', () => {
    const e = problem({ REDIS_URL: base.REDIS_URL });
    expect(e.variable).toBe('MONGO_URI');
    expect(e.message).toBe('MONGO_URI is required but not set');
  });

  it('names a malformed MONGO_URI and shows what it got', () => {
    const e = problem({ ...base, MONGO_URI: 'localhost:27017' });
    expect(e.message).toMatch(/^MONGO_URI must be a mongodb:\/\/ or mongodb\+srv:\/\/ URI \(got "localhost:27017"\)$/);
    expect(e.message).not.toContain('\n');
  });

  it("reads the names of IDM's OPC UA certificate (IDM by default) and names one that would break its subject or URI", () => {
    expect(loadConfig(base).opcua).toEqual({ applicationName: 'IDM', organization: 'IDM' });
    expect(loadConfig({ ...base, OPCUA_APPLICATION_NAME: 'IDM-Line3', OPCUA_ORGANIZATION: 'ACME Water' }).opcua).toEqual({ applicationName: 'IDM-Line3', organization: 'ACME Water' });
    expect(problem({ ...base, OPCUA_APPLICATION_NAME: 'IDM/2' }).variable).toBe('OPCUA_APPLICATION_NAME');
    expect(problem({ ...base, OPCUA_APPLICATION_NAME: 'urn:x' }).variable).toBe('OPCUA_APPLICATION_NAME');
    expect(problem({ ...base, OPCUA_ORGANIZATION: 'O=ACME' }).variable).toBe('OPCUA_ORGANIZATION');
  });

  it('names a bad PORT', () => {
    expect(problem({ ...base, PORT: 'eighty' }).variable).toBe('PORT');
    expect(problem({ ...base, PORT: '70000' }).message).toMatch(/^PORT must be less than or equal to 65535/);
  });

  it('refuses production without a JWT_SECRET, or with the example one', () => {
    expect(problem({ ...base, NODE_ENV: 'production' }).message).toMatch(/^JWT_SECRET is required when NODE_ENV=production/);
    expect(problem({ ...base, NODE_ENV: 'production', JWT_SECRET: EXAMPLE_JWT_SECRET }).message).toMatch(/example value/);
  });

  it('refuses a short secret without echoing it', () => {
    const e = problem({ ...base, JWT_SECRET: 'hunter2' });
    expect(e.message).toBe('JWT_SECRET must be at least 32 characters long');
  });

  it('takes an optional scrape token for /metrics and refuses a short one without echoing it', () => {
    expect(loadConfig(base).metricsToken).toBeUndefined();
    expect(loadConfig({ ...base, METRICS_TOKEN: 'm'.repeat(32) }).metricsToken).toBe('m'.repeat(32));
    const e = problem({ ...base, METRICS_TOKEN: 'scrape-me' });
    expect(e.message).toMatch(/^METRICS_TOKEN must be at least 24 characters long/);
    expect(e.message).not.toContain('scrape-me');
  });

  it('accepts production with a real secret and serves the client build', () => {
    const c = loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }, '/srv/idm');
    expect(c.jwt.generated).toBe(false);
    expect(c.clientDist).toBe('/srv/idm/client/dist');
  });
});
