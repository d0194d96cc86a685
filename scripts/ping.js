// Exit 0 when a MongoDB-wire server or Redis answers a ping within 2 s; used by services.sh.
// usage: node scripts/ping.js mongo <uri> | redis <url>
const [kind, url] = process.argv.slice(2);

async function main() {
  if (kind === 'mongo') {
    const { MongoClient } = require('mongodb');
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
    try {
      await client.db('admin').command({ ping: 1 });
    } finally {
      await client.close().catch(() => undefined);
    }
  } else if (kind === 'redis') {
    const Redis = require('ioredis');
    const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await redis.ping();
    } finally {
      redis.disconnect();
    }
  } else {
    throw new Error(`unknown kind ${kind}`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    if (process.env.PING_VERBOSE) console.error(err.message);
    process.exit(1);
  },
);
