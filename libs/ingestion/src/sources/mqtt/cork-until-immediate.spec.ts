import { PassThrough } from 'node:stream';
import { corkUntilImmediate } from './mqtt-connection';

/** The acks of one socket read leave in one write: what a burst of handled messages writes is held until setImmediate. */
describe('corkUntilImmediate', () => {
  it('holds the writes of a burst (mqtt-packet corks each packet too) and flushes them in one write', async () => {
    const stream = new PassThrough();
    const writes: number[] = [];
    stream._writev = function (chunks, cb) {
      writes.push(chunks.length);
      cb();
    };
    for (let i = 0; i < 5; i++) {
      corkUntilImmediate(stream);
      // As mqtt-packet writes a packet: its own cork, the write, uncork on the next tick.
      stream.cork();
      stream.write(Buffer.from([0x40, 2, 0, i + 1]));
      process.nextTick(() => stream.uncork());
      await new Promise<void>((r) => process.nextTick(r));
    }
    expect(writes).toEqual([]);
    await new Promise<void>((r) => setImmediate(r));
    expect(writes).toEqual([5]);
    // The next burst corks again.
    corkUntilImmediate(stream);
    stream.write(Buffer.from([0x40, 2, 0, 6]));
    stream.write(Buffer.from([0x40, 2, 0, 7]));
    await new Promise<void>((r) => setImmediate(r));
    expect(writes).toEqual([5, 2]);
  });

  it('ignores a missing stream or one that cannot cork', () => {
    expect(() => corkUntilImmediate(undefined)).not.toThrow();
    expect(() => corkUntilImmediate({})).not.toThrow();
  });
});
