import { trusted } from 'mongoose';

/**
 * Fencing of state a stale writer could overwrite (alarms, detector state): each such document carries the
 * epoch of the writer that wrote it, and a write matches only a document no newer epoch has written. The
 * filter is `_id` plus the epoch condition: with upsert, a document held by a newer epoch does not match,
 * the insert then collides on `_id`, and the write fails with 11000 (MongoDB and FerretDB alike; on
 * FerretDB the check and the write are not one atomic step, see the README).
 * `epoch` null (IDM_ROLE=all/screens): an `_id` filter as before.
 */
export function fencedFilter(id: string, epoch: number | null): Record<string, unknown> {
  return epoch === null ? { _id: id } : { _id: id, epoch: trusted({ $not: { $gt: epoch } }) };
}

/** Whether a fenced write failed because a newer epoch has written (the `_id` collision of the upsert). */
export function isFencedOut(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: Array<{ code?: number }> };
  return e?.code === 11000 || !!e?.writeErrors?.some((w) => w.code === 11000);
}
