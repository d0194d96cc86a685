/**
 * The load for `npm run bench:mqtt`, in its own process so the CPU measured by the bench is IDM's side:
 * `mqtt-publisher.ts <url> plain|sparkplug <prefix> <messages> <metrics per message> <topics> <ts0>`.
 * Plain: JSON `{"v": n, "ts": ts0 + n}` round-robin on `<prefix>/t<i>`. Sparkplug: edge node `gw` of group
 * `<prefix>`, device `d` with <topics> metrics, births then DDATA by alias with <metrics per message>
 * metrics each, timestamped ts0 + n (message n), so no sensor ever gets two samples with one timestamp.
 * All QoS 1; prints "done" when the broker acknowledged the last one.
 */
import { connect } from 'mqtt';
import { get as sparkplugCodec } from 'sparkplug-payload';

async function main(): Promise<void> {
  const [url, mode, prefix, messagesArg, perArg, topicsArg, ts0Arg] = process.argv.slice(2);
  const ts0 = Number(ts0Arg ?? Date.now());
  const messages = Number(messagesArg);
  const per = Number(perArg);
  const topics = Number(topicsArg);
  const client = connect(url, { clientId: `bench-pub-${process.pid}`, protocolVersion: 4 });
  await new Promise((r, j) => (client.once('connect', r), client.once('error', j)));
  const codec = sparkplugCodec('spBv1.0')!;
  let seq = 0;
  const next = () => {
    const s = seq;
    seq = (seq + 1) % 256;
    return s;
  };
  const sp = (type: string, device?: string) => ['spBv1.0', prefix, type, 'gw', ...(device ? [device] : [])].join('/');
  if (mode === 'sparkplug') {
    // Births a few minutes before the data: the bench waits until the birth values are written (their minute
    // closed), and data in a closed minute would take the historian's late path, which is not what this measures.
    const ts = ts0 - 180_000;
    await client.publishAsync(sp('NBIRTH'), Buffer.from(codec.encodePayload({ timestamp: ts, seq: next(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] })), { qos: 1 });
    const metrics = Array.from({ length: topics }, (_, i) => ({ name: `m${i}`, alias: i + 1, type: 'Double' as const, value: 0, properties: { engUnit: { type: 'String' as const, value: 'bar' } } }));
    await client.publishAsync(sp('DBIRTH', 'd'), Buffer.from(codec.encodePayload({ timestamp: ts, seq: next(), metrics })), { qos: 1 });
  }
  process.stdout.write('ready\n');
  await new Promise<void>((r) => process.stdin.once('data', () => r()));
  let last: Promise<unknown> = Promise.resolve();
  for (let n = 0; n < messages; n++) {
    if (mode === 'sparkplug') {
      const ts = ts0 + n;
      const metrics = Array.from({ length: per }, (_, k) => ({ alias: ((n * per + k) % topics) + 1, type: 'Double' as const, value: n + k / per, timestamp: ts }));
      last = client.publishAsync(sp('DDATA', 'd'), Buffer.from(codec.encodePayload({ timestamp: ts, seq: next(), metrics })), { qos: 1 });
    } else {
      last = client.publishAsync(`${prefix}/t${n % topics}`, JSON.stringify({ v: n, ts: ts0 + n }), { qos: 1 });
    }
    // Let the socket drain now and then: mqtt.js keeps every unacknowledged QoS 1 message in memory.
    if (n % 500 === 499) await last;
  }
  await last;
  process.stdout.write('done\n');
  await client.endAsync();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
