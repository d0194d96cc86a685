import { cycleConfig as config, feedCycle as feed } from '../../../libs/detection/src/engine/testing/cycle-feed';
import { CycleProfile } from '../../../libs/detection/src/engine/cycle-profile';
import { burstyCounts, machineSlide, pureNoise, zeroInflatedCounter } from './failure-classes';

// The short-cycle model's gate on the NAB-like synthetic classes: it lives here, beside the generator,
// because a library's test may not import the benches.
describe('CycleProfile gate on the synthetic failure classes', () => {
  it('adopts nothing on the synthetic generator’s bursty counts, pure noise, zero-inflated counter or machine slide, even replayed 5 s apart', () => {
    for (const make of [burstyCounts, pureNoise, zeroInflatedCounter, machineSlide]) {
      for (const seed of [1, 2, 3]) {
        const { values } = make(seed);
        // At 5 s per value a bucket holds two: any cycle of 16 to 320 values could be modelled.
        const model = CycleProfile.for(config(5000))!;
        expect(feed(model, (i) => values[i], 0, values.length, 5000)).toBeNull();
      }
    }
  });

});
