/**
 * Short-cycle model: a process value that cycles with its own period (a control loop, a batch, a pump
 * schedule: minutes to an hour, too short for the half-hour bins of the daily profile). Without it the
 * cycle counts as the signal's spread, so a cycle that stops is a *drop* in spread and a slow slide must
 * grow past the cycle's amplitude before it shows. With it, each sample is judged against the value the
 * cycle expects at this moment, on the spread of what is left (the noise).
 *
 * The period is found from the data and adopted only when it explains the signal out of sample:
 * - a bounded ring of bucket means (RING buckets of about BUCKET_MS) is searched by autocorrelation every
 *   SEARCH_EVERY buckets (amortised O(1) per sample); a period is proposed only at a clear peak (at least
 *   MIN_ACF, and MIN_DIP above the trough before it: a trend or a random walk has no such peak), then
 *   refined on a multiple of it for precision;
 * - the proposed cycle's profile (phase bins) is then checked on the buckets that come *after* it was
 *   proposed: it must explain at least ADOPT_R2 of their spread on CONFIRM stretches in a row;
 * - once adopted it is re-checked the same way on every stretch and dropped after DROP_AFTER failing
 *   stretches in a row (one good stretch restores one), so a fault is reported, not learned away at once;
 * - each bucket's mean residual is judged (an EWMA chart and a short-term spread, `chart`); the profile
 *   and the residual spread learn slowly (the baseline's rate in time) from buckets whose samples were
 *   all usual. Per sample the model only sums into the open bucket.
 *
 * Pure logic, bounded memory (RING + MAX_BINS numbers), serialisable (`save` / `CycleProfile.load`).
 */

/** The bucket length aimed at: a cycle of a few minutes still spans many buckets at 1 Hz. */
const BUCKET_MS = 10_000;
/** Buckets kept: at 10 s about an hour, so a cycle of up to 1600 s is seen 2.4 times. */
export const RING = 384;
/** Samples a bucket must hold for the model to be built (see `CycleProfile.for`). */
const MIN_PER_BUCKET = 2;
/** Shortest period searched, in buckets (fewer cannot draw a cycle). */
const MIN_LAG = 8;
/** Longest period modelled: the daily profile's half-hour bins can show slower rhythms. */
export const MAX_CYCLE_MS = 3_600_000;
/** Periods searched up to the filled ring over this (the autocorrelation needs a few cycles). */
const CYCLES_SEEN = 2.4;
const SEARCH_EVERY = RING / 2;
/**
 * A search that proposes nothing doubles the wait for the next, up to 2^MAX_BACKOFF times SEARCH_EVERY (a
 * signal without a cycle, or with one adopted, pays little for the search; a dropped cycle resets it).
 */
const MAX_BACKOFF = 3;
const BACKOFF = [1, 2, 4, 8];
const MIN_ACF = 0.5;
const MIN_DIP = 0.5;
/** A peak within this share of the highest counts as the period (its multiples peak as high). */
const FIRST_PEAK = 0.9;
export const ADOPT_R2 = 0.8;
const CONFIRM = 2;
const DROP_AFTER = 3;
/** Shortest validation stretch, in buckets. */
const MIN_STRETCH = 32;
const MAX_BINS = 32;
/** A running period re-estimate is taken only this close to the adopted one (else the checks decide). */
const PERIOD_TOLERANCE = 0.02;
/** Highest lag-1 autocorrelation of the residual used to widen the chart. */
const MAX_RHO = 0.999;

/** Saved form. */
export interface CycleState {
  bucketMs: number;
  /** Bucket means, oldest first. */
  ring: number[];
  /** Scalars (see the S_* indices; the layout's version is `version`). */
  scalars: number[];
  bins: number[];
  version: 1;
}

