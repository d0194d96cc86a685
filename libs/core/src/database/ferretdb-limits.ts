import type { AnyBulkWriteOperation, Collection } from 'mongodb';

/**
 * Update statements (replaceOne/updateOne) per bulkWrite. FerretDB 1.24 keeps every matched statement's SQLite
 * cursor open until the whole update command ends (a `defer` in a loop), and a database's pool has 100
 * connections: a command of 100 or more statements waits for a connection that it holds itself, and that
 * database hangs for good. Several writers send such commands at once (the historian, the episode refresh, a
 * device import), so they must fit together: at 50, three writers hung FerretDB within seconds; at 30 three
 * hold at most 93 (`test/ferretdb-limits.int-spec.ts`).
 */
export const UPDATES_PER_COMMAND = 30;

/** Documents per `insert` command in `writeById` (FerretDB writes them in one SQLite transaction per 100). */
export const INSERTS_PER_COMMAND = 2000;

/**
 * Writes whole documents by `_id` the fast way FerretDB allows: `inserts` (documents that should not exist yet)
 * in insert commands of INSERTS_PER_COMMAND, any that exists after all (a duplicate `_id`: a replay, or someone
 * else created it meanwhile) replaced instead; `replaces` as `replaceOne` upserts, UPDATES_PER_COMMAND per
 * command. On FerretDB an insert of 1 000 documents costs about what 100 replaces do (each replace is its own
 * read-modify-write transaction). Unordered, no transaction: a failure leaves other documents written. `filterOf`
 * narrows each replace (a fenced write: `fencedFilter`, whose upsert fails with 11000 where a newer writer
 * wrote); the first command with an error throws it, the rest are not sent.
 */
export async function writeById<T extends { _id: unknown }>(
  col: Collection<T>,
  inserts: readonly T[],
  replaces: readonly T[],
  filterOf: (doc: T) => Record<string, unknown> = (d) => ({ _id: d._id }),
): Promise<void> {
  const again: T[] = [];
  for (let i = 0; i < inserts.length; i += INSERTS_PER_COMMAND) {
    const part = inserts.slice(i, i + INSERTS_PER_COMMAND);
    try {
      await col.insertMany(part as never, { ordered: false });
    } catch (err) {
      const e = err as { writeErrors?: Array<{ index: number; code: number }> | { index: number; code: number } };
      const errors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
      if (!errors.length || errors.some((x) => x.code !== 11000)) throw err;
      for (const x of errors) again.push(part[x.index]);
    }
  }
  const all = [...replaces, ...again];
  for (let i = 0; i < all.length; i += UPDATES_PER_COMMAND) {
    const ops = all.slice(i, i + UPDATES_PER_COMMAND).map((d) => ({ replaceOne: { filter: filterOf(d), replacement: d, upsert: true } })) as unknown as AnyBulkWriteOperation<T>[];
    await col.bulkWrite(ops, { ordered: false });
  }
}
