import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { killHard, waitUntilAnswering } from './child-server';
import { ROOT } from './services';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A private FerretDB of one test suite (same binary as the local default), so a test can stop, kill and
 * restart "the database" without disturbing the other suites.
 */
export class PrivateFerretDb {
  readonly dataDir: string;
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-ferretdb-'));
  }

  static async create(): Promise<PrivateFerretDb> {
    return new PrivateFerretDb(await freePort());
  }

  uri(db: string): string {
    return `mongodb://127.0.0.1:${this.port}/${db}`;
  }

  async start(): Promise<void> {
    const bin = path.join(ROOT, '.local', 'bin', 'ferretdb');
    this.child = spawn(bin, [`--listen-addr=127.0.0.1:${this.port}`, `--sqlite-url=file:${this.dataDir}/`, '--log-level=error'], {
      stdio: 'ignore',
    });
    await waitUntilAnswering(() => this.answers(), `private FerretDB on port ${this.port}`);
  }

  /** Stops the server the hard way (SIGKILL), as a crash or a pulled cable would. */
  async kill(): Promise<void> {
    await killHard(this.child);
    this.child = null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  async destroy(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  async answers(): Promise<boolean> {
    const client = new MongoClient(`mongodb://127.0.0.1:${this.port}/`, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      return true;
    } catch {
      return false;
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}
