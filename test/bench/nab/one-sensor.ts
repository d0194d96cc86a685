/**
 * The one-sensor throughput row, measured so it can be believed on a shared machine: every round runs in a
 * fresh child process (no JIT, heap-layout or build-order history from the benchmarks before it), counts
 * the child's CPU time (not wall time: neighbours' bursts count less) and measures a trivial reference
 * detector (an EWMA z-score) in alternated children of the same run, so the ratio shows what the machine's
 * state does to both. Run as a script it is one such child: `<kind> <samples> <reps>`, one JSON line out.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SensorDetector } from '../../../libs/detection/src/engine/sensor-detector';
import { Benchmark, percentile } from '../harness';

/** The bench's signal: a slow sine with deterministic noise, one sample a second. */
export const BENCH_VALUES = Array.from({ length: 10_000 }, (_, i) => 50 + 10 * Math.sin(i / 100) + ((i * 7919) % 101) / 50);
const T0 = Date.UTC(2026, 0, 1);
const WARM = 50_000;
/** Repetitions per process. */
const REPS = 5;

/** The reference: an EWMA mean and variance and the z-score of each sample, scored like IDM's detectors. */
export class EwmaZScore {
  private mean = NaN;
  private variance = 0;
  update(_timestamp: number, value: number): number {
    if (this.mean !== this.mean) {
      this.mean = value;
      return 0;
    }
    const r = value - this.mean;
    const z = Math.abs(r) / Math.max(Math.sqrt(this.variance), 1e-9);
    this.mean += 0.01 * r;
    this.variance = 0.99 * (this.variance + 0.01 * r * r);
    return z / (z + 3);
  }
}

export type OneSensorKind = 'idm' | 'reference';

/**
 * CPU seconds of the thread running the detector (Linux: its scheduler time in ns, /proc/thread-self/schedstat),
 * else of the process. Not the whole process: the JIT compiler's and the garbage collector's helper threads
 * would count the start-up's work (the TypeScript compiler under ts-node) finishing in the background.
 */
const THREAD_STAT = '/proc/thread-self/schedstat';
const threadClock = fs.existsSync(THREAD_STAT);
function cpuSeconds(): number {
  if (threadClock) return Number(fs.readFileSync(THREAD_STAT, 'latin1').split(' ')[0]) / 1e9;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * One child's work: warm up, then `reps` repetitions of `samples` through `update`, each in samples per
 * CPU-second of this thread. A neighbour can only slow a repetition down, so the child's best is its figure.
 */
export function oneSensorRound(kind: OneSensorKind, samples: number, reps: number): { rates: number[]; sink: number } {
  // BENCH_ONE_SENSOR_ENGINE: another engine's sensor-detector module to measure instead (e.g. a commit's
  // libs/detection/src/engine extracted with `git archive`), for before / after in the same harness.
  const engine = process.env.BENCH_ONE_SENSOR_ENGINE;
  const Detector: typeof SensorDetector = engine ? (require(path.resolve(engine)) as { SensorDetector: typeof SensorDetector }).SensorDetector : SensorDetector;
  const detector = kind === 'idm' ? new Detector() : new EwmaZScore();
  const values = BENCH_VALUES;
  let sink = 0;
  let i = 0;
  for (; i < WARM; i++) sink += detector.update(T0 + i * 1000, values[i % values.length]);
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = cpuSeconds();
    for (const end = i + samples; i < end; i++) sink += detector.update(T0 + i * 1000, values[i % values.length]);
    rates.push(samples / (cpuSeconds() - start));
  }
  return { rates, sink };
}

function runChild(kind: OneSensorKind, samples: number, reps: number): Promise<{ rates: number[]; sink: number }> {
  return new Promise((resolve, reject) => {
    // The parent's execArgv (ts-node's hooks under `npm run bench`) and environment are inherited.
    const child = fork(__filename, [kind, String(samples), String(reps)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { rates: number[]; sink: number }) : reject(new Error(`one-sensor child ${kind} exited ${code}`))));
  });
}

export interface OneSensorResult {
  /** Each child's best repetition (samples per CPU-second), in the order run. */
  idm: number[];
  reference: number[];
  sink: number;
  /** The 1-minute load average before and after. */
  load: [number, number];
}

/** `rounds` fresh processes of each kind, alternated (IDM first in odd rounds, the reference in even). */
export async function measureOneSensor(rounds: number, samples: number, reps: number): Promise<OneSensorResult> {
  const result: OneSensorResult = { idm: [], reference: [], sink: 0, load: [os.loadavg()[0], 0] };
  for (let r = 0; r < rounds; r++) {
    const order: OneSensorKind[] = r % 2 === 0 ? ['idm', 'reference'] : ['reference', 'idm'];
    for (const kind of order) {
      const { rates, sink } = await runChild(kind, samples, reps);
      result[kind].push(Math.max(...rates));
      if (kind === 'idm') result.sink = sink;
    }
  }
  result.load[1] = os.loadavg()[0];
  return result;
}

export const oneSensorBenchmark: Benchmark = {
  name: 'one-sensor',
  description: 'samples per CPU-second of the default detector set on one sensor (update()), each round a fresh process, against an EWMA z-score measured alike (about 50 s)',
  async run(ctx) {
    const rounds = Number(process.env.BENCH_ONE_SENSOR_ROUNDS ?? 5);
    const samples = Number(process.env.BENCH_ONE_SENSOR_SAMPLES ?? 1_000_000);
    const one = await measureOneSensor(rounds, samples, REPS);
    const mps = (x: number) => (x / 1e6).toFixed(2);
    const value = percentile(one.idm, 50);
    const baseline = percentile(one.reference, 50);
    ctx.log(`one sensor: ${one.idm.map(mps).join(' ')} M samples/s (reference ${one.reference.map(mps).join(' ')}), load ${one.load.map((l) => l.toFixed(1)).join('-')}`);
    return [
      {
        benchmark: 'detector-throughput',
        case: `default detector set, one sensor, update() (score only), ${rounds} fresh processes, median of each one's best of ${REPS} x ${samples}`,
        value,
        unit: 'samples/s',
        baseline,
        ratio: value / baseline,
        notes: `best ${mps(Math.max(...one.idm))} M, range ${mps(Math.min(...one.idm))}-${mps(Math.max(...one.idm))} M; baseline = EWMA z-score in alternated processes (a sample costs ${(baseline / value).toFixed(1)} of its); thread CPU; load ${one.load.map((l) => l.toFixed(1)).join('-')}; checksum ${one.sink.toFixed(0)}${process.env.BENCH_ONE_SENSOR_ENGINE ? `; engine ${process.env.BENCH_ONE_SENSOR_ENGINE}` : ''}`,
      },
    ];
  },
};

if (require.main === module) {
  const kind = process.argv[2] as OneSensorKind;
  process.stdout.write(JSON.stringify(oneSensorRound(kind, Number(process.argv[3]), Number(process.argv[4]))));
}
