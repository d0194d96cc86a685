import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import mongoose from 'mongoose';
import { AppConfig } from '../config/app-config';
import { CollectionsInitializer } from './collections-initializer';
import { DatabaseState, mongooseOptions } from './database-state';

// Filters built from request data can never carry query operators ({"$gt": ""} is cast to a literal),
// and a filter on a path the schema does not know is an error instead of a silent full match.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');

/** The one Mongoose root connection; each feature registers its models with `forFeature`. */
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        uri: config.mongoUri,
        ...mongooseOptions(),
        // Start without waiting for the database: Mongoose does not retry a failed first connection and
        // @nestjs/mongoose would fail the start after its retries; DatabaseState connects in the background.
        lazyConnection: true,
      }),
    }),
  ],
  providers: [CollectionsInitializer, DatabaseState],
  exports: [DatabaseState],
})
export class DatabaseModule {}