// Scalars.
const S_BUCKET_IDX = 0; // time-grid index of the open bucket (NaN: none)
const S_BUCKET_SUM = 1;
const S_BUCKET_N = 2;
const S_BUCKET_TS = 3; // sum of the open bucket's sample offsets within it
const S_OFFSET = 4; // usual mean time of a bucket's samples within it (ms)
const S_HEAD = 5; // ring slot of the next bucket
const S_COUNT = 6; // buckets in the ring
const S_LAST_IDX = 7; // time-grid index of the newest bucket
const S_SINCE_SEARCH = 8;
const S_PERIOD = 9; // ms; 0: no cycle
const S_ANCHOR_TS = 10;
const S_ANCHOR_PHASE = 11;
const S_STATUS = 12; // 0 none, 1 proposed (being checked), 2 adopted
const S_CONFIRM = 13;
const S_ST_N = 14; // the stretch being checked: buckets, squared errors, sum and sum of squares
const S_ST_SSR = 15;
const S_ST_SUM = 16;
const S_ST_SQ = 17;
const S_EWMA = 18; // the chart on bucket-mean residuals: EWMA, their variance, lag-1 autocovariance, last one
const S_BVAR = 19;
const S_ACOV = 20;
const S_PREV_RES = 21;
const S_BN = 22; // usual buckets the spread has learned from
const S_R2 = 23; // last stretch's out-of-sample R²
const S_BUSUAL = 24; // 1 while all the open bucket's samples were usual
const S_STAT = 25;
const S_FAST = 26; // short-term mean square of the bucket-mean residuals
const S_QUIET = 27; // searches in a row that proposed nothing (each doubles the wait, up to MAX_BACKOFF)
const S_RES = 28; // the last closed bucket's residual, its spread and its expected value (evidence)
const S_RSD = 29;
const S_PRED = 30;
// Per sample, not saved.
const S_J = 31; // the last prediction's bin (j) and position between bins (t)
const S_T = 32;
// Not saved: below this time a sample is provably in the open bucket or an earlier one (see `judge`).
const S_SAFE = 33;
const SAVED = 31;
const SCALARS = 34;

const STATUS_NONE = 0;
const STATUS_PROPOSED = 1;
const STATUS_ADOPTED = 2;

/** What the model needs from the detector's configuration. */
export interface CycleConfig {
  periodMs: number | null;
  alpha: number;
  ewmaLambda: number;
  zClip: number;
  minSigma: number;
  ewmaL: number;
  noiseRatio: number;
  fastAlpha: number;
}

// Scratch for the search (one search at a time in a process).
const SCRATCH = new Float64Array(RING);
const ACF = new Float64Array(RING);
const PREFIX = new Float64Array(RING + 1);

export class CycleProfile {
  private readonly s = new Float64Array(SCALARS);
  private readonly ring = new Float64Array(RING);
  private bins = new Float64Array(0);
  /** Input and output of a sample (numbers passed in arrays: a call's number arguments may be boxed). */
  readonly io = new Float64Array(7);
  private readonly bucketMs: number;
  private readonly samplePeriodMs: number;

  /** A model for a signal sampled every `config.periodMs`, or null when it cannot hold a short cycle. */
  static for(config: CycleConfig, saved?: CycleState | null): CycleProfile | null {
    const p = config.periodMs;
    if (!(p !== null && p > 0)) return null;
    // Only where a bucket holds several samples: per sample the model then only sums, and a bucket's work
    // (ring, residual tests) is shared. With one sample per bucket (sensors sampled every 7.5 s or slower)
    // it would cost that work on every sample, over 10 000 such sensors more than the rest of the detector.
    const perBucket = Math.round(BUCKET_MS / p);
    if (perBucket < MIN_PER_BUCKET) return null;
    const bucketMs = perBucket * p;
    const model = new CycleProfile(config, bucketMs);
    if (saved && saved.version === 1 && saved.bucketMs === bucketMs && saved.scalars.length === SAVED) model.restore(saved);
    return model;
  }

  private constructor(
    private readonly config: CycleConfig,
    bucketMs: number,
  ) {
    this.bucketMs = bucketMs;
    this.samplePeriodMs = config.periodMs!;
    this.s[S_BUCKET_IDX] = NaN;
    this.s[S_BUSUAL] = 1;
    this.s[S_SAFE] = -Infinity;
  }

  /** The adopted period in ms (0: none). */
  get periodMs(): number {
    return this.s[S_STATUS] === STATUS_ADOPTED ? this.s[S_PERIOD] : 0;
  }

