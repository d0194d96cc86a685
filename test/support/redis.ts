import Redis from 'ioredis';
import { freePort } from './ferretdb';
import { PrivateServer } from './private-server';

/** A private redis-server of one test suite (the binary the services script uses). */
export class PrivateRedis extends PrivateServer {
  private constructor(port: number) {
    super(port, 'idm-redis-');
  }

  static async create(): Promise<PrivateRedis> {
    return new PrivateRedis(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command(): [string, string[]] {
    return ['redis-server', ['--bind', '127.0.0.1', '--port', String(this.port), '--dir', this.dataDir, '--save', '', '--appendonly', 'no']];
  }

  async answers(): Promise<boolean> {
    const client = new Redis({ port: this.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }
}
