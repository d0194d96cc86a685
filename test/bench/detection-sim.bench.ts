import { EpisodeTracker, SensorDetector } from '@idm/detection';
import { DEFAULT_SLIDE_RAMP_MS, defaultDurationMs, Fault, faultedValue, TAG_FAULTS, TagFaultKind } from '../../apps/plc-sim/src/faults';
import { healthyValue, makeSignal, SignalSpec } from '../../apps/plc-sim/src/plant-model';
import type { Benchmark, BenchRow } from './harness';

const SEED = 42;
const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const MINUTE = 60_000;

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

interface SimSensor {
  plc: number;
  tag: number;
  signal: SignalSpec;
}

function sensors(plcs: number, tags: number, which: (s: SignalSpec) => boolean): SimSensor[] {
  const out: SimSensor[] = [];
  for (let plc = 0; plc < plcs; plc++) {
    for (let tag = 0; tag < tags; tag++) {
      const signal = makeSignal(SEED, plc, tag, true);
      if (which(signal)) out.push({ plc, tag, signal });
    }
  }
  return out;
}

const isCount = (s: SignalSpec) => s.kind === 'count';
const isProcess = (s: SignalSpec) => !isCount(s);

/** Faults that act on a counter; the others act on process values. */
const COUNT_FAULTS: readonly TagFaultKind[] = ['counter_stop'];

/**
 * How long after its start a fault is watched: the slow ones unfold over hours (a slide reaches its full
 * departure after its ramp; a missing cycle or stopped counter shows only where cycles or bursts would have been).
 */
function watchMs(kind: TagFaultKind): number {
  if (kind === 'slide') return DEFAULT_SLIDE_RAMP_MS;
  if (kind === 'no_cycle' || kind === 'counter_stop') return HOUR;
  return 15 * MINUTE;
}

/** `temperature 4/4, flow 2/4`: how many sensors of each kind saw the fault. */
function byKind(results: { sensor: SimSensor; delay: number | null }[]): string {
  const tally = new Map<string, [number, number]>();
  for (const r of results) {
    const t = tally.get(r.sensor.signal.kind) ?? [0, 0];
    tally.set(r.sensor.signal.kind, [t[0] + (r.delay !== null ? 1 : 0), t[1] + 1]);
  }
  return [...tally].map(([kind, [hit, all]]) => `${kind} ${hit}/${all}`).join(', ');
}

/**
 * What a control room would see from the PLC simulator's plant (every process signal cycles, each with its
 * own period; every 12th tag is a batch counter): anomaly episodes per sensor-hour on healthy signals after
 * warm-up (each one would be an alarm), and, per simulator fault, on how many sensors it is detected (by
 * kind of sensor) and how fast.
 */
export const detectionSimBenchmark: Benchmark = {
  name: 'detection-sim',
  description: 'default detector on the PLC simulator at 1 Hz: false episodes per sensor-hour on healthy signals, detection rate and delay per fault',
  async run(ctx) {
    const hours = Number(process.env.BENCH_SIM_HOURS ?? 8);
    const rows: BenchRow[] = [];
    // 4 PLCs × 12 tags: 44 process values and 4 counters; 8 more counters so the counter rows mean something.
    const healthy: [string, SimSensor[]][] = [
      ['process values', sensors(4, 12, isProcess)],
      ['counters', sensors(12, 12, isCount)],
    ];
    for (const [what, list] of healthy) {
      let falseEpisodes = 0;
      const byType: Record<string, number> = {};
      for (const { plc, tag, signal } of list) {
        for (const e of episodesOf((t) => healthyValue(signal, [SEED, plc, tag], t), T0, T0 + hours * HOUR)) {
          falseEpisodes++;
          byType[e.type] = (byType[e.type] ?? 0) + 1;
        }
      }
      rows.push({
        benchmark: 'detection-sim',
        case: `healthy plant, ${list.length} ${what} × ${hours} h at 1 Hz: false episodes`,
        value: falseEpisodes / (list.length * hours),
        unit: 'per sensor-hour',
        notes: falseEpisodes ? JSON.stringify(byType) : 'none (target ≤ 1 alarm per 10 minutes for the whole plant)',
      });
      ctx.log(`detection-sim: ${falseEpisodes} false episodes over ${list.length} ${what} × ${hours} h`);
    }

    // Each process fault on the 22 process values of two PLCs, each counter fault on 12 counters; 3 h in (after warm-up).
    const faultAt = T0 + 3 * HOUR;
    const processTargets = sensors(2, 12, isProcess);
    const countTargets = sensors(12, 12, isCount);
    for (const kind of TAG_FAULTS) {
      const targets = COUNT_FAULTS.includes(kind) ? countTargets : processTargets;
      const results: { sensor: SimSensor; delay: number | null }[] = [];
      for (const sensor of targets) {
        const { plc, tag, signal: s } = sensor;
        const duration = defaultDurationMs(kind);
        const faults: Fault[] = [{ id: 1, kind, plc: `plc-${plc}`, start: faultAt, end: duration ? faultAt + duration : null }];
        // Out-of-range needs the tag's physical range, as the registry gives it.
        const settings = kind === 'out_of_range' ? { physicalMin: s.min, physicalMax: s.max } : {};
        // An episode the healthy sensor opens at the same moment would have come anyway: it is not the fault's.
        const anyway = new Set(episodesOf((t) => healthyValue(s, [SEED, plc, tag], t), T0, faultAt + watchMs(kind), settings).map((e) => e.t));
        const first = episodesOf((t) => faultedValue(s, [SEED, plc, tag], t, faults), T0, faultAt + watchMs(kind), settings).find((e) => e.t >= faultAt && !anyway.has(e.t));
        results.push({ sensor, delay: first ? (first.t - faultAt) / 1000 : null });
      }
      const delays = results.flatMap((r) => (r.delay === null ? [] : [r.delay])).sort((a, b) => a - b);
      const median = delays.length ? delays[Math.floor(delays.length / 2)] : NaN;
      const watched = `watched ${watchMs(kind) / MINUTE} min`;
      rows.push({
        benchmark: 'detection-sim',
        case: `fault ${kind}: detected on`,
        value: delays.length,
        unit: `of ${targets.length} sensors`,
        notes: `${delays.length ? `delay median ${median} s, max ${delays[delays.length - 1]} s` : 'never detected'} (${watched}); ${byKind(results)}`,
      });
    }
    return rows;
  },
};