  /** The proposed or adopted period in ms (0: none), and whether it is adopted: for tests and evidence. */
  get candidateMs(): number {
    return this.s[S_STATUS] === STATUS_NONE ? 0 : this.s[S_PERIOD];
  }

  get lastR2(): number {
    return this.s[S_R2];
  }

  /**
   * Judges the sample in io[0] (timestamp) / io[1] (value): io[2] = the residual tests' statistic as of
   * the last complete bucket, in multiples of their threshold (see `closeBucket`; 0 while no cycle is
   * adopted), io[3] = that bucket's mean residual, io[4] = the adopted period (`periodMs`), io[5] and io[6]
   * the expected value of a bucket's mean at that bucket and its residual spread (the expected range is
   * io[5] ± width · io[6]). Outputs in `io`, not returned: a number returned from a call that is not
   * inlined is boxed (an allocation per sample). Then `learn`. Per sample this only sums: the model
   * works on bucket means (as the seasonal profiles work on block means), a sample of a new bucket first
   * closing the last one.
   */
  judge(): void {
    const s = this.s;
    const io = this.io;
    // Most samples fall in the open bucket: below S_SAFE the index is at most the open one's (see
    // `safeBelow`), which changes nothing, so the division is skipped.
    if (!(io[0] < s[S_SAFE])) {
      const idx = Math.floor(io[0] / this.bucketMs);
      if (s[S_BUCKET_IDX] !== s[S_BUCKET_IDX]) s[S_BUCKET_IDX] = idx;
      else if (idx > s[S_BUCKET_IDX]) {
        this.closeBucket();
        s[S_BUCKET_IDX] = idx;
      }
      s[S_SAFE] = safeBelow(s[S_BUCKET_IDX], this.bucketMs);
    }
    const adopted = s[S_STATUS] === STATUS_ADOPTED;
    io[2] = adopted ? s[S_STAT] : 0;
    io[3] = adopted ? s[S_RES] : 0;
    io[4] = adopted ? s[S_PERIOD] : 0;
    io[5] = s[S_PRED];
    io[6] = s[S_RSD];
  }

  /** Adds the last judged sample to its bucket; `usual` (the detector found nothing): the bucket may teach the model. */
  learn(usual: boolean): void {
    const s = this.s;
    if (!usual) s[S_BUSUAL] = 0;
    s[S_BUCKET_SUM] += this.io[1];
    s[S_BUCKET_TS] += this.io[0] - s[S_BUCKET_IDX] * this.bucketMs;
    s[S_BUCKET_N]++;
  }

  /**
   * The profile's value at time `ts`: a cubic (Catmull-Rom) through the phase bins, so a smooth cycle's
   * curvature between bins is not a residual that shows at every peak.
   */
  private predict(ts: number): number {
    const bins = this.bins;
    const k = bins.length;
    const u = this.binPosition(ts);
    const j = Math.floor(u);
    const t = u - j;
    this.s[S_J] = j;
    this.s[S_T] = t;
    const p0 = bins[wrap(j - 1, k)];
    const p1 = bins[wrap(j, k)];
    const p2 = bins[wrap(j + 1, k)];
    const p3 = bins[wrap(j + 2, k)];
    return p1 + 0.5 * t * (p2 - p0 + t * (2 * p0 - 5 * p1 + 4 * p2 - p3 + t * (3 * (p1 - p2) + p3 - p0)));
  }

  /** Position on the bin axis (bin j's centre at j) of time `ts`, by phase from the anchor (any time step). */
  private binPosition(ts: number): number {
    const s = this.s;
    const phase = s[S_ANCHOR_PHASE] + (ts - s[S_ANCHOR_TS]) / s[S_PERIOD];
    return (phase - Math.floor(phase)) * this.bins.length - 0.5;
  }

