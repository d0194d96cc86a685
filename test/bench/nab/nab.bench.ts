import type { IngestedSample } from '@idm/contracts';
import { ingestedSample } from '@idm/contracts';
import { AlertScorer, AlertScorerOptions, DetectionService, DetectorBank, DetectorSettings, EpisodeTracker, SensorDetector } from '@idm/detection';
import { sensorIndex } from '@idm/ingestion';
import { stubbedDetectionService } from '../../../libs/detection/src/testing/stubbed-service';
import type { Benchmark, BenchRow } from '../harness';
import { loadNabCorpus, nabDir, NabSeries } from './nab-corpus';
import { perSeries, ProfileResult, PROFILES, scoreCorpus, scoreCorpusAt, ScoredSeries } from './nab-scorer';
import { FAILURE_CLASSES, FRESH_SEEDS, syntheticCorpus } from '../synthetic/failure-classes';
import { windowedGaussianScores } from './windowed-gaussian';
import { BENCH_VALUES, oneSensorBenchmark } from './one-sensor';

/** IDM's default detector exactly as the command-line detector runs it. */
export function idmScores(series: NabSeries, settings: DetectorSettings = {}, options: AlertScorerOptions = {}): number[] {
  const scorer = new AlertScorer(settings, options);
  return series.values.map((v, i) => scorer.step(series.timestamps[i], v));
}

function scored(corpus: NabSeries[], detector: (s: NabSeries) => number[]): ScoredSeries[] {
  return corpus.map((s) => ({ name: s.name, timestamps: s.timestamps, scores: detector(s), windows: s.windows }));
}

const category = (s: ScoredSeries) => s.name.split('/')[0];

/**
 * Cross-validation folds: each is (name, files the threshold is chosen on, files it is scored on). Halves
 * by odd / even file (sorted by name), both ways, and leave-one-category-out over the top-level folders.
 */
export function folds(corpus: ScoredSeries[]): [string, ScoredSeries[], ScoredSeries[]][] {
  const odd = corpus.filter((_, i) => i % 2 === 1);
  const even = corpus.filter((_, i) => i % 2 === 0);
  const categories = [...new Set(corpus.map(category))];
  return [
    ['odd -> even', odd, even],
    ['even -> odd', even, odd],
    ...categories.map((c): [string, ScoredSeries[], ScoredSeries[]] => [`leave out ${c}`, corpus.filter((s) => category(s) !== c), corpus.filter((s) => category(s) === c)]),
  ];
}

const fmtResults = (rs: ProfileResult[]) => rs.map((r) => `${r.profile} ${r.score.toFixed(1)} (fp ${r.counts.fp} fn ${r.counts.fn})`).join(', ');

/** Held-out scores of every fold: thresholds chosen on the training files only. */
export function crossValidate(corpus: ScoredSeries[]): { fold: string; results: ProfileResult[] }[] {
  return folds(corpus).map(([fold, train, test]) => ({ fold, results: scoreCorpusAt(test, scoreCorpus(train).map((r) => r.threshold)) }));
}

