import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './services';

/** Python of the project's test venv (made by scripts/setup.sh), for independent reference implementations. */
export const PYTHON = path.join(ROOT, '.local', 'venv', 'bin', 'python');

export function runPython(script: string, input: string): string {
  const r = spawnSync(PYTHON, [path.join(__dirname, 'py', script)], { input, encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}
