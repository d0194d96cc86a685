import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { killHard, waitUntilAnswering } from './child-server';
import { freePort } from './ferretdb';

/**
 * A private redis-server of one test suite (no persistence), so a test can kill and restart "Redis" without
 * disturbing the other suites. Restarted on the same port, an IDM connected to it reconnects by itself.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async create(): Promise<PrivateRedis> {
    return new PrivateRedis(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitUntilAnswering(() => this.answers(), `private Redis on port ${this.port}`);
  }

  /** Stops the server the hard way (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    await killHard(this.child);
    this.child = null;
  }

  private async answers(): Promise<boolean> {
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }
}
