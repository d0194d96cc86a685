import * as net from 'node:net';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { PrivateServer } from './private-server';
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

/** A private FerretDB of one test suite (same binary as the local default). */
export class PrivateFerretDb extends PrivateServer {
  private constructor(port: number) {
    super(port, 'idm-ferretdb-');
  }

  static async create(): Promise<PrivateFerretDb> {
    return new PrivateFerretDb(await freePort());
  }

  uri(db: string): string {
    return `mongodb://127.0.0.1:${this.port}/${db}`;
  }

  protected command(): [string, string[]] {
    return [path.join(ROOT, '.local', 'bin', 'ferretdb'), [`--listen-addr=127.0.0.1:${this.port}`, `--sqlite-url=file:${this.dataDir}/`, '--log-level=error']];
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
