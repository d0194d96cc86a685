import { Registry } from 'prom-client';
import { DetectionService } from '../detection.service';

/**
 * The detection stage with its I/O stubbed, as Nest would build it: no database (every sensor starts
 * fresh, episode writes go nowhere), no events, a metrics registry of its own. For the throughput bench
 * and unit tests of the stage's own logic. `Service`: another build of it (the bench compares builds);
 * the last stub is a writer role, for builds whose service takes one.
 */
export function stubbedDetectionService(Service: typeof DetectionService = DetectionService): DetectionService {
  const stub = (o: object): unknown => o;
  const deps = [
    stub({ register: () => undefined }),
    stub({ getTag: () => undefined, onChange: () => undefined }),
    stub({ loadState: async () => null, saveStates: async () => undefined, saveEpisode: async () => undefined }),
    stub({ emit: () => undefined, on: () => undefined }),
    stub({ detection: { snapshotSeconds: 86_400, episodeRefreshSeconds: 86_400 }, role: 'all' }),
    stub({ registry: new Registry() }),
    stub({ register: () => undefined }),
    stub({ initialised: true, connected: true }),
    stub({ isWriter: true, onChange: () => undefined }),
  ] as unknown as ConstructorParameters<typeof DetectionService>;
  return new Service(...deps);
}
