/**
 * `detector-throughput`: samples per CPU-second of the default detector set for one sensor, and its CPU per
 * sample inside ingestion over many sensors. Over 10 000 sensors one process differs from the next by up
 * to 1.7× with the same code (where the heap puts each sensor's objects), so every case runs in several
 * child processes, started in turn (case by case, so a neighbour's burst hits every case alike), each
 * measuring alternated rounds after its warm-up; a row is the median over the processes of each one's
 * median round, with the processes' range. `BENCH_DETECTOR_BASE=<dir>`: a checkout (with this file and a
 * `node_modules` link) measured the same way in processes alternated with this one's, as the baseline.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IngestedSample } from '@idm/contracts';
// The engine alone (the service and what it needs are loaded by the case that uses them): each child
// process starts in about a second instead of seven.
import { DetectorBank, EpisodeTracker, SensorDetector } from '../../../libs/detection/src/engine';
import type { Benchmark, BenchRow } from '../harness';

/**
 * CPU seconds of this process: on a shared machine wall time measures the neighbours too. One thread
 * runs the detectors; the garbage collector's helper threads are counted, as they should be.
 */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * The signal: sensor s reads it from offset 7·s, one step per sample of its own. (Stepped by the sample counter
 * over all sensors, as before, each of 10 000 sensors read one value for ever: 10 000 samples are one turn.)
 */
const VALUES = Array.from({ length: 10_000 }, (_, i) => 50 + 10 * Math.sin(i / 100) + ((i * 7919) % 101) / 50);
const T0 = Date.UTC(2026, 0, 1);
const ROUNDS = Number(process.env.BENCH_DETECTOR_ROUNDS ?? 4);
/** Sensors of the many-sensor cases; samples of the one-sensor case and (at most 1 M) of the others, over all rounds. */
const SENSORS = Number(process.env.BENCH_DETECTOR_SENSORS ?? 10_000);
const ONE_SENSOR_SAMPLES = Number(process.env.BENCH_DETECTOR_SAMPLES ?? 2_000_000);
const STAGE_SAMPLES = Math.min(ONE_SENSOR_SAMPLES, 1_000_000);
/** One sample a minute: 1500 per sensor is past the 24 h warm-up, every detector running. */
const WARM_SAMPLES_PER_SENSOR = 1500;
const BATCH = 1000;

/** Rounds of each variant of a case, alternated (a, b, a, b, …); per variant its rounds' values. */
type Rounds = Record<string, number[]>;

async function alternate(variants: Record<string, () => number | Promise<number>>): Promise<Rounds> {
  const out: Rounds = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) for (const [k, run] of Object.entries(variants)) out[k].push(await run());
  return out;
}

/** One sensor at one sample a second, warmed up; rounds of `update()` and `step()` in samples/s. */
function oneSensorCase(): Promise<Rounds> {
  const detector = new SensorDetector();
  let i = 0;
  let sink = 0;
  const round = (judge: (ts: number, v: number) => number, n: number) => {
    const start = cpuSeconds();
    for (const end = i + n; i < end; i++) sink += judge(T0 + i * 1000, VALUES[i % VALUES.length]);
    return n / (cpuSeconds() - start);
  };
  const update = (ts: number, v: number) => detector.update(ts, v);
  const step = (ts: number, v: number) => detector.step(ts, v).score;
  const per = Math.ceil(ONE_SENSOR_SAMPLES / ROUNDS);
  // A round's worth of warm-up: the optimised code is in place before the first measured round.
  round(update, per);
  const rounds = alternate({ update: () => round(update, per), step: () => round(step, per) });
  if (sink === -1) console.error(sink); // keeps the work observable
  return rounds;
}

/**
 * The detectors and episode trackers of the ingestion stage without the service: sensors round-robin,
 * looked up by id, in a `DetectorBank` as `DetectionService` keeps them; rounds of `update()` +
 * `observe()` and of `step()` + `step()` on the same warmed sensors, µs per sample.
 */
