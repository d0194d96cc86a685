import * as fs from 'node:fs';
import * as path from 'node:path';
import { MongoClient, type Db } from 'mongodb';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Connection settings of the local services, as written by `scripts/services.sh up`. */
export function serviceEnv(): Record<string, string> {
  const file = path.join(ROOT, '.local', 'services.env');
  const env: Record<string, string> = {};
  if (fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) env[m[1]] = m[2];
    }
  }
  for (const key of ['MONGO_URI', 'REDIS_URL']) if (process.env[key]) env[key] = process.env[key] as string;
  if (!env.MONGO_URI || !env.REDIS_URL) throw new Error('services are not up: run `bash scripts/services.sh up`');
  return env;
}

/** The MongoDB URI of the local server with its database replaced by `db` (each suite uses its own). */
export function mongoUriFor(db: string, base = serviceEnv().MONGO_URI): string {
  const u = new URL(base);
  u.pathname = `/${db}`;
  return u.toString();
}

/** Runs `fn` with a direct driver connection to a suite's database (to seed or inspect what IDM stored). */
export async function withDb<T>(db: string, fn: (d: Db) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(mongoUriFor(db));
  try {
    return await fn(client.db());
  } finally {
    await client.close();
  }
}