  private closeBucket(): void {
    const s = this.s;
    const n = s[S_BUCKET_N];
    const usual = s[S_BUSUAL] === 1;
    s[S_BUSUAL] = 1;
    if (n === 0) return;
    const mean = s[S_BUCKET_SUM] / n;
    const idx = s[S_BUCKET_IDX];
    const offset = s[S_BUCKET_TS] / n;
    s[S_OFFSET] = s[S_COUNT] === 0 && s[S_BN] === 0 ? offset : 0.9 * s[S_OFFSET] + 0.1 * offset;
    s[S_BUCKET_SUM] = 0;
    s[S_BUCKET_TS] = 0;
    s[S_BUCKET_N] = 0;
    if (s[S_STATUS] !== STATUS_NONE) {
      const ts = idx * this.bucketMs + offset;
      const pred = this.predict(ts);
      // Checked out of sample first (before the bins learn this bucket), then judged and learned.
      this.check(mean, pred);
      if (s[S_STATUS] !== STATUS_NONE) this.chart(mean - pred, pred, usual);
    }
    const missing = s[S_COUNT] > 0 ? idx - s[S_LAST_IDX] - 1 : 0;
    // A short gap is bridged with the last mean; after a longer one the ring starts again (its lags
    // must be contiguous in time). The phase is by time, so an adopted cycle carries on.
    if (missing > 2) s[S_COUNT] = 0;
    else for (let i = 0; i < missing; i++) this.push(this.ring[(s[S_HEAD] + RING - 1) % RING]);
    this.push(mean);
    s[S_LAST_IDX] = idx;
    if (++s[S_SINCE_SEARCH] >= SEARCH_EVERY * BACKOFF[s[S_QUIET]]) {
      s[S_SINCE_SEARCH] = 0;
      // Backs off only once the ring is full (a partly filled one cannot show the longer cycles yet);
      // search() resets it when it proposes.
      if (s[S_COUNT] === RING) s[S_QUIET] = Math.min(MAX_BACKOFF, s[S_QUIET] + 1);
      this.search();
    }
  }

  /**
   * The residual tests on a bucket's mean residual `r`: an EWMA chart over the residual's own usual
   * spread, widened by its lag-1 autocorrelation, and its short-term spread; then, from a usual bucket,
   * the spread and the profile learn (at the baseline's rate in time).
   */
  private chart(r: number, pred: number, usual: boolean): void {
    const s = this.s;
    const c = this.config;
    const bsd = Math.max(Math.sqrt(s[S_BVAR]), c.minSigma, 1e-6 * Math.abs(pred), 1e-9);
    // Clipped as wide as the noise detector clips (2 zClip): one wild bucket alone moves the EWMA by
    // λ·9 = 0.9 spreads (statistic 3.9, below the threshold of 5), while a stopped cycle's swings, many
    // spreads wide on both sides in turn, still show in full.
    const clipAt = s[S_BN] > 3 ? 2 * c.zClip * bsd : Infinity;
    const rc = r > clipAt ? clipAt : r < -clipAt ? -clipAt : r;
    const lambda = c.ewmaLambda;
    const ewma = lambda * rc + (1 - lambda) * s[S_EWMA];
    s[S_EWMA] = ewma;
    const rho = s[S_BVAR] > 0 ? Math.min(MAX_RHO, Math.max(0, s[S_ACOV] / s[S_BVAR])) : 0;
    const phi = rho * (1 - lambda);
    const meanStatistic = Math.abs(ewma) / (bsd * Math.sqrt((lambda / (2 - lambda)) * ((1 + phi) / (1 - phi))));
    // On a short cycle the EWMA averages a stopped cycle's swings away; their spread still shows: the
    // residual's short-term spread against its usual one, as the noise detector judges the signal's.
    const fast = (1 - c.fastAlpha) * s[S_FAST] + c.fastAlpha * rc * rc;
    s[S_FAST] = fast;
    const spreadRatio = Math.sqrt(fast) / bsd;
    // One scale, in multiples of each test's threshold (the seasonal chart's L + 1, the noise ratio).
    s[S_STAT] = Math.max(meanStatistic / (c.ewmaL + 1), spreadRatio / c.noiseRatio);
    s[S_RES] = r;
    s[S_RSD] = bsd;
    s[S_PRED] = pred;
    if (usual) {
      const bucketAlpha = Math.min(0.5, c.alpha * (this.bucketMs / this.samplePeriodMs));
      const ra = Math.max(bucketAlpha, 1 / ++s[S_BN]);
      const lc = s[S_BN] > 3 ? c.zClip * bsd : Infinity;
      const rl = r > lc ? lc : r < -lc ? -lc : r;
      s[S_BVAR] = (1 - ra) * (s[S_BVAR] + ra * rl * rl);
      const ka = Math.max(bucketAlpha / 4, 1 / s[S_BN]);
      s[S_ACOV] = (1 - ka) * (s[S_ACOV] + ka * rl * s[S_PREV_RES]);
      // Each bin sees 1/K of the buckets: per visit it learns K times the rate (the same memory in time),
      // each of the four in proportion to its weight in the prediction (least squares).
      const bins = this.bins;
      const k = bins.length;
      const j = s[S_J];
      const t = s[S_T];
      const ba = Math.min(0.2, bucketAlpha * k) * rl;
      const t2 = t * t;
      const t3 = t2 * t;
      bins[wrap(j - 1, k)] += ba * 0.5 * (-t3 + 2 * t2 - t);
      bins[wrap(j, k)] += ba * 0.5 * (3 * t3 - 5 * t2 + 2);
      bins[wrap(j + 1, k)] += ba * 0.5 * (-3 * t3 + 4 * t2 + t);
      bins[wrap(j + 2, k)] += ba * 0.5 * (t3 - t2);
      s[S_PREV_RES] = rl;
    } else s[S_PREV_RES] = rc;
  }

