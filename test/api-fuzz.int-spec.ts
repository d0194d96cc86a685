import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestApp, TestApp } from './support/app';
import { loginAllRoles } from './support/auth';
import { call } from './support/modbus';
import { ROOT } from './support/services';

const SCHEMATHESIS = path.join(ROOT, '.local', 'venv', 'bin', 'schemathesis');

/** Runs the CLI to the end; its whole output comes back, so a failure shows what schemathesis found. */
function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Its own working directory: schemathesis and hypothesis leave state folders there, not in the repository.
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-fuzz-'));
    const child = spawn(SCHEMATHESIS, args, { cwd, env: { ...process.env, NO_COLOR: '1', COLUMNS: '160' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(cwd, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}

/**
 * A schema fuzz run (schemathesis, an independent OpenAPI fuzzer from PyPI) against the whole API signed in as
 * an admin: no answer may be a 5xx, and every status must be one the operation documents. Deterministic (fixed
 * seed, few examples per operation) and bounded in time.
 */
describe('API fuzz: schemathesis against /docs-json', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    // No polling: devices the fuzzer registers (at made-up addresses) stay still, so runs repeat.
    t = await startTestApp('idm_test_api_fuzz', { AUTH_LOGIN_MAX_ATTEMPTS_PER_IP: '100000', MODBUS_POLLING: '0' });
    admin = (await loginAllRoles(t.url)).admin;
    // Something to find: a device and a tag the generated ids may hit.
    expect((await call(t.url, 'POST', '/devices', admin, { id: 'plc-f', name: 'PLC F', host: '127.0.0.1', port: 1502, enabled: false })).status).toBe(201);
    expect((await call(t.url, 'POST', '/tags', admin, { sensor_id: 'TT-F1', device_id: 'plc-f', register_type: 'holding', address: 0, data_type: 'float32' })).status).toBe(201);
  });
  afterAll(async () => t?.close());

  it('finds no server error and no undocumented status', async () => {
    const { code, output } = await run([
      'run', `${t.url}/docs-json`,
      '--checks', 'not_a_server_error,status_code_conformance',
      '--max-examples', '20',
      '--seed', '17',
      '--generation-deterministic',
      '--request-timeout', '20',
      '--header', `Authorization: Bearer ${admin}`,
      // Logging out (all: true) would end the fuzzer's own token and leave every later call a 401.
      '--exclude-path', '/auth/logout',
      '--no-color',
    ]);
    if (code !== 0) throw new Error(`schemathesis found problems (exit ${code}):\n${output}`);
    // e.g. "3538 generated, 3538 passed", for the log.
    const summary = output.split('\n').filter((l) => /\d+ generated/.test(l));
    expect(summary.length).toBeGreaterThan(0);
    console.info(`schemathesis: ${summary.map((l) => l.replace(/[=\s]+/g, ' ').trim()).join('; ')}`);
  }, 480_000);
});
