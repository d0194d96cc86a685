/**
 * Every generalisation measure for several detector variants in one run, one block per variant, so a
 * candidate change is judged on all of them at once (issue 12: a change that raises one measure and lowers
 * another is a regression). Variants are settings of the existing options, as JSON:
 *
 *   BENCH_NAB_VARIANTS='[{"label":"holdoff 150","scorer":{"holdoffHalfLife":150}}]' npm run bench:detection-variants
 *
 * (`scorer`: `AlertScorerOptions`, `settings`: `DetectorSettings`; the defaults are always printed first).
 * `BENCH_NAB_FRESH_SEEDS` (JSON array) replaces the fresh synthetic seeds, e.g. 4..19 for a wider draw.
 * `BENCH_NAB_JITTER` (JSON array of numeric `scorer` option names, e.g. '["holdoffHalfLife","surpriseThreshold"]')
 * also runs each variant with each of those options 1 % up and 1 % down and prints the range of the
 * Monte-Carlo means: the noise a reader should expect from settings nobody would call different.
 * `BENCH_NAB_NESTED=1` treats the listed variants (defaults included) as candidates chosen on each training
 * half with its thresholds, and prints that nested estimate beside the defaults' (what choosing among them
 * on all of nab-dev would flatter).
 * `BENCH_NAB_SMOOTH` (JSON array of numeric `scorer` option names, e.g. '["holdoffHalfLife","renotifyFactor"]')
 * adds each variant's smoothed score: its Monte-Carlo CV averaged over `BENCH_NAB_SMOOTH_DRAWS` (20) joint
 * perturbations of those options, each × exp(U(−ln s, ln s)) with s = `BENCH_NAB_SMOOTH_SPAN` (1.3), drawn from
 * `BENCH_NAB_SMOOTH_SEED` (1), the same draws for every variant; paired against the defaults' on the same
 * draws and splits (`smoothing.ts`). With `BENCH_NAB_NESTED=1` also the nested check by that objective.
 * `BENCH_NAB_SMOOTH_ONLY=1` prints only the smoothed lines (a search over many variants);
 * `BENCH_NAB_SMOOTH_PAIR` (a variant's label) also pairs the variants after it against that one.
 * `BENCH_NAB_GRID` (JSON object of option → values) adds the variants of every combination of those
 * `scorer` values on top of `BENCH_NAB_GRID_BASE` (JSON `scorer`, default {}).
 * Rows: nab-dev at its own thresholds; the Monte-Carlo cross-validation (50 stratified random halves, both
 * ways: mean ± standard error, 10th and 90th percentile, and each variant's paired difference from the
 * defaults on the same splits); the four fixed folds and their average; the synthetic classes at the
 * nab-dev thresholds; nab-dev and synthetic pooled under one threshold; fresh seeds.
 */
import type { AlertScorerOptions, DetectorSettings } from '@idm/detection';
import { ALERT_SCORER_DEFAULTS } from '../../../libs/detection/src/engine/alert-scorer';
import { crossValidate, idmScores } from './nab.bench';
import { fmtSpread, monteCarloCv, MonteCarloResult, nestedMonteCarloCv, pairedDifference, Spread, spread } from './cross-validation';
import { loadNabCorpus, NabSeries } from './nab-corpus';
import { ProfileResult, scoreCorpus, scoreCorpusAt, ScoredSeries } from './nab-scorer';
import { FAILURE_CLASSES, FRESH_SEEDS, syntheticCorpus } from '../synthetic/failure-classes';
import { EngineRecord, nestedSmoothed, perSplit, perturbations, recordEngine, replayed, SmoothedResult, smoothedCv, smoothedDifference, smoothedSpread } from './smoothing';

interface Variant {
  label: string;
  scorer?: AlertScorerOptions;
  settings?: DetectorSettings;
}

const trio = (rs: ProfileResult[]) => rs.map((r) => r.score.toFixed(1)).join(' / ');

const pair = (ss: Spread[]) => `${fmtSpread(ss[0])}  /  ${fmtSpread(ss[1])}`;
const diff = (ss: Spread[]) => ss.slice(0, 2).map((s) => `${s.mean >= 0 ? '+' : ''}${s.mean.toFixed(1)} ± ${s.se.toFixed(1)}`).join(' / ');

const scoredWith = (v: Variant, corpus: NabSeries[]): ScoredSeries[] =>
  corpus.map((s) => ({ name: s.name, timestamps: s.timestamps, windows: s.windows, scores: idmScores(s, v.settings, v.scorer) }));

