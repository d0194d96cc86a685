import type { LiveSampleDto } from '@idm/contracts';
import type { IngestionService } from '@idm/ingestion';
import { LiveSamples } from './live-samples';

/** A socket that records what it was sent. */
function fakeSocket(id: string) {
  const sent: Array<{ event: string; payload: unknown }> = [];
  return { id, sent, emit: (event: string, payload: unknown) => sent.push({ event, payload }) > 0 };
}

const sample = (sensor_id: string, value: number): LiveSampleDto => ({ sensor_id, value, timestamp: new Date().toISOString(), quality: 'good', status: 'normal' });
const valuesIn = (payload: unknown) => (payload as LiveSampleDto[]).map((s) => `${s.sensor_id}=${s.value}`);

describe('LiveSamples with batch: true', () => {
  let live: LiveSamples;
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    live = new LiveSamples({} as IngestionService);
  });
  afterEach(() => jest.useRealTimers());

  it('sends what falls due in one tick as one `samples` message: the direct sends, then the trailing sends that fire together', () => {
    const s = fakeSocket('a');
    live.subscribe(s, ['A', 'B', 'C'], 500, true);
    live.deliver([sample('A', 1), sample('B', 1)]);
    live.deliver([sample('C', 1)]);
    expect(s.sent).toEqual([]); // held until the end of the tick
    jest.advanceTimersByTime(0);
    expect(s.sent.map((m) => m.event)).toEqual(['samples']);
    expect(valuesIn(s.sent[0].payload)).toEqual(['A=1', 'B=1', 'C=1']);

    // Within the interval: held back, the latest kept, all three sent together when it ends.
    jest.advanceTimersByTime(100);
    live.deliver([sample('A', 2), sample('B', 2), sample('C', 2)]);
    jest.advanceTimersByTime(100);
    live.deliver([sample('A', 3), sample('B', 3), sample('C', 3)]);
    jest.advanceTimersByTime(299);
    expect(s.sent).toHaveLength(1);
    jest.advanceTimersByTime(1); // the trailing timers fire
    // (Jest's fake clock runs an immediate queued by a timer only on a later tick, not by advancing 0 ms.)
    jest.advanceTimersByTime(1);
    expect(s.sent.map((m) => m.event)).toEqual(['samples', 'samples']);
    expect(valuesIn(s.sent[1].payload)).toEqual(['A=3', 'B=3', 'C=3']);
  });

  it('keeps a socket that did not ask on one `sample` per sample, and never sends a sensor unsubscribed before the tick ends', () => {
    const plain = fakeSocket('p');
    const batching = fakeSocket('b');
    live.subscribe(plain, ['A', 'B'], 500);
    live.subscribe(batching, ['A', 'B'], 500, true);
    live.deliver([sample('A', 1), sample('B', 1)]);
    expect(plain.sent.map((m) => m.event)).toEqual(['sample', 'sample']);
    live.unsubscribe('b', ['B']);
    jest.advanceTimersByTime(0);
    expect(batching.sent).toHaveLength(1);
    expect(valuesIn(batching.sent[0].payload)).toEqual(['A=1']);
    live.dropSocket('b');
    live.deliver([sample('A', 2)]);
    jest.advanceTimersByTime(1000);
    expect(batching.sent).toHaveLength(1);
  });
});
