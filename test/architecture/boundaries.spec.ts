// The architecture boundary check (.dependency-cruiser.cjs). It runs in the unit project, so the README test
// command fails (and counts the failure) when the code base crosses a boundary; the fixture test proves each
// rule actually reports its violation, so a rule that silently stopped matching cannot pass for a clean tree.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** Runs dependency-cruiser (an ES module, so as its CLI) in `cwd` and returns the rule violations. */
async function cruise(cwd: string, paths: string[]): Promise<Violation[]> {
  const args = [DEPCRUISE, ...paths, '--config', CONFIG, '--output-type', 'json'];
  // depcruise exits non-zero when it finds violations; the JSON report is on stdout either way.
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string }) => {
      if (!error.stdout) throw new Error(`dependency-cruiser failed: ${error.stderr ?? String(error)}`);
      return { stdout: error.stdout };
    },
  );
  const report = JSON.parse(stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

const describeViolation = (v: Violation) => `${v.rule}: ${v.from} -> ${v.to}`;

describe('architecture boundaries', () => {
  it('the code base crosses no boundary', async () => {
    const violations = await cruise(ROOT, ['libs', 'apps', 'client/src']);
    expect(violations.map(describeViolation)).toEqual([]);
  });

  describe('each rule reports a deliberate bad import', () => {
    let dir: string;
    const LIBS = ['contracts', 'core', 'alarms', 'reports'];

    function write(file: string, text: string) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }

    beforeAll(() => {
      // Inside the repository so that node_modules (for @nestjs/common) resolves as in the real tree.
      mkdirSync(join(ROOT, '.local'), { recursive: true });
      dir = mkdtempSync(join(ROOT, '.local', 'boundaries-'));
      const paths: Record<string, string[]> = {};
      for (const lib of LIBS) {
        paths[`@idm/${lib}`] = [`libs/${lib}/src`];
        paths[`@idm/${lib}/*`] = [`libs/${lib}/src/*`];
      }
      write('tsconfig.json', JSON.stringify({ compilerOptions: { baseUrl: '.', paths } }));

      write('libs/contracts/src/index.ts', `export const PRIORITIES = ['high'];\n`);
      write('libs/contracts/src/up.ts', `import { CORE } from '@idm/core';\nexport const UP = CORE;\n`);

      write('libs/core/src/index.ts', `import { PRIORITIES } from '@idm/contracts';\nexport const CORE = PRIORITIES;\n`);
      write('libs/core/src/up.ts', `import { ALARMS } from '@idm/alarms';\nexport const UP = ALARMS;\n`);

      write('libs/reports/src/index.ts', `export * from './reports.repository';\n`);
      write('libs/reports/src/reports.repository.ts', `export const REPO = 1;\n`);
      write('libs/reports/src/cycle-a.ts', `import { B } from './cycle-b';\nexport const A = () => B;\n`);
      write('libs/reports/src/cycle-b.ts', `import { A } from './cycle-a';\nexport const B = () => A;\n`);

      write('libs/alarms/src/index.ts', `export * from './alarms.service';\n`);
      write(
        'libs/alarms/src/alarms.service.ts',
        `import { CORE } from '@idm/core';\nimport { REPO } from '@idm/reports';\nexport const ALARMS = [CORE, REPO];\n`,
      );
      write('libs/alarms/src/alias-internals.ts', `import { REPO } from '@idm/reports/reports.repository';\nexport const X = REPO;\n`);
      write('libs/alarms/src/relative-internals.ts', `import { REPO } from '../../reports/src/reports.repository';\nexport const X = REPO;\n`);
      write('libs/alarms/src/app-import.ts', `import { MAIN } from '../../../apps/server/src/main';\nexport const X = MAIN;\n`);
      write('libs/alarms/src/unresolved.ts', `import { NOPE } from './nope';\nexport const X = NOPE;\n`);
      write('libs/alarms/src/engine/pure.ts', `import { PRIORITIES } from '@idm/contracts';\nexport const P = PRIORITIES;\n`);
      write('libs/alarms/src/engine/nest.ts', `import { Injectable } from '@nestjs/common';\nexport const N = Injectable;\n`);
      write('libs/alarms/src/engine/io.ts', `import { readFileSync } from 'node:fs';\nexport const F = readFileSync;\n`);
      write('libs/alarms/src/engine/shell.ts', `import { ALARMS } from '../alarms.service';\nexport const S = ALARMS;\n`);

      write('apps/server/src/main.ts', `import { ALARMS } from '@idm/alarms';\nexport const MAIN = ALARMS;\n`);
      write('apps/server/src/deep.ts', `import { ALARMS } from '@idm/alarms/alarms.service';\nexport const D = ALARMS;\n`);

      write('client/src/components/ui/badge.tsx', `export const Badge = 'badge';\n`);
      write('client/src/features/sensors/sensor-card.tsx', `import { Badge } from '../../components/ui/badge';\nexport const Card = Badge;\n`);
      write('client/src/lib/config.ts', `import { CORE } from '../../../libs/core/src';\nexport const CONFIG = CORE;\n`);
      write('client/src/features/alarms/alarm-row.tsx', `import { Card } from '../sensors/sensor-card';\nexport const Row = Card;\n`);
    });

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('names the rule and the importing file of every bad import, and nothing else', async () => {
      const violations = await cruise(dir, ['libs', 'apps', 'client/src']);
      const found = new Set(violations.filter((v) => v.rule !== 'no-circular').map((v) => `${v.rule}: ${v.from}`));
      expect([...found].sort()).toEqual(
        [
          'contracts-imports-nothing-of-ours: libs/contracts/src/up.ts',
          'core-imports-only-contracts: libs/core/src/up.ts',
          'no-sibling-internals: libs/alarms/src/alias-internals.ts',
          'no-sibling-internals: libs/alarms/src/relative-internals.ts',
          'no-sibling-internals: apps/server/src/deep.ts',
          'libraries-do-not-import-apps: libs/alarms/src/app-import.ts',
          'not-to-unresolvable: libs/alarms/src/unresolved.ts',
          'engine-imports-no-nest-or-io: libs/alarms/src/engine/nest.ts',
          'engine-imports-no-nest-or-io: libs/alarms/src/engine/io.ts',
          'engine-imports-only-engine-and-contracts: libs/alarms/src/engine/shell.ts',
          'client-features-are-independent: client/src/features/alarms/alarm-row.tsx',
          'client-imports-only-contracts: client/src/lib/config.ts',
        ].sort(),
      );
      const cycles = violations.filter((v) => v.rule === 'no-circular').map((v) => v.from);
      expect(cycles).toContain('libs/reports/src/cycle-a.ts');
    }, 120_000);
  });
});