  private push(mean: number): void {
    const s = this.s;
    const head = s[S_HEAD];
    this.ring[head] = mean;
    s[S_HEAD] = head + 1 === RING ? 0 : head + 1;
    if (s[S_COUNT] < RING) s[S_COUNT]++;
  }

  /** Out of sample: how much of this stretch's spread the profile explains (bucket means, so noise counts little). */
  private check(mean: number, pred: number): void {
    const s = this.s;
    const e = mean - pred;
    s[S_ST_N]++;
    s[S_ST_SSR] += e * e;
    s[S_ST_SUM] += mean;
    s[S_ST_SQ] += mean * mean;
    const stretch = Math.max(MIN_STRETCH, Math.ceil(s[S_PERIOD] / this.bucketMs));
    if (s[S_ST_N] < stretch) return;
    const n = s[S_ST_N];
    const sst = s[S_ST_SQ] - (s[S_ST_SUM] * s[S_ST_SUM]) / n;
    const r2 = sst > 0 ? 1 - s[S_ST_SSR] / sst : 0;
    s[S_R2] = r2;
    s[S_ST_N] = 0;
    s[S_ST_SSR] = 0;
    s[S_ST_SUM] = 0;
    s[S_ST_SQ] = 0;
    const pass = r2 >= ADOPT_R2;
    if (s[S_STATUS] === STATUS_PROPOSED) {
      if (!pass) this.drop();
      else if (++s[S_CONFIRM] >= CONFIRM) {
        s[S_STATUS] = STATUS_ADOPTED;
        s[S_CONFIRM] = DROP_AFTER;
      }
    } else if (pass) s[S_CONFIRM] = Math.min(DROP_AFTER, s[S_CONFIRM] + 1);
    else if (--s[S_CONFIRM] <= 0) this.drop();
  }

  private drop(): void {
    const s = this.s;
    s[S_STATUS] = STATUS_NONE;
    s[S_PERIOD] = 0;
    s[S_CONFIRM] = 0;
    s[S_EWMA] = 0;
    s[S_ACOV] = 0;
    s[S_RES] = 0;
    s[S_PREV_RES] = 0;
    s[S_BVAR] = 0;
    s[S_BN] = 0;
    s[S_STAT] = 0;
    s[S_FAST] = 0;
    s[S_QUIET] = 0;
    this.bins = new Float64Array(0);
  }

  /** Time of ring bucket `k` (0 = oldest). */
  private bucketTime(k: number): number {
    const s = this.s;
    return (s[S_LAST_IDX] - (s[S_COUNT] - 1 - k)) * this.bucketMs + s[S_OFFSET];
  }

