import { isDeepStrictEqual } from 'node:util';

/** What a bulk save of registry records writes. Pure: no Nest, no Mongoose. */
export interface RecordWrites<T> {
  /** Not stored yet. */
  inserts: T[];
  /** Stored, but differently. */
  replaces: T[];
  /** Stored exactly so: not written at all. */
  unchanged: number;
}

/**
 * Sorts records by what storing them takes, against the stored ones as the registry reads them: an unchanged
 * record is not written (an unchanged device file imported again writes nothing), a new one is inserted
 * (FerretDB inserts a batch in one SQLite transaction), a changed one is replaced (one read-modify-write
 * each on FerretDB). Read the same way as the registry's change check, so "unchanged" here is "no restart" there.
 */
export function recordWrites<T>(records: readonly T[], idOf: (r: T) => string, stored: ReadonlyMap<string, T>): RecordWrites<T> {
  const out: RecordWrites<T> = { inserts: [], replaces: [], unchanged: 0 };
  for (const r of records) {
    const before = stored.get(idOf(r));
    if (before === undefined) out.inserts.push(r);
    else if (isDeepStrictEqual(before, r)) out.unchanged++;
    else out.replaces.push(r);
  }
  return out;
}