function stageCase(): Promise<Rounds> {
  const plant = new Map<string, { d: SensorDetector; e: EpisodeTracker }>();
  const ids = Array.from({ length: SENSORS }, (_, i) => `TT-${i}`);
  const bank = new DetectorBank();
  for (const id of ids) plant.set(id, { d: new SensorDetector({}, undefined, bank.row()), e: new EpisodeTracker(12) });
  let i = 0;
  let anomalies = 0;
  const sample = (scoreOnly: boolean) => {
    const rt = plant.get(ids[i % SENSORS])!;
    const ts = T0 + Math.floor(i / SENSORS) * 60_000;
    const value = VALUES[(Math.floor(i / SENSORS) + (i % SENSORS) * 7) % VALUES.length];
    let score: number;
    if (scoreOnly) {
      score = rt.d.update(ts, value);
      rt.e.observe(ts, rt.d, score);
    } else {
      const v = rt.d.step(ts, value);
      rt.e.step(ts, v);
      score = v.score;
    }
    if (score >= 0.5) anomalies++;
    i++;
  };
  for (const end = WARM_SAMPLES_PER_SENSOR * SENSORS; i < end; ) sample(true);
  const per = Math.ceil(STAGE_SAMPLES / ROUNDS);
  const round = (scoreOnly: boolean) => {
    const start = cpuSeconds();
    for (let k = 0; k < per; k++) sample(scoreOnly);
    return ((cpuSeconds() - start) / per) * 1e6;
  };
  const rounds = alternate({ observe: () => round(true), step: () => round(false) });
  if (anomalies === -1) console.error(anomalies);
  return rounds;
}

/**
 * The detection stage as ingestion runs it (`DetectionService.accept`: runtimes by sensor, status, the
 * samples counter, episodes), with no database: every sensor starts fresh and episode writes go nowhere.
 * Batches of one sample per sensor, one a minute per sensor, warmed with polled samples; then alternated
 * rounds of `polled` samples as the polled sources build them (the tag list's id strings, each sample
 * carrying its `sensorIndex`) and `posted` ones as a POST /sensors/data (each id a freshly parsed string,
 * no sensor index), µs per sample.
 */
async function acceptCase(): Promise<Rounds> {
  const { ingestedSample } = await import('@idm/contracts');
  const { sensorIndex } = await import('@idm/ingestion');
  const { stubbedDetectionService } = await import('../../../libs/detection/src/testing/stubbed-service');
  const service = stubbedDetectionService();
  const tags = Array.from({ length: SENSORS }, (_, i) => `TT-${i}`);
  const indices = tags.map(sensorIndex);
  // As the sources build them (`ingestedSample`: every field present, one object shape).
  const sample = (i: number, polled: boolean): IngestedSample => {
    const s = i % SENSORS;
    const ts = T0 + Math.floor(i / SENSORS) * 60_000;
    const value = VALUES[(Math.floor(i / SENSORS) + s * 7) % VALUES.length];
    return polled ? ingestedSample(tags[s], ts, value, 'good', 'modbus', undefined, indices[s]) : ingestedSample(`TT-${s}`, ts, value, 'good', 'rest');
  };
  let i = 0;
  const batchAt = (n: number, polled: boolean) => Array.from({ length: Math.min(BATCH, n) }, (_, k) => sample(i + k, polled));
  // Past the warm-up batch by batch (each garbage before the next, so the warm-up is quick), every tenth
  // batch posted: both paths are optimised before the first round (else the first posted round pays a
  // deoptimisation).
  for (let b = 0, end = WARM_SAMPLES_PER_SENSOR * SENSORS; i < end; i += BATCH, b++) await service.accept(batchAt(end - i, b % 10 !== 9));
  // Batches are built before the clock starts: parsing a request is not detection's cost.
  const run = async (n: number, polled: boolean) => {
    const batches: IngestedSample[][] = [];
    for (const end = i + n; i < end; i += BATCH) batches.push(batchAt(end - i, polled));
    const start = cpuSeconds();
    for (const b of batches) await service.accept(b);
    return ((cpuSeconds() - start) / n) * 1e6;
  };
  const per = Math.ceil(STAGE_SAMPLES / ROUNDS / BATCH) * BATCH;
  return alternate({ polled: () => run(per, true), posted: () => run(per, false) });
}

const CASES: Record<string, () => Promise<Rounds>> = { one: oneSensorCase, stage: stageCase, accept: acceptCase };

/** Every case's rows: the variant, its unit, and what the row says. */
const ROWS: { group: string; variant: string; unit: 'samples/s' | 'µs/sample'; what: string }[] = [
  { group: 'one', variant: 'update', unit: 'samples/s', what: `default detector set, one sensor, update() (score only)` },
  { group: 'one', variant: 'step', unit: 'samples/s', what: `default detector set, one sensor, step() (verdict object)` },
  { group: 'stage', variant: 'observe', unit: 'µs/sample', what: `ingestion stage CPU, ${SENSORS} sensors, update() + observe()` },
  { group: 'stage', variant: 'step', unit: 'µs/sample', what: `ingestion stage CPU, ${SENSORS} sensors, step() + step()` },
  { group: 'accept', variant: 'posted', unit: 'µs/sample', what: `DetectionService.accept (the ingestion stage itself), ${SENSORS} sensors, posted samples (ids freshly parsed), batches of ${BATCH}` },
  { group: 'accept', variant: 'polled', unit: 'µs/sample', what: `DetectionService.accept (the ingestion stage itself), ${SENSORS} sensors, polled samples (tag ids, sensor index), batches of ${BATCH}` },
];