  private search(): void {
    const s = this.s;
    const period = findPeriod(this.ring, s[S_HEAD], s[S_COUNT], Math.floor(MAX_CYCLE_MS / this.bucketMs));
    if (period === 0) return;
    const periodMs = period * this.bucketMs;
    if (s[S_STATUS] === STATUS_ADOPTED) {
      // Refine a running cycle's period, keeping its phase now (the profile stays aligned).
      const old = s[S_PERIOD];
      if (Math.abs(periodMs - old) <= PERIOD_TOLERANCE * old) {
        const now = this.bucketTime(s[S_COUNT] - 1);
        s[S_ANCHOR_PHASE] = s[S_ANCHOR_PHASE] + (now - s[S_ANCHOR_TS]) / old;
        s[S_ANCHOR_PHASE] -= Math.floor(s[S_ANCHOR_PHASE]);
        s[S_ANCHOR_TS] = now;
        s[S_PERIOD] = periodMs;
      }
      return;
    }
    if (s[S_STATUS] === STATUS_PROPOSED) return;
    // Propose: the profile folded from the ring (values interpolated at each bin's phase in every cycle seen).
    const k = Math.max(4, Math.min(MAX_BINS, Math.floor(periodMs / this.samplePeriodMs / 2)));
    s[S_PERIOD] = periodMs;
    s[S_ANCHOR_TS] = this.bucketTime(s[S_COUNT] - 1);
    s[S_ANCHOR_PHASE] = 0;
    this.bins = new Float64Array(k);
    const first = this.bucketTime(0);
    const last = s[S_ANCHOR_TS];
    for (let j = 0; j < k; j++) {
      let sum = 0;
      let n = 0;
      for (let t = last - (1 - (j + 0.5) / k) * periodMs; t >= first; t -= periodMs) {
        const x = (t - first) / this.bucketMs;
        const i = Math.min(s[S_COUNT] - 2, Math.floor(x));
        const w = x - i;
        sum += (1 - w) * this.ringAt(i) + w * this.ringAt(i + 1);
        n++;
      }
      this.bins[j] = n > 0 ? sum / n : this.ringAt(s[S_COUNT] - 1);
    }
    s[S_STATUS] = STATUS_PROPOSED;
    s[S_QUIET] = 0;
    s[S_CONFIRM] = 0;
    s[S_ST_N] = 0;
    s[S_ST_SSR] = 0;
    s[S_ST_SUM] = 0;
    s[S_ST_SQ] = 0;
    s[S_EWMA] = 0;
    s[S_STAT] = 0;
    s[S_FAST] = 0;
  }

  /** Ring bucket `k`, 0 = oldest. */
  private ringAt(k: number): number {
    const s = this.s;
    return this.ring[(s[S_HEAD] - s[S_COUNT] + k + 2 * RING) % RING];
  }

  save(): CycleState {
    const s = this.s;
    const ring: number[] = [];
    for (let k = 0; k < s[S_COUNT]; k++) ring.push(this.ringAt(k));
    const scalars = Array.from(s.subarray(0, SAVED));
    scalars[S_HEAD] = s[S_COUNT] % RING; // the ring is saved oldest first
    return { version: 1, bucketMs: this.bucketMs, ring, scalars, bins: Array.from(this.bins) };
  }

  private restore(saved: CycleState): void {
    const s = this.s;
    s.set(saved.scalars.slice(0, SAVED));
    const ring = saved.ring.slice(-RING);
    this.ring.set(ring);
    s[S_COUNT] = ring.length;
    s[S_HEAD] = ring.length % RING;
    this.bins = Float64Array.from(saved.bins);
    if (s[S_STATUS] !== STATUS_NONE && this.bins.length === 0) this.drop();
  }
}

/**
 * The dominant period of the ring's last `count` buckets (in buckets, fractional), or 0 when there is no
 * clear one: the first autocorrelation peak of at least MIN_ACF that rises MIN_DIP above the trough before
 * it and comes within FIRST_PEAK of the highest such peak, refined on the largest multiple the ring holds.
 */
