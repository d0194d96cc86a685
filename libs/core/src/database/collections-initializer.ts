import { Injectable, Logger } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';

/**
 * Creates every model's collection and indexes once connected (DatabaseState runs it, retried until it
 * succeeds), one after another, before features run their start-up reads. Mongoose would otherwise create them concurrently and implicitly (autoCreate,
 * autoIndex, upserts into missing collections); on FerretDB's SQLite backend concurrent collection
 * creation, cut short by a client going away, was seen to leave the server hung. Done once, in order,
 * the schema is in place before traffic and shutdowns can interrupt it.
 */
@Injectable()
export class CollectionsInitializer {
  private readonly logger = new Logger('Database');

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async run(): Promise<void> {
    const models = Object.values(this.connection.models).sort((a, b) => a.collection.collectionName.localeCompare(b.collection.collectionName));
    const existing = new Set((await this.connection.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const model of models) {
      if (!existing.has(model.collection.collectionName)) {
        await model.createCollection().catch((err: { code?: number }) => {
          if (err?.code !== 48) throw err; // 48: created meanwhile by another IDM instance
        });
      }
      await model.createIndexes();
    }
    this.logger.log(`${models.length} collections and their indexes in place`);
  }
}