/** The variant with one numeric scorer option scaled by `factor` (from the variant's value, else the default). */
function nudged(v: Variant, option: keyof AlertScorerOptions, factor: number): Variant {
  const base = (v.scorer?.[option] as number | undefined) ?? (ALERT_SCORER_DEFAULTS as Partial<Record<keyof AlertScorerOptions, number>>)[option];
  if (base === undefined) throw new Error(`BENCH_NAB_JITTER: no default known for ${option}`);
  return { ...v, label: `${v.label}, ${option} ×${factor}`, scorer: { ...v.scorer, [option]: base * factor } };
}

function measure(v: Variant, dev: NabSeries[], synth: NabSeries[], fresh: NabSeries[], base?: MonteCarloResult): { lines: string[]; mc: MonteCarloResult; devScored: ScoredSeries[] } {
  const scored = (corpus: NabSeries[]) => scoredWith(v, corpus);
  const devScored = scored(dev);
  const own = scoreCorpus(devScored);
  const thresholds = own.map((r) => r.threshold);
  const cv = crossValidate(devScored);
  const mcStart = process.hrtime.bigint();
  const mc = monteCarloCv(devScored);
  const mcMs = Number(process.hrtime.bigint() - mcStart) / 1e6;
  const synthScored = scored(synth);
  const mean = (k: number) => (cv.reduce((sum, f) => sum + f.results[k].score, 0) / cv.length).toFixed(1);
  const classes = FAILURE_CLASSES.map((c) => {
    const [std, lowFp] = scoreCorpusAt(
      synthScored.filter((s) => s.name.startsWith(`synthetic/${c.name}-`)),
      thresholds,
    );
    // A class without anomalies has no normalised score: its false alerts are its cost.
    return std.counts.tp + std.counts.fn > 0 ? `${c.name} ${std.score.toFixed(1)} / ${lowFp.score.toFixed(1)}` : `${c.name} fp ${std.counts.fp}`;
  });
  const freshResults = scoreCorpusAt(scored(fresh), thresholds);
  const lines = [
    `${v.label}  (standard / reward-low-FP / reward-low-FN)`,
    `  nab-dev          ${trio(own)}  threshold ${thresholds[0].toFixed(4)}, tp ${own[0].counts.tp} fp ${own[0].counts.fp} fn ${own[0].counts.fn}`,
    `  mc-cv ${mc.spread[0].n} halves  ${pair(mc.spread)}  (standard / low-FP; low-FN ${mc.spread[2].mean.toFixed(1)}; ${mcMs.toFixed(0)} ms)`,
    ...(base ? [`  mc-cv vs defaults, paired  ${diff(pairedDifference(mc, base))}`] : []),
    ...cv.map((f) => `  cv ${f.fold.padEnd(34)} ${trio(f.results)}`),
    `  cv average       ${mean(0)} / ${mean(1)} / ${mean(2)}`,
    `  synthetic, all   ${trio(scoreCorpusAt(synthScored, thresholds))}`,
    `  classes          ${classes.join('; ')}`,
    `  pooled           ${trio(scoreCorpus([...devScored, ...synthScored]))}`,
    `  fresh seeds      ${trio(freshResults)}  (tp ${freshResults[0].counts.tp} fp ${freshResults[0].counts.fp} fn ${freshResults[0].counts.fn})`,
  ];
  return { lines, mc, devScored };
}

/** Monte-Carlo means of the variant with each jittered option 1 % up and down: the noise floor of a setting. */
function jitter(v: Variant, options: (keyof AlertScorerOptions)[], dev: NabSeries[], mc: MonteCarloResult): string[] {
  const runs = options.flatMap((o) => [0.99, 1.01].map((f) => ({ label: `${o} ×${f}`, mc: monteCarloCv(scoredWith(nudged(v, o, f), dev)) })));
  const range = (k: number) => {
    const means = [mc.spread[k].mean, ...runs.map((r) => r.mc.spread[k].mean)];
    return `${Math.min(...means).toFixed(1)}–${Math.max(...means).toFixed(1)}`;
  };
  return [
    ...runs.map((r) => `  jitter ${r.label.padEnd(26)} mc-cv ${r.mc.spread[0].mean.toFixed(1)} / ${r.mc.spread[1].mean.toFixed(1)}; paired ${diff(pairedDifference(r.mc, mc))}`),
    `  jitter range of mc-cv means   ${range(0)} / ${range(1)}`,
  ];
}

/** The synthetic classes and fresh seeds averaged over the smoothing draws, each at that draw's nab-dev thresholds. */
class SmoothedClasses {
  private readonly synthRecords: EngineRecord[];
  private readonly freshRecords: EngineRecord[];
  /** Per class then 'all' then 'fresh': per draw [standard, low-FP, false alerts]. */
  private readonly perDraw = new Map<string, number[][]>();

