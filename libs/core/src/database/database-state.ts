import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, ConnectOptions } from 'mongoose';
import { AppConfig } from '../config/app-config';
import { CollectionsInitializer } from './collections-initializer';

/** How long start-up waits for the database before going on without it (the driver's server selection). */
export const DATABASE_STARTUP_WAIT_MS = 6000;
const MAX_BACKOFF_MS = 30_000;

/** The Mongoose options of IDM's one connection (also used to reconnect after a failed first connection). */
export function mongooseOptions(): ConnectOptions {
  return {
    // Fail fast on a query while the database is away (health reports it; the driver reconnects).
    serverSelectionTimeoutMS: 5000,
    heartbeatFrequencyMS: 2000,
    // FerretDB does not do retryable writes (no sessions); MongoDB 7 does not need them here.
    retryWrites: false,
    // CollectionsInitializer creates collections and indexes once, in order, once connected.
    autoIndex: false,
    autoCreate: false,
    sanitizeFilter: true,
  };
}

/**
 * Connects to the database without making start-up depend on it. The MongoDB driver reconnects by itself
 * once it has connected, but Mongoose never retries a failed FIRST connection: this does, with backoff, and
 * then puts the collections and indexes in place (in order). `ready` resolves when both are done; features
 * run their start-up reads after it, in the background, and work from memory meanwhile.
 */
@Injectable()
export class DatabaseState implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private resolveReady!: () => void;
  /** Connected once and the collections are in place. */
  readonly ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
  private isReady = false;
  private stopped = false;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly collections: CollectionsInitializer,
    private readonly config: AppConfig,
  ) {}

  /** True once connected and initialised (the driver may still be between reconnects later). */
  get initialised(): boolean {
    return this.isReady;
  }

  /** Connected right now. */
  get connected(): boolean {
    return this.connection.readyState === 1;
  }

  async onModuleInit(): Promise<void> {
    // Handled here; without a listener Mongoose would leave the first connection's failure unhandled.
    this.connection.on('error', () => undefined);
    const started = this.connectAndInitialise();
    const waited = await Promise.race([started.then(() => true), sleep(DATABASE_STARTUP_WAIT_MS).then(() => false)]);
    if (!waited) this.logger.warn('the database does not answer: IDM starts without it (samples are journaled, alarms work from memory) and connects when it returns');
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private async connectAndInitialise(): Promise<void> {
    let backoff = 1000;
    let failing = false;
    while (!this.stopped) {
      try {
        if (this.connection.readyState !== 1) await this.connect();
        await this.collections.run();
        break;
      } catch (err) {
        if (!failing) this.logger.warn(`database not available yet, retrying with backoff up to ${MAX_BACKOFF_MS / 1000} s: ${err instanceof Error ? err.message : String(err)}`);
        failing = true;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    if (this.stopped) return;
    if (failing) this.logger.log('database connected and initialised');
    this.isReady = true;
    this.resolveReady();
  }

  private async connect(): Promise<void> {
    const first = (this.connection as unknown as { $initialConnection?: Promise<unknown> }).$initialConnection;
    if (this.connection.readyState === 2 && first) {
      await first;
      return;
    }
    await this.connection.openUri(this.config.mongoUri, mongooseOptions());
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
