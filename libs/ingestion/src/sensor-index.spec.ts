import { SensorIndex, sensorIndex } from './sensor-index';

describe('SensorIndex', () => {
  it('numbers ids densely from 0, the same number for the same id, never one id’s number for another', () => {
    const index = new SensorIndex();
    expect(['a', 'b', 'c'].map((id) => index.of(id))).toEqual([0, 1, 2]);
    // An id built anew (as a parser does) is the same sensor.
    expect(index.of(['b'].join(''))).toBe(1);
    // A renamed sensor is a new id: a new number; the old id keeps its own, even after it is gone.
    expect(index.of('b-renamed')).toBe(3);
    expect(index.of('b')).toBe(1);
    expect(index.size).toBe(4);
  });

  it('is one numbering for the whole process', () => {
    const id = `sensor-index-spec-${Date.now()}`;
    const n = sensorIndex(id);
    expect(sensorIndex(`${id}`)).toBe(n);
    expect(sensorIndex(`${id}-other`)).not.toBe(n);
  });
});
