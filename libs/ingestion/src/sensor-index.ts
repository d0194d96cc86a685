/**
 * A dense number per sensor id, the same for the life of the process and never another id's: sources put
 * it on their samples (`ingestedSample(…, sensorIndex(id))`, resolved once per tag, not per sample) so
 * per-sensor stages can find a sensor's state in an array instead of hashing its id string per sample.
 * A removed sensor keeps its number (its id may come back) and a renamed one is a new id with a new
 * number, so a number never leads to another sensor's state. One entry per distinct id ever seen.
 */
export class SensorIndex {
  private readonly ids = new Map<string, number>();

  /** The id's number (assigned on first use, from 0 up). */
  of(sensorId: string): number {
    let index = this.ids.get(sensorId);
    if (index === undefined) {
      index = this.ids.size;
      this.ids.set(sensorId, index);
    }
    return index;
  }

  get size(): number {
    return this.ids.size;
  }
}

const PROCESS_INDEX = new SensorIndex();

/** The sensor's number in this process (see `SensorIndex`). */
export function sensorIndex(sensorId: string): number {
  return PROCESS_INDEX.of(sensorId);
}
