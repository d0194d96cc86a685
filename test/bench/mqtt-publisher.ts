/**
 * The load for `npm run bench:mqtt`, in its own process so the CPU measured by the bench is IDM's side:
 * `mqtt-publisher.ts <url> plain|sparkplug <prefix> <messages> <metrics per message> <topics> <ts0>`.
 * Plain: JSON `{"v": n, "ts": ts0 + n}` round-robin on `<prefix>/t<i>`. Sparkplug: edge node `gw` of group
 * `<prefix>`, device `d` with <topics> metrics, births then DDATA by alias with <metrics per message>
 * metrics each, timestamped ts0 + n (message n), so no sensor ever gets two samples with one timestamp.
 * All QoS 1; prints "done" when the broker acknowledged the last one, after "cpu <seconds>" (its own CPU for
 * the load).
 */
import * as net from 'node:net';
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
  // The load, encoded before "ready" so the publisher spends its time on the socket only: MQTT 3.1.1 PUBLISH
  // packets written straight to a second connection, WINDOW of them unacknowledged at a time (mqtt.js costs
  // about as much CPU per message as the broker, and on a shared machine that CPU is taken from IDM).
  const payloads: Array<[string, Buffer]> = [];
  for (let n = 0; n < messages; n++) {
    if (mode === 'sparkplug') {
      const ts = ts0 + n;
      const metrics = Array.from({ length: per }, (_, k) => ({ alias: ((n * per + k) % topics) + 1, type: 'Double' as const, value: n + k / per, timestamp: ts }));
      payloads.push([sp('DDATA', 'd'), Buffer.from(codec.encodePayload({ timestamp: ts, seq: next(), metrics }))]);
    } else {
      payloads.push([`${prefix}/t${n % topics}`, Buffer.from(JSON.stringify({ v: n, ts: ts0 + n }))]);
    }
  }
  const packets = payloads.map(([topic, payload], n) => publishPacket(topic, payload, (n % 65_535) + 1));
  await client.endAsync();
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port || 1883), hostname);
  socket.setNoDelay(true);
  await new Promise((r, j) => (socket.once('connect', r), socket.once('error', j)));
  socket.write(connectPacket(`bench-pub-${process.pid}-load`));
  process.stdout.write('ready\n');
  await new Promise<void>((r) => process.stdin.once('data', () => r()));
  const cpu0 = process.cpuUsage();
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('broker closed the connection')));
    let sent = 0;
    let acked = 0;
    let connacked = false;
    let rest = Buffer.alloc(0);
    const send = () => {
      // One write per burst: the window's free places filled at once.
      const upTo = Math.min(packets.length, acked + WINDOW);
      if (connacked && sent < upTo) socket.write(Buffer.concat(packets.slice(sent, upTo)));
      sent = Math.max(sent, connacked ? upTo : sent);
    };
    socket.on('data', (chunk: Buffer) => {
      rest = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let i = 0;
      // Only CONNACK (0x20) and PUBACK (0x40) come back, both 4 bytes.
      for (; i + 4 <= rest.length; i += 4) {
        if (rest[i] === 0x20) {
          if (rest[i + 3] !== 0) return reject(new Error(`CONNACK refused: ${rest[i + 3]}`));
          connacked = true;
        } else if (rest[i] === 0x40) acked++;
        else return reject(new Error(`unexpected packet 0x${rest[i].toString(16)}`));
      }
      rest = rest.subarray(i);
      if (acked === packets.length) resolve();
      else send();
    });
  });
  // This process's CPU for the load (the bench reports it, to show whether the publisher is the limit).
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`cpu ${(cpu.user + cpu.system) / 1e6}\ndone\n`);
  socket.end(Buffer.from([0xe0, 0]));
}

/** Unacknowledged QoS 1 messages on the load connection (Mosquitto accepts any number from a 3.1.1 client). */
const WINDOW = 2000;

const str = (s: string) => {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 255]), b]);
};
/** MQTT remaining length: 7 bits a byte, high bit = more. */
function fixedHeader(type: number, length: number): Buffer {
  const bytes = [type];
  do {
    let b = length % 128;
    length = Math.floor(length / 128);
    if (length) b |= 128;
    bytes.push(b);
  } while (length);
  return Buffer.from(bytes);
}
function connectPacket(clientId: string): Buffer {
  // Protocol MQTT level 4 (3.1.1), clean session, keepalive 60 s.
  const body = Buffer.concat([str('MQTT'), Buffer.from([4, 0x02, 0, 60]), str(clientId)]);
  return Buffer.concat([fixedHeader(0x10, body.length), body]);
}
function publishPacket(topic: string, payload: Buffer, messageId: number): Buffer {
  const body = Buffer.concat([str(topic), Buffer.from([messageId >> 8, messageId & 255]), payload]);
  return Buffer.concat([fixedHeader(0x32, body.length), body]); // PUBLISH, QoS 1
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
