import { MongoClient } from 'mongodb';

/** Every raw sample of the test sensors in the database, counted per (sensor, timestamp). */
export async function storedSamples(uri: string): Promise<Map<string, { count: number; value: number }>> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const out = new Map<string, { count: number; value: number }>();
    const docs = await client.db().collection('samples_raw').find({}).toArray();
    for (const d of docs) {
      for (const x of d.samples as Array<{ t: number; v: number }>) {
        const k = `${d.sensor_id}|${x.t}`;
        const prev = out.get(k);
        out.set(k, { count: (prev?.count ?? 0) + 1, value: x.v });
      }
    }
    return out;
  } finally {
    await client.close();
  }
}

/** Every accepted sample stored exactly once with its value, and nothing stored that was not `posted`. */
export function expectExactlyOnce(accepted: Map<string, number>, posted: Set<string>, stored: Map<string, { count: number; value: number }>): void {
  const missing = [...accepted.keys()].filter((k) => !stored.has(k));
  expect(missing).toEqual([]);
  const doubled = [...stored.entries()].filter(([, v]) => v.count !== 1).map(([k]) => k);
  expect(doubled).toEqual([]);
  const unknown = [...stored.keys()].filter((k) => !posted.has(k));
  expect(unknown).toEqual([]);
  for (const [k, v] of accepted) expect(stored.get(k)?.value).toBe(v);
}