  constructor(
    private readonly synth: NabSeries[],
    private readonly fresh: NabSeries[],
    settings: DetectorSettings = {},
  ) {
    this.synthRecords = synth.map((s) => recordEngine(s, settings));
    this.freshRecords = fresh.map((s) => recordEngine(s, settings));
  }

  add(options: AlertScorerOptions, thresholds: number[]): void {
    const synth = replayed(this.synth, this.synthRecords, options);
    const put = (key: string, files: ScoredSeries[]) => {
      const [std, lowFp] = scoreCorpusAt(files, thresholds);
      this.perDraw.set(key, [...(this.perDraw.get(key) ?? []), [std.score, lowFp.score, std.counts.fp, std.counts.tp + std.counts.fn]]);
    };
    for (const c of FAILURE_CLASSES) put(c.name, synth.filter((s) => s.name.startsWith(`synthetic/${c.name}-`)));
    put('synthetic, all', synth);
    put('fresh seeds', replayed(this.fresh, this.freshRecords, options));
  }

  lines(): string[] {
    const avg = (rows: number[][], i: number) => rows.reduce((s, r) => s + r[i], 0) / rows.length;
    const fmt = ([key, rows]: [string, number[][]]) =>
      rows[0][3] > 0 ? `${key} ${avg(rows, 0).toFixed(1)} / ${avg(rows, 1).toFixed(1)}` : `${key} fp ${avg(rows, 2).toFixed(1)}`;
    const entries = [...this.perDraw.entries()];
    return [
      `  smoothed classes ${entries.slice(0, -2).map(fmt).join('; ')}`,
      `  smoothed synthetic, all ${fmt(entries[entries.length - 2]).replace('synthetic, all ', '')}; fresh seeds ${fmt(entries[entries.length - 1]).replace('fresh seeds ', '')}`,
    ];
  }
}

/** Every combination of the grid's values, as variants on top of `base`. */
function gridVariants(grid: Record<string, number[]>, base: AlertScorerOptions): Variant[] {
  let combos: AlertScorerOptions[] = [base];
  for (const [option, values] of Object.entries(grid)) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [option]: v })));
  return combos.map((scorer) => ({ label: Object.entries(grid).map(([o]) => `${o} ${String(scorer[o as keyof AlertScorerOptions])}`).join(', '), scorer }));
}