/** Runs one case in a child process of the checkout at `root`; its rounds. */
function inChild(root: string, group: string): Promise<Rounds> {
  const script = path.join(root, path.relative(path.resolve(__dirname, '..', '..', '..'), __filename));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, group], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"rounds"'));
      if (code !== 0 || !line) reject(new Error(`detector-throughput child ${group} in ${root} exited ${code}: ${out.slice(-500)}`));
      else resolve((JSON.parse(line) as { rounds: Rounds }).rounds);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (v: number, unit: string) => (unit === 'samples/s' ? `${(v / 1e6).toFixed(2)} M` : v.toFixed(3));

export const detectorThroughputBenchmark: Benchmark = {
  name: 'detector-throughput',
  description: 'samples per CPU-second of the default detector set (one sensor, synthetic noisy signal), and its CPU per sample inside ingestion over many sensors; several child processes per case (BENCH_DETECTOR_PROCESSES, default 3), median of their median rounds',
  async run(ctx) {
    const processes = Number(process.env.BENCH_DETECTOR_PROCESSES ?? 3);
    const here = path.resolve(__dirname, '..', '..', '..');
    const base = process.env.BENCH_DETECTOR_BASE ? path.resolve(process.env.BENCH_DETECTOR_BASE) : undefined;
    const roots = base ? [here, base] : [here];
    // `BENCH_DETECTOR_CASES=stage,accept`: only those cases (default all).
    const groups = process.env.BENCH_DETECTOR_CASES ? process.env.BENCH_DETECTOR_CASES.split(',') : Object.keys(CASES);
    // Per root and case: each process's median round per variant.
    const medians = new Map<string, Record<string, number[]>>();
    const loads: number[] = [os.loadavg()[0]];
    for (let p = 0; p < processes; p++) {
      for (const group of groups) {
        // Alternated: this checkout and the base in turn, the base first every other time.
        for (const root of p % 2 ? [...roots].reverse() : roots) {
          const rounds = await inChild(root, group);
          loads.push(os.loadavg()[0]);
          const key = `${root}:${group}`;
          const m = medians.get(key) ?? {};
          for (const [variant, values] of Object.entries(rounds)) (m[variant] ??= []).push(median(values));
          medians.set(key, m);
          ctx.log(`detector-throughput ${group}${base ? (root === base ? ' (base)' : ' (this)') : ''}, process ${p + 1}: ${Object.entries(rounds).map(([v, xs]) => `${v} ${xs.map((x) => fmt(x, group === 'one' ? 'samples/s' : 'µs')).join(' ')}`).join('; ')} (load ${os.loadavg()[0].toFixed(1)})`);
        }
      }
    }
    const load = `load ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
    return ROWS.filter((r) => groups.includes(r.group)).map(({ group, variant, unit, what }): BenchRow => {
      const mine = medians.get(`${here}:${group}`)![variant];
      const theirs = base ? medians.get(`${base}:${group}`)![variant] : undefined;
      const value = median(mine);
      const baseline = theirs ? median(theirs) : undefined;
      const range = (xs: number[]) => `${fmt(Math.min(...xs), unit)}–${fmt(Math.max(...xs), unit)}`;
      return {
        benchmark: 'detector-throughput',
        case: what,
        value,
        unit,
        baseline,
        // > 1 is better: a rate against the baseline's, a time per sample the other way round.
        ratio: baseline === undefined ? undefined : unit === 'samples/s' ? value / baseline : baseline / value,
        notes: `median of ${mine.length} processes' median rounds (${ROUNDS} rounds each), processes ${range(mine)}${theirs ? `, base ${range(theirs)}` : ''}; ${load}`,
      };
    });
  },
};

if (require.main === module) {
  const group = process.argv[2];
  const run = CASES[group];
  if (!run) throw new Error(`unknown case ${group} (${Object.keys(CASES).join(', ')})`);
  run().then(
    (rounds) => {
      process.stdout.write(`${JSON.stringify({ rounds })}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exit(1);
    },
  );
}