export function findPeriod(ring: Float64Array, head: number, count: number, maxPeriod: number): number {
  const n = count;
  const maxLag = Math.min(Math.floor(n / CYCLES_SEEN), maxPeriod, RING - 2);
  if (maxLag <= MIN_LAG) return 0;
  const d = SCRATCH;
  let mean = 0;
  for (let k = 0; k < n; k++) {
    d[k] = ring[(head - n + k + 2 * RING) % RING];
    mean += d[k];
  }
  mean /= n;
  PREFIX[0] = 0;
  for (let k = 0; k < n; k++) {
    d[k] -= mean;
    PREFIX[k + 1] = PREFIX[k] + d[k] * d[k];
  }
  const acf = ACF;
  for (let lag = 1; lag <= maxLag + 1; lag++) acf[lag] = autocorrelationAt(d, n, lag);
  let best = 0;
  let trough = Infinity;
  for (let lag = 1; lag <= maxLag; lag++) {
    trough = Math.min(trough, acf[lag]);
    if (lag >= MIN_LAG && isPeak(acf, lag) && acf[lag] >= MIN_ACF && acf[lag] - trough >= MIN_DIP) best = Math.max(best, acf[lag]);
  }
  if (best === 0) return 0;
  trough = Infinity;
  let lag0 = 0;
  for (let lag = 1; lag <= maxLag && lag0 === 0; lag++) {
    trough = Math.min(trough, acf[lag]);
    if (lag >= MIN_LAG && isPeak(acf, lag) && acf[lag] >= FIRST_PEAK * best && acf[lag] - trough >= MIN_DIP) lag0 = lag;
  }
  const p0 = lag0 + vertex(acf[lag0 - 1], acf[lag0], acf[lag0 + 1]);
  // The largest multiple with at least one cycle of overlap: its peak's position has the same error, so
  // the period's is that many times smaller.
  const m = Math.floor((n - p0) / p0);
  if (m < 2) return p0;
  const centre = Math.round(m * p0);
  const halfWidth = Math.ceil(m / 2) + 1;
  let top = -Infinity;
  let at = 0;
  for (let lag = centre - halfWidth; lag <= centre + halfWidth; lag++) {
    const a = autocorrelationAt(d, n, lag);
    if (a > top) {
      top = a;
      at = lag;
    }
  }
  if (at === centre - halfWidth || at === centre + halfWidth || n - at < 2) return p0;
  const refined = (at + vertex(autocorrelationAt(d, n, at - 1), top, autocorrelationAt(d, n, at + 1))) / m;
  return Math.abs(refined - p0) <= 0.5 ? refined : p0;
}

/**
 * A time below which every timestamp t has Math.floor(t / bucketMs) <= k (-Infinity when k is not a safe
 * size): a bucket's width less 1/1024 of it. Exact: correctly rounded division is monotonic, so t below
 * the bound divides to at most bound / bucketMs, which for |k| < 2^40 rounds (product and quotient each
 * within 2^-53 relative, far less than the 2^-10 margin) to below k + 1, and floors to at most k.
 */
export function safeBelow(k: number, bucketMs: number): number {
  return Math.abs(k) < 2 ** 40 && bucketMs > 0 ? (k + 1 - 1 / 1024) * bucketMs : -Infinity;
}

/** Index `j` (at least -k, below 2k) into a ring of `k` bins. */
function wrap(j: number, k: number): number {
  return j < 0 ? j + k : j >= k ? j - k : j;
}

/** Correlation of the mean-removed series with itself `lag` buckets later, over their overlap. */
function autocorrelationAt(d: Float64Array, n: number, lag: number): number {
  let sum = 0;
  for (let i = 0; i + lag < n; i++) sum += d[i] * d[i + lag];
  const e1 = PREFIX[n - lag];
  const e2 = PREFIX[n] - PREFIX[lag];
  return e1 > 0 && e2 > 0 ? sum / Math.sqrt(e1 * e2) : 0;
}

function isPeak(acf: Float64Array, lag: number): boolean {
  return acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1];
}

/** Offset of a parabola's vertex through three equally spaced points from the middle one (in [-0.5, 0.5]). */
function vertex(a: number, b: number, c: number): number {
  const den = a - 2 * b + c;
  return den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den)) : 0;
}