export const nabBenchmark: Benchmark = {
  name: 'nab',
  description: 'NAB scores (standard, reward-low-FP, reward-low-FN) of the default detector vs the windowed Gaussian, on IDM_NAB_DIR (default ../shared/datasets/nab-dev)',
  async run(ctx) {
    const corpus = loadNabCorpus();
    ctx.log(`nab: ${corpus.length} series from ${nabDir()}`);
    const idmScored = scored(corpus, (s) => idmScores(s));
    const idm = scoreCorpus(idmScored);
    const baseline = scoreCorpus(scored(corpus, (s) => windowedGaussianScores(s.values)));
    // Guard against tuning to the dev set: thresholds chosen on some files, scores on the others.
    const cv = crossValidate(idmScored);
    for (const { fold, results } of cv) ctx.log(`cv ${fold}: ${fmtResults(results)}`);
    // The failure classes of issue 12, at the thresholds chosen on nab-dev (signals never tuned on).
    const synthetic = scored(syntheticCorpus(), (s) => idmScores(s));
    const classRows: BenchRow[] = FAILURE_CLASSES.map((c) => {
      const files = synthetic.filter((s) => s.name.startsWith(`synthetic/${c.name}-`));
      const [std, lowFp] = scoreCorpusAt(files, idm.map((r) => r.threshold));
      const windows = std.counts.tp + std.counts.fn;
      ctx.log(`synthetic ${c.name} (${files.length} series): ${fmtResults([std, lowFp])}`);
      return {
        benchmark: 'nab-synthetic',
        case: `${c.name} (${files.length} series)`,
        // A class without anomalies has no normalised score: its raw score is the cost of its false alerts.
        value: windows > 0 ? std.score : std.raw,
        unit: windows > 0 ? 'NAB score' : 'raw (0 best)',
        notes: `nab-dev thresholds; tp ${std.counts.tp} fp ${std.counts.fp} fn ${std.counts.fn}; low-FP ${windows > 0 ? lowFp.score.toFixed(1) : lowFp.raw.toFixed(2)}`,
      };
    });
    const synthAll = scoreCorpusAt(synthetic, idm.map((r) => r.threshold));
    // Two more guards: nab-dev and the synthetic series under one threshold per profile, as NAB scores a
    // whole corpus (a change that only moves nab-dev's threshold shows here, not as a class's low-FP
    // score); and a second draw of every class at the nab-dev thresholds.
    const pooled = scoreCorpus([...idmScored, ...synthetic]);
    const freshScored = scored(syntheticCorpus(FRESH_SEEDS), (s) => idmScores(s));
    const fresh = scoreCorpusAt(freshScored, idm.map((r) => r.threshold));
    const trio = (rs: ProfileResult[]) => `low-FP ${rs[1].score.toFixed(1)}, low-FN ${rs[2].score.toFixed(1)}`;
    const guardRows: BenchRow[] = [
      { benchmark: 'nab-pooled', case: `nab-dev + synthetic, one threshold (${idmScored.length + synthetic.length} series)`, value: pooled[0].score, unit: 'NAB standard', notes: `${trio(pooled)}; threshold ${pooled[0].threshold.toFixed(4)}` },
      { benchmark: 'nab-synthetic', case: `fresh seeds ${FRESH_SEEDS[0]}-${FRESH_SEEDS[FRESH_SEEDS.length - 1]}, all classes (${freshScored.length} series)`, value: fresh[0].score, unit: 'NAB standard', notes: `${trio(fresh)}; nab-dev thresholds; tp ${fresh[0].counts.tp} fp ${fresh[0].counts.fp} fn ${fresh[0].counts.fn}` },
    ];
    if (process.env.BENCH_NAB_DETAIL) {
      for (const r of perSeries(idmScored, idm[0].threshold)) ctx.log(`${r.name}: raw ${r.raw.toFixed(2)} tp ${r.tp} fp ${r.fp} fn ${r.fn}`);
    }
    const cvRows = cv.map(({ fold, results }): BenchRow => ({
      benchmark: 'nab-cv',
      case: fold,
      value: results[0].score,
      unit: 'NAB standard',
      notes: `low-FP ${results[1].score.toFixed(1)}, low-FN ${results[2].score.toFixed(1)}; thresholds chosen on the other files`,
    }));
    const synthRows = PROFILES.map((p, i): BenchRow => ({
      benchmark: 'nab-synthetic',
      case: `all classes, ${p.name} (${synthetic.length} series)`,
      value: synthAll[i].score,
      unit: 'NAB score',
      notes: `nab-dev threshold; tp ${synthAll[i].counts.tp} fp ${synthAll[i].counts.fp} fn ${synthAll[i].counts.fn}`,
    }));
    return [...PROFILES.map((p, i): BenchRow => ({
      benchmark: 'nab',
      case: `${p.name} (${corpus.length} series)`,
      value: idm[i].score,
      unit: 'NAB score',
      baseline: baseline[i].score,
      ratio: baseline[i].score > 0 ? idm[i].score / baseline[i].score : undefined,
      notes: `threshold ${idm[i].threshold.toFixed(4)}, tp ${idm[i].counts.tp} fp ${idm[i].counts.fp} fn ${idm[i].counts.fn}; baseline = windowed Gaussian`,
    })), ...cvRows, ...classRows, ...synthRows, ...guardRows];
  },
};