/** How often each variant was chosen, the ones never chosen left out. */
const picked = (chosen: number[], variants: Variant[]) =>
  chosen
    .map((n, i) => [n, variants[i].label] as const)
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${label} ×${n}`)
    .join(', ');

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

/** The smoothed lines of one variant: score over splits and over draws, and paired against the defaults'. */
function smoothedLines(r: SmoothedResult, bases: [string, SmoothedResult | undefined][]): string[] {
  const s = smoothedSpread(r).slice(0, 2);
  const draws = s.map((p) => `draws ${p.draws.min.toFixed(1)}–${p.draws.max.toFixed(1)}, sd ${(p.draws.se * Math.sqrt(p.draws.n)).toFixed(1)}`).join('; ');
  const lines = [`  smoothed (${r.draws.length} draws)  ${s.map((p) => `${p.splits.mean.toFixed(1)} ± ${p.splits.se.toFixed(1)}`).join(' / ')}  (${draws})`];
  for (const [label, base] of bases) {
    if (!base || base === r) continue;
    const d = smoothedDifference(r, base).slice(0, 2);
    lines.push(`  smoothed vs ${label}, paired  ${d.map((x) => `${signed(x.mean)} ± ${x.se.toFixed(1)}`).join(' / ')}  (s.e. splits ${d.map((x) => x.seSplits.toFixed(1)).join(' / ')}, draws ${d.map((x) => x.seDraws.toFixed(1)).join(' / ')})`);
  }
  return lines;
}

function main(): void {
  const grid = process.env.BENCH_NAB_GRID ? gridVariants(JSON.parse(process.env.BENCH_NAB_GRID) as Record<string, number[]>, JSON.parse(process.env.BENCH_NAB_GRID_BASE ?? '{}') as AlertScorerOptions) : [];
  const variants: Variant[] = [{ label: 'defaults' }, ...(JSON.parse(process.env.BENCH_NAB_VARIANTS ?? '[]') as Variant[]), ...grid];
  const seeds = process.env.BENCH_NAB_FRESH_SEEDS ? (JSON.parse(process.env.BENCH_NAB_FRESH_SEEDS) as number[]) : FRESH_SEEDS;
  const dev = loadNabCorpus();
  const synth = syntheticCorpus();
  const fresh = syntheticCorpus(seeds);
  const jittered = JSON.parse(process.env.BENCH_NAB_JITTER ?? '[]') as (keyof AlertScorerOptions)[];
  const smoothOptions = JSON.parse(process.env.BENCH_NAB_SMOOTH ?? '[]') as (keyof AlertScorerOptions)[];
  const smoothOnly = Boolean(process.env.BENCH_NAB_SMOOTH_ONLY) && smoothOptions.length > 0;
  const factors = perturbations(smoothOptions.length, Number(process.env.BENCH_NAB_SMOOTH_DRAWS ?? 20), Number(process.env.BENCH_NAB_SMOOTH_SEED ?? 1), Number(process.env.BENCH_NAB_SMOOTH_SPAN ?? 1.3));
  // The engine's output per file, recorded once per detector settings: only the alert score reruns per draw.
  const records = new Map<string, EngineRecord[]>();
  const recorded = (settings: DetectorSettings = {}) => {
    const key = JSON.stringify(settings);
    if (!records.has(key)) records.set(key, dev.map((s) => recordEngine(s, settings)));
    return records.get(key)!;
  };
  let base: MonteCarloResult | undefined;
  let smoothBase: SmoothedResult | undefined;
  // `BENCH_NAB_SMOOTH_PAIR`: a variant's label; the variants after it are also paired against it.
  const pairWith = process.env.BENCH_NAB_SMOOTH_PAIR ?? '';
  let pairBase: SmoothedResult | undefined;
  const candidates: ScoredSeries[][] = [];
  const smoothed: SmoothedResult[] = [];
  for (const v of variants) {
    const lines: string[] = [];
    if (smoothOnly) lines.push(v.label);
    else {
      const m = measure(v, dev, synth, fresh, base);
      base ??= m.mc;
      candidates.push(m.devScored);
      lines.push(...m.lines, ...(jittered.length ? jitter(v, jittered, dev, m.mc) : []));
    }
    if (smoothOptions.length) {
      const start = process.hrtime.bigint();
      // The synthetic classes and fresh seeds too, each draw at its own nab-dev thresholds (not with SMOOTH_ONLY).
      const classes = smoothOnly ? undefined : new SmoothedClasses(synth, fresh, v.settings);
      const r = smoothedCv(dev, recorded(v.settings), v.scorer ?? {}, smoothOptions, factors, undefined, classes && ((o, t) => classes.add(o, t)));
      smoothed.push(r);
      if (classes) lines.push(...classes.lines());
      if (v.label === pairWith) pairBase = r;
      lines.push(...smoothedLines(r, [['defaults', smoothBase], [pairWith, pairBase]]), `  (smoothed in ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(0)} ms)`);
      smoothBase ??= r;
    }
    console.log(lines.join('\n'));
  }
  if (process.env.BENCH_NAB_NESTED && smoothBase) {
    const nested = nestedSmoothed(smoothed);
    const fixed = perSplit(smoothBase);
    const picks = (k: number) => picked(nested.chosen[k], variants);
    const d = nested.heldOut.slice(0, 2).map((xs, k) => spread(xs.map((x, s) => x - fixed[k][s])));
    console.log(
      [
        `nested, smoothed: one of the ${variants.length} variants chosen on each training half by its score averaged over the ${factors.length} draws`,
        `  smoothed held-out  ${nested.spread.slice(0, 2).map((p) => `${p.mean.toFixed(1)} ± ${p.se.toFixed(1)}`).join(' / ')}`,
        `  vs defaults        ${d.map((x) => `${signed(x.mean)} ± ${x.se.toFixed(1)}`).join(' / ')} (paired, smoothed the same way)`,
        `  chosen, standard   ${picks(0)}`,
        `  chosen, low-FP     ${picks(1)}`,
      ].join('\n'),
    );
  }
  if (process.env.BENCH_NAB_NESTED && base && !smoothOnly) {
    const nested = nestedMonteCarloCv(candidates);
    const picks = (k: number) => picked(nested.chosen[k], variants);
    console.log(
      [
        `nested: one of the ${variants.length} variants chosen on each training half`,
        `  mc-cv             ${pair(nested.spread)}`,
        `  vs defaults       ${diff(pairedDifference(nested, base))} (paired)`,
        `  chosen, standard  ${picks(0)}`,
        `  chosen, low-FP    ${picks(1)}`,
      ].join('\n'),
    );
  }
}

main();
