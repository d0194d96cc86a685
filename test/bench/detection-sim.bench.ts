import { EpisodeTracker, SensorDetector } from '@idm/detection';
import { defaultDurationMs, Fault, faultedValue, TAG_FAULTS } from '../../apps/plc-sim/src/faults';
import { healthyValue, makeSignal } from '../../apps/plc-sim/src/plant-model';
import type { Benchmark, BenchRow } from './harness';

const SEED = 42;
const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

/** Runs the default detector and episode tracker over one simulated sensor at 1 Hz; returns the opening times of episodes. */
function episodesOf(value: (t: number) => number, from: number, to: number, settings = {}): { t: number; type: string }[] {
  const detector = new SensorDetector(settings);
  const episodes = new EpisodeTracker(detector.resolved.episodeClearSamples);
  const opened: { t: number; type: string }[] = [];
  for (let t = from; t < to; t += 1000) {
    const change = episodes.step(t, detector.step(t, value(t)));
    if (change?.kind === 'opened') opened.push({ t, type: change.episode.type });
  }
  return opened;
}

/**
 * What a control room would see from the PLC simulator's plant (every signal cycles, each with its own
 * period): anomaly episodes per sensor-hour on healthy signals after warm-up (each one would be an alarm),
 * and, per simulator fault, how many sensors it is detected on and how fast.
 */
export const detectionSimBenchmark: Benchmark = {
  name: 'detection-sim',
  description: 'default detector on the PLC simulator at 1 Hz: false episodes per sensor-hour on healthy signals, detection rate and delay per fault',
  async run(ctx) {
    const hours = Number(process.env.BENCH_SIM_HOURS ?? 8);
    const plcs = 4;
    const tags = 12;
    const rows: BenchRow[] = [];
    let falseEpisodes = 0;
    const byType: Record<string, number> = {};
    for (let plc = 0; plc < plcs; plc++) {
      for (let tag = 0; tag < tags; tag++) {
        const s = makeSignal(SEED, plc, tag);
        for (const e of episodesOf((t) => healthyValue(s, [SEED, plc, tag], t), T0, T0 + hours * HOUR)) {
          falseEpisodes++;
          byType[e.type] = (byType[e.type] ?? 0) + 1;
        }
      }
    }
    const sensors = plcs * tags;
    rows.push({
      benchmark: 'detection-sim',
      case: `healthy plant, ${sensors} sensors × ${hours} h at 1 Hz: false episodes`,
      value: falseEpisodes / (sensors * hours),
      unit: 'per sensor-hour',
      notes: falseEpisodes ? JSON.stringify(byType) : 'none (target ≤ 1 alarm per 10 minutes for the whole plant)',
    });
    ctx.log(`detection-sim: ${falseEpisodes} false episodes over ${sensors} sensors × ${hours} h`);

    // Each fault on 24 sensors (two PLCs), 3 h in (after warm-up), watched for 15 minutes.
    const faultAt = T0 + 3 * HOUR;
    for (const kind of TAG_FAULTS) {
      const delays: number[] = [];
      for (let plc = 0; plc < 2; plc++) {
        for (let tag = 0; tag < tags; tag++) {
          const s = makeSignal(SEED, plc, tag);
          const duration = defaultDurationMs(kind);
          const faults: Fault[] = [{ id: 1, kind, plc: `plc-${plc}`, start: faultAt, end: duration ? faultAt + duration : null }];
          // Out-of-range needs the tag's physical range, as the registry gives it.
          const settings = kind === 'out_of_range' ? { physicalMin: s.min, physicalMax: s.max } : {};
          const first = episodesOf((t) => faultedValue(s, [SEED, plc, tag], t, faults), T0, faultAt + 15 * 60_000, settings).find((e) => e.t >= faultAt);
          if (first) delays.push((first.t - faultAt) / 1000);
        }
      }
      delays.sort((a, b) => a - b);
      const median = delays.length ? delays[Math.floor(delays.length / 2)] : NaN;
      rows.push({
        benchmark: 'detection-sim',
        case: `fault ${kind}: detected on`,
        value: delays.length,
        unit: `of ${2 * tags} sensors`,
        notes: delays.length ? `delay median ${median} s, max ${delays[delays.length - 1]} s` : 'never detected',
      });
    }
    return rows;
  },
};
