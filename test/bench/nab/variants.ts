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
 * Rows: nab-dev at its own thresholds; the Monte-Carlo cross-validation (50 stratified random halves, both
 * ways: mean ± standard error, 10th and 90th percentile, and each variant's paired difference from the
 * defaults on the same splits); the four fixed folds and their average; the synthetic classes at the
 * nab-dev thresholds; nab-dev and synthetic pooled under one threshold; fresh seeds.
 */
import type { AlertScorerOptions, DetectorSettings } from '@idm/detection';
import { crossValidate, idmScores } from './nab.bench';
import { fmtSpread, monteCarloCv, MonteCarloResult, nestedMonteCarloCv, pairedDifference, Spread } from './cross-validation';
import { loadNabCorpus, NabSeries } from './nab-corpus';
import { ProfileResult, scoreCorpus, scoreCorpusAt, ScoredSeries } from './nab-scorer';
import { FAILURE_CLASSES, FRESH_SEEDS, syntheticCorpus } from '../synthetic/failure-classes';

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
  const base = (v.scorer?.[option] as number | undefined) ?? SCORER_DEFAULTS[option];
  if (base === undefined) throw new Error(`BENCH_NAB_JITTER: no default known for ${option}`);
  return { ...v, label: `${v.label}, ${option} ×${factor}`, scorer: { ...v.scorer, [option]: base * factor } };
}

/** The alert score's numeric defaults (alert-scorer.ts), for the ±1 % jitter. */
const SCORER_DEFAULTS: Partial<Record<keyof AlertScorerOptions, number>> = {
  holdoffHalfLife: 100,
  evidenceHalfLife: 1000,
  surpriseThreshold: 3,
  renotifyFactor: 3,
};

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

function main(): void {
  const variants: Variant[] = [{ label: 'defaults' }, ...(JSON.parse(process.env.BENCH_NAB_VARIANTS ?? '[]') as Variant[])];
  const seeds = process.env.BENCH_NAB_FRESH_SEEDS ? (JSON.parse(process.env.BENCH_NAB_FRESH_SEEDS) as number[]) : FRESH_SEEDS;
  const dev = loadNabCorpus();
  const synth = syntheticCorpus();
  const fresh = syntheticCorpus(seeds);
  const jittered = JSON.parse(process.env.BENCH_NAB_JITTER ?? '[]') as (keyof AlertScorerOptions)[];
  let base: MonteCarloResult | undefined;
  const candidates: ScoredSeries[][] = [];
  for (const v of variants) {
    const { lines, mc, devScored } = measure(v, dev, synth, fresh, base);
    base ??= mc;
    candidates.push(devScored);
    console.log([...lines, ...(jittered.length ? jitter(v, jittered, dev, mc) : [])].join('\n'));
  }
  if (process.env.BENCH_NAB_NESTED && base) {
    const nested = nestedMonteCarloCv(candidates);
    const picks = (k: number) =>
      nested.chosen[k]
        .map((n, i) => [n, variants[i].label] as const)
        .filter(([n]) => n > 0)
        .map(([n, label]) => `${label} ×${n}`)
        .join(', ');
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