/**
 * CPU seconds of this process: on a shared machine wall time measures the neighbours too. One thread
 * runs the detectors; the garbage collector's helper threads are counted, as they should be.
 */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export const detectorThroughputBenchmark: Benchmark = {
  name: 'detector-throughput',
  description: 'samples per CPU-second of the default detector set (one sensor, synthetic noisy signal), and its CPU per sample inside ingestion over many sensors',
  async run(ctx) {
    const total = Number(process.env.BENCH_DETECTOR_SAMPLES ?? 2_000_000);
    const values = BENCH_VALUES;
    const t0 = Date.UTC(2026, 0, 1);
    /** One sensor at one sample a second, warmed up, then `total` samples through `judge`. */
    const oneSensor = (judge: (d: SensorDetector, ts: number, v: number) => number) => {
      const detector = new SensorDetector();
      let sink = 0;
      for (let i = 0; i < 50_000; i++) sink += judge(detector, t0 + i * 1000, values[i % values.length]);
      const start = cpuSeconds();
      for (let i = 0; i < total; i++) sink += judge(detector, t0 + (i + 50_000) * 1000, values[i % values.length]);
      return { rate: total / (cpuSeconds() - start), sink };
    };
    const withVerdict = oneSensor((d, ts, v) => d.step(ts, v).score);
    // The goal's row, in fresh processes (see one-sensor.ts).
    const oneSensorRows = await oneSensorBenchmark.run(ctx);

    // What the ingestion stage adds per sample: sensors round-robin, each with its detector and episode
    // tracker looked up by id, status marked (no database: episodes are rare writes).
    const sensors = Number(process.env.BENCH_DETECTOR_SENSORS ?? 10_000);
    const stage = (scoreOnlyPath: boolean) => {
      const plant = new Map<string, { d: SensorDetector; e: EpisodeTracker }>();
      const ids = Array.from({ length: sensors }, (_, i) => `TT-${i}`);
      const bank = new DetectorBank(); // as DetectionService keeps its detectors
      for (const id of ids) plant.set(id, { d: new SensorDetector({}, undefined, bank.row()), e: new EpisodeTracker(12) });
      const stageTotal = Math.min(total, 1_000_000);
      let anomalies = 0;
      const step = (i: number) => {
        const rt = plant.get(ids[i % sensors])!;
        const ts = t0 + Math.floor(i / sensors) * 60_000;
        const value = values[(i + (i % sensors) * 7) % values.length];
        let score: number;
        if (scoreOnlyPath) {
          score = rt.d.update(ts, value);
          rt.e.observe(ts, rt.d, score);
        } else {
          const v = rt.d.step(ts, value);
          rt.e.step(ts, v);
          score = v.score;
        }
        if (score >= 0.5) anomalies++;
      };
      // One sample a minute: 1500 per sensor (past the 24 h warm-up, every detector running), then measure.
      const warm = 1500 * sensors;
      for (let i = 0; i < warm; i++) step(i);
      anomalies = 0;
      const start = cpuSeconds();
      for (let i = warm; i < warm + stageTotal; i++) step(i);
      const seconds = cpuSeconds() - start;
      return { us: (seconds / stageTotal) * 1e6, rate: stageTotal / seconds, anomalies, stageTotal };
    };
    const stageScore = stage(true);
    const stageVerdict = stage(false);
    const service = await serviceStage(sensors, Math.min(total, 1_000_000), values, t0);
    const polled = await serviceStage(sensors, Math.min(total, 1_000_000), values, t0, DetectionService, 'polled');
    return [
      ...oneSensorRows,
      { benchmark: 'detector-throughput', case: `default detector set, one sensor, ${total} samples, step() (verdict object)`, value: withVerdict.rate, unit: 'samples/s', notes: `checksum ${withVerdict.sink.toFixed(0)}` },
      ...[
        ['update() + observe()', stageScore],
        ['step() + step()', stageVerdict],
      ].map(([path, r]) => {
        const m = r as ReturnType<typeof stage>;
        return {
          benchmark: 'detector-throughput',
          case: `ingestion stage CPU, ${sensors} sensors, ${m.stageTotal} samples, ${path as string}`,
          value: m.us,
          unit: 'µs/sample',
          notes: `${Math.round(m.rate).toLocaleString('en-US')} samples/s; ${m.anomalies} anomalous`,
        };
      }),
      ...[
        ['posted samples (ids freshly parsed)', service],
        ['polled samples (tag ids, sensor index)', polled],
      ].map(([kind, r]) => {
        const m = r as typeof service;
        return {
          benchmark: 'detector-throughput',
          case: `DetectionService.accept (the ingestion stage itself), ${sensors} sensors, ${m.total} ${kind as string} in batches of ${m.batch}`,
          value: m.us,
          unit: 'µs/sample',
          notes: `${Math.round(1e6 / m.us).toLocaleString('en-US')} samples/s; ${m.anomalies} anomalous`,
        };
      }),
    ];
  },
};

