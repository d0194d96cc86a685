import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A server process of one test suite (FerretDB, Redis) on its own port and data folder, so a test can kill
 * and restart it without disturbing the other suites.
 */
export abstract class PrivateServer {
  readonly dataDir: string;
  private child: ChildProcess | null = null;

  protected constructor(readonly port: number, prefix: string) {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  }

  protected abstract command(): [string, string[]];
  abstract answers(): Promise<boolean>;

  async start(): Promise<void> {
    const [bin, args] = this.command();
    this.child = spawn(bin, args, { stdio: 'ignore' });
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      if (await this.answers()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`private ${path.basename(bin)} on port ${this.port} did not start`);
  }

  /** Stops the server the hard way (SIGKILL), as a crash or a pulled cable would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.child = null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  async destroy(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
