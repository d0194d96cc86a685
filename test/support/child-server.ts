import type { ChildProcess } from 'node:child_process';

/** Waits until a just spawned server answers `answers()` (20 s at most). */
export async function waitUntilAnswering(answers: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (await answers()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start`);
}

/** Stops a server child the hard way (SIGKILL), as a crash or a pulled cable would; resolves once it is gone. */
export async function killHard(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