/**
 * The detection stage as ingestion runs it (`DetectionService.accept`: runtimes by sensor id, status, the
 * samples counter, episodes), with no database: every sensor starts fresh and episode writes go nowhere.
 * Batches of one sample per sensor for `batch` sensors, one a minute per sensor: `posted` as a POST
 * /sensors/data (each id a freshly parsed string, no sensor index), `polled` as the polled sources build
 * them (the tag list's id strings, each sample carrying its `sensorIndex`).
 */
export async function serviceStage(
  sensors: number,
  total: number,
  values: number[],
  t0: number,
  Service: typeof DetectionService = DetectionService,
  kind: 'posted' | 'polled' = 'posted',
) {
  const batch = 1000;
  const service = stubbedDetectionService(Service);
  // As the sources build them (`ingestedSample`: every field present, one object shape).
  const tags = Array.from({ length: sensors }, (_, i) => `TT-${i}`);
  const indices = tags.map(sensorIndex);
  const sample = (i: number): IngestedSample => {
    const s = i % sensors;
    const ts = t0 + Math.floor(i / sensors) * 60_000;
    const value = values[(i + s * 7) % values.length];
    return kind === 'polled' ? ingestedSample(tags[s], ts, value, 'good', 'modbus', undefined, indices[s]) : ingestedSample(`TT-${s}`, ts, value, 'good', 'rest');
  };
  // Batches are built before the clock starts: parsing a request is not detection's cost.
  const run = async (from: number, to: number) => {
    const batches: IngestedSample[][] = [];
    for (let i = from; i < to; i += batch) batches.push(Array.from({ length: Math.min(batch, to - i) }, (_, k) => sample(i + k)));
    const start = cpuSeconds();
    for (const b of batches) await service.accept(b);
    const seconds = cpuSeconds() - start;
    return { seconds, anomalies: batches.reduce((n, b) => n + b.filter((x) => x.status === 'anomaly').length, 0) };
  };
  // Past the 24 h warm-up in chunks (bounded memory for the prepared batches), then measured.
  const warm = 1500 * sensors;
  for (let i = 0; i < warm; i += 1_000_000) await run(i, Math.min(warm, i + 1_000_000));
  const measured = await run(warm, warm + total);
  return { us: (measured.seconds / total) * 1e6, total, batch, anomalies: measured.anomalies };
}
