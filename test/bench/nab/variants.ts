/**
 * Every generalisation measure for several detector variants in one run, one block per variant, so a
 * candidate change is judged on all of them at once (issue 12: a change that raises one measure and lowers
 * another is a regression). Variants are settings of the existing options, as JSON:
 *
 *   BENCH_NAB_VARIANTS='[{"label":"holdoff 150","scorer":{"holdoffHalfLife":150}}]' npm run bench:detection-variants
 *
 * (`scorer`: `AlertScorerOptions`, `settings`: `DetectorSettings`; the defaults are always printed first).
 * `BENCH_NAB_FRESH_SEEDS` (JSON array) replaces the fresh synthetic seeds, e.g. 4..19 for a wider draw.
 * Rows: nab-dev at its own thresholds; the cross-validation folds and their average; the synthetic classes
 * at the nab-dev thresholds; nab-dev and synthetic pooled under one threshold; fresh seeds.
 */
import type { AlertScorerOptions, DetectorSettings } from '@idm/detection';
import { crossValidate, idmScores } from './nab.bench';
import { loadNabCorpus, NabSeries } from './nab-corpus';
import { ProfileResult, scoreCorpus, scoreCorpusAt, ScoredSeries } from './nab-scorer';
import { FAILURE_CLASSES, FRESH_SEEDS, syntheticCorpus } from '../synthetic/failure-classes';

interface Variant {
  label: string;
  scorer?: AlertScorerOptions;
  settings?: DetectorSettings;
}

const trio = (rs: ProfileResult[]) => rs.map((r) => r.score.toFixed(1)).join(' / ');

function measure(v: Variant, dev: NabSeries[], synth: NabSeries[], fresh: NabSeries[]): string[] {
  const scored = (corpus: NabSeries[]): ScoredSeries[] =>
    corpus.map((s) => ({ name: s.name, timestamps: s.timestamps, windows: s.windows, scores: idmScores(s, v.settings, v.scorer) }));
  const devScored = scored(dev);
  const own = scoreCorpus(devScored);
  const thresholds = own.map((r) => r.threshold);
  const cv = crossValidate(devScored);
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
  return [
    `${v.label}  (standard / reward-low-FP / reward-low-FN)`,
    `  nab-dev          ${trio(own)}  threshold ${thresholds[0].toFixed(4)}, tp ${own[0].counts.tp} fp ${own[0].counts.fp} fn ${own[0].counts.fn}`,
    ...cv.map((f) => `  cv ${f.fold.padEnd(34)} ${trio(f.results)}`),
    `  cv average       ${mean(0)} / ${mean(1)} / ${mean(2)}`,
    `  synthetic, all   ${trio(scoreCorpusAt(synthScored, thresholds))}`,
    `  classes          ${classes.join('; ')}`,
    `  pooled           ${trio(scoreCorpus([...devScored, ...synthScored]))}`,
    `  fresh seeds      ${trio(freshResults)}  (tp ${freshResults[0].counts.tp} fp ${freshResults[0].counts.fp} fn ${freshResults[0].counts.fn})`,
  ];
}

function main(): void {
  const variants: Variant[] = [{ label: 'defaults' }, ...(JSON.parse(process.env.BENCH_NAB_VARIANTS ?? '[]') as Variant[])];
  const seeds = process.env.BENCH_NAB_FRESH_SEEDS ? (JSON.parse(process.env.BENCH_NAB_FRESH_SEEDS) as number[]) : FRESH_SEEDS;
  const dev = loadNabCorpus();
  const synth = syntheticCorpus();
  const fresh = syntheticCorpus(seeds);
  for (const v of variants) console.log(measure(v, dev, synth, fresh).join('\n'));
}

main();
