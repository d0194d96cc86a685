import { UPDATES_PER_COMMAND, writeById } from '@idm/core';
import { withDb } from './support/services';

interface Doc {
  _id: string;
  v: string;
}
const docs = (n: number, tag: string): Doc[] => Array.from({ length: n }, (_, i) => ({ _id: `D-${String(i).padStart(4, '0')}`, v: `${tag} ${i}` }));

describe('writeById against FerretDB', () => {
  it('inserts new documents in bulk and replaces those that exist already (a duplicate insert included)', async () => {
    await withDb('idm_test_write_by_id', async (db) => {
      await db.dropDatabase();
      const col = db.collection<Doc>('docs');
      await writeById(col, docs(300, 'new'), []);
      // D-0000 is stored already: its insert fails as a duplicate and is replaced instead.
      await writeById(col, [{ _id: 'D-0000', v: 'again' }, { _id: 'D-0300', v: 'added' }], docs(300, 'changed').slice(1));
      const stored = await col.find().sort({ _id: 1 }).toArray();
      expect(stored.map((d) => [d._id, d.v])).toEqual([['D-0000', 'again'], ...docs(300, 'changed').slice(1).map((d) => [d._id, d.v]), ['D-0300', 'added']]);
    });
  });

  // Each update statement that matched keeps one of the database's 100 SQLite connections until its command
  // ends: three writers (historian, episode refresh, device import) at 50 statements hung the database for good.
  it('finishes three writers replacing hundreds of stored documents at once on one database', async () => {
    expect(3 * (UPDATES_PER_COMMAND + 1)).toBeLessThan(100);
    await withDb('idm_test_write_by_id_concurrent', async (db) => {
      await db.dropDatabase();
      const cols = ['a', 'b', 'c'].map((name) => db.collection<Doc>(name));
      for (const col of cols) await writeById(col, docs(600, 'first'), []);
      await Promise.all(cols.map(async (col, k) => {
        for (let round = 1; round <= 2; round++) await writeById(col, [], docs(600, `round ${round} writer ${k}`));
      }));
      for (const [k, col] of cols.entries()) {
        const stored = await col.find().sort({ _id: 1 }).toArray();
        expect(stored.map((d) => d.v)).toEqual(docs(600, `round 2 writer ${k}`).map((d) => d.v));
      }
    });
  }, 120_000);
});
