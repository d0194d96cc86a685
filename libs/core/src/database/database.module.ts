import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import mongoose from 'mongoose';
import { AppConfig } from '../config/app-config';
import { CollectionsInitializer } from './collections-initializer';

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
        // Fail fast on a query while the database is away (health reports it; the driver reconnects).
        serverSelectionTimeoutMS: 5000,
        heartbeatFrequencyMS: 2000,
        // FerretDB does not do retryable writes (no sessions); MongoDB 7 does not need them here.
        retryWrites: false,
        // CollectionsInitializer creates collections and indexes once, in order, at start-up.
        autoIndex: false,
        autoCreate: false,
        sanitizeFilter: true,
      }),
    }),
  ],
  providers: [CollectionsInitializer],
})
export class DatabaseModule {}
