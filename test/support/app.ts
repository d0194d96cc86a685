import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import mongoose from 'mongoose';
import { loadConfig } from '@idm/core';
import { createApp } from '../../apps/server/src/create-app';
import { mongoUriFor, serviceEnv } from './services';

/** The scrape token test apps accept at /metrics (as Prometheus would send it). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789abcdef';

/** `/metrics` of an IDM at `url`, scraped as Prometheus does (bearer scrape token). */
export async function scrapeMetrics(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

export interface TestApp {
  app: NestExpressApplication;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/**
 * Boots the whole IDM app in this process against the real local services, on a fresh database named
 * `db`, listening on a free port.
 */
export async function startTestApp(db: string, env: Record<string, string> = {}): Promise<TestApp> {
  const services = serviceEnv();
  const mongoUri = env.MONGO_URI ?? mongoUriFor(db);
  if (!env.KEEP_DB) await dropDatabase(mongoUri);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: services.REDIS_URL,
    SMTP_HOST: services.SMTP_HOST ?? '127.0.0.1',
    SMTP_PORT: services.SMTP_PORT ?? '1025',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    // Each suite's BullMQ keys apart from the others' and from a running IDM (`idm`) sharing this Redis.
    QUEUE_PREFIX: `idm_test_${db}`,
    ...env,
    MONGO_URI: mongoUri,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export async function dropDatabase(uri: string): Promise<void> {
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}
