import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import type { AnomalyEpisode, AnomalyVerdict, DetectorOverrideDto, DetectorOverrides, IngestedSample, SampleQuality } from '@idm/contracts';
import { severityOf } from '@idm/contracts';
import { AppConfig, DatabaseState, DomainEvents, HealthRegistry, isFencedOut, mapLimited, MetricsService, retryInBackground, UPDATES_PER_COMMAND, WriterRole } from '@idm/core';
import { IngestionService, sensorIndex, SINK_STAGE, TagRegistryService } from '@idm/ingestion';
import { AnomaliesRepository, episodeId, type EpisodeStart } from './anomalies.repository';
import { ANOMALY_SCORE, DetectorBank, DetectorRow, DetectorSettings, EngineVerdict, EpisodeChange, EpisodeState, EpisodeTracker, judgeUnusableSample, SensorDetector, settingsFromOverrides } from './engine';

/** An episode change and the sample that made it (its value and quality go with the announcement). */
type EpisodeNews = { sensorId: string; change: NonNullable<EpisodeChange>; value: number; quality: SampleQuality };

/** One sensor's live detection: its detector, its episode tracker, and whether it changed since the last save. */
interface SensorRuntime {
  // What every sample reads first (built in this order, see `load`): the fields lie in the object so.
  /** Its sensor id (a sample found by its `sensor_index` is checked against it). */
  readonly sensorId: string;
  detector: SensorDetector;
  /** No episode open in `episodes` (kept after each of its steps): a quiet sample then need not read it. */
  quiet: boolean;
  dirty: boolean;
  /**
   * The sensor whose sample followed one of this sensor's in a batch, when it was last looked up by id
   * (a guess, checked by id, for the next lookup: see `accept`). Only ever a runtime of `sensors`.
   */
  next: SensorRuntime | undefined;
  episodes: EpisodeTracker;
  /** Where its detector keeps its numbers (a row of the service's bank; a rebuilt detector reuses it). */
  row: DetectorRow;
  settingsKey: string;
  /** A saved state of it is in the database (loaded, or saved since): saved by replace, else by insert. */
  stored: boolean;
  /** The open episode's last anomalous sample as last written (or queued) to `anomalies`; unset when unknown. */
  written?: { start: number; last: number };
}

const newBank = () => new DetectorBank(undefined, { keepEvidence: false });

/** Saved detector states loaded at once for sensors seen for the first time (`_id` lookups). */
const STATE_LOAD_CONCURRENCY = 16;

export interface CheckInput {
  sensor_id: string;
  samples: { timestamp: number; value: number }[];
  use_live_state: boolean;
  /** The first this many samples are known normal: learned, answered `training`, not judged. */
  train?: number;
}

export interface CheckResult {
  verdicts: AnomalyVerdict[];
  episodes: { episode: EpisodeState; resolved: boolean }[];
  /** Samples the detector still needs after the batch before it judges. */
  samplesToLearn: number;
}

/**
 * Detection stage of the ingestion pipeline (stage 10): judges every sample, marks its `status`, groups
 * anomalous samples into episodes (stored in `anomalies`, announced as `anomaly.*` events for the alarms
 * module). Per-sensor state lives in memory and is saved to `detector_states` periodically and at shutdown,
 * so a restart continues where it was instead of re-learning.
 */
@Injectable()
export class DetectionService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Detection');
  private readonly sensors = new Map<string, SensorRuntime>();
  /** The same runtimes by `sensorIndex(id)`: samples that carry it are found without hashing their id. */
  private byIndex: (SensorRuntime | undefined)[] = [];
  private readonly loading = new Map<string, Promise<SensorRuntime>>();
  /**
   * The live detectors' numbers, side by side (see `DetectorBank`). A sample's evidence is asked for only
   * right after it (`observe` builds an anomalous sample's verdict at once), so it is not kept.
   */
  private bank = newBank();
  /** Admin overrides by `sensor:<id>` / `unit:<unit>`, held in memory (a small collection). */
  private overrides = new Map<string, DetectorOverrideDto>();
  /** Episode writes run one after another, so a sensor's open/update/close reach the database in order. */
  private writes: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;
  /** The running refresh of open episodes, if any (a slow database gets one pass at a time, not a pile-up). */
  private refreshing?: Promise<void>;
  private readonly samplesTotal: Counter<'status'>;
  private readonly episodesTotal: Counter<'anomaly_type'>;
  private readonly openEpisodes: Gauge;
  private readonly sensorsGauge: Gauge;

  constructor(
    private readonly ingestion: IngestionService,
    private readonly tags: TagRegistryService,
    private readonly repo: AnomaliesRepository,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    metrics: MetricsService,
    private readonly health: HealthRegistry,
    private readonly database: DatabaseState,
    private readonly role: WriterRole,
  ) {
    this.samplesTotal = new Counter({ name: 'idm_detection_samples_total', help: 'Samples judged by anomaly detection, by status', labelNames: ['status'], registers: [metrics.registry] });
    this.episodesTotal = new Counter({ name: 'idm_detection_episodes_opened_total', help: 'Anomaly episodes opened, by type', labelNames: ['anomaly_type'], registers: [metrics.registry] });
    this.openEpisodes = new Gauge({
      name: 'idm_detection_open_episodes',
      help: 'Anomaly episodes currently open',
      registers: [metrics.registry],
      collect: () => this.openEpisodes.set([...this.sensors.values()].filter((s) => s.episodes.open).length),
    });
    this.sensorsGauge = new Gauge({ name: 'idm_detection_sensors', help: 'Sensors with a detector in memory', registers: [metrics.registry], collect: () => this.sensorsGauge.set(this.sensorCount) });
  }

  async onModuleInit(): Promise<void> {
    // Without the database, detection starts from the tag limits and learns afresh; overrides load when it answers.
    await retryInBackground('loading the detection overrides', this.logger, async () => {
      await this.database.ready;
      await this.repo.init();
      await this.reloadOverrides();
    }, this.database.initialised ? 30_000 : 0, 'the database');
    this.ingestion.register({ name: 'detection', stage: SINK_STAGE.detection, accept: (batch) => this.accept(batch) });
    // A limit or range changed in the registry applies to the next sample, keeping what was learned.
    this.tags.onChange(() => this.applySettings());
    this.timer = setInterval(() => void this.saveStates(), this.config.detection.snapshotSeconds * 1000);
    this.timer.unref();
    this.refreshTimer = setInterval(() => void this.refreshOpenEpisodes(), this.config.detection.episodeRefreshSeconds * 1000);
    this.refreshTimer.unref();
    this.health.register('detection', async () => ({ status: 'up', sensors: this.sensorCount }));
    // IDM_ROLE=auto: taking over, each sensor's detector reloads the state the old writer saved (at its next sample).
    if (this.config.role === 'auto') this.role.onChange((e) => {
      if (e.is_writer) {
        this.sensors.clear();
        this.byIndex = [];
        // Rows of the dropped runtimes stay theirs (a batch in flight may still judge with them).
        this.bank = newBank();
      }
    });
    // Queued behind the episode writes, so the episode exists (and a later write of it keeps the link).
    this.events.on('alarm.linked', ({ alarm_id, anomaly_ids }) => this.enqueue(() => this.repo.linkAlarm(anomaly_ids, alarm_id)));
    this.events.on('alarm.normalized', ({ anomaly_ids }) => this.enqueue(() => this.repo.markResolved(anomaly_ids)));
  }

  /** Before shutdown hooks (the database connection closes in one of those). */
  async beforeApplicationShutdown(): Promise<void> {
    const t0 = Date.now();
    if (this.timer) clearInterval(this.timer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    await this.refreshOpenEpisodes();
    await this.writes.catch(() => undefined);
    const t1 = Date.now();
    const saved = await this.saveStates();
    this.logger.log(`shutdown: episode writes finished in ${t1 - t0} ms, ${saved} detector states of ${this.sensors.size} sensors saved in ${Date.now() - t1} ms`);
  }

  /** The sink: judges a batch in order and marks each sample's status. */
  async accept(batch: readonly IngestedSample[]): Promise<void> {
    // Each sample's runtime, looked up once (reused over a run of one sensor's samples). Sensors seen for
    // the first time load their saved state first, many at once (10 000 new sensors one after the other
    // would hold up ingestion); a batch of known sensors (the usual case) awaits nothing.
    const runtimes = new Array<SensorRuntime | undefined>(batch.length);
    let unknown: Set<string> | undefined;
    // The sample before's runtime (undefined when not known yet).
    let prev: SensorRuntime | undefined;
    const byIndex = this.byIndex;
    for (let i = 0; i < batch.length; i++) {
      const sample = batch[i];
      const id = sample.sensor_id;
      // By the sample's sensor index when it has one (polled samples), checked against the id: a number
      // from elsewhere must never lead to another sensor's state. The id is then the sensor's own string
      // object, so the check reads no characters.
      const k = sample.sensor_index ?? -1;
      let rt = k >= 0 ? byIndex[k] : undefined;
      if (rt === undefined || rt.sensorId !== id) {
        // Else (posted samples: freshly parsed ids) the sensor before it (a run of one sensor's samples),
        // or the one that followed that sensor last time (a client sends its sensors in the same order batch
        // after batch): hashing a fresh id and finding it among thousands is a few cache misses.
        if (prev !== undefined && prev.sensorId === id) rt = prev;
        else if (prev?.next !== undefined && prev.next.sensorId === id) rt = prev.next;
        else {
          rt = this.sensors.get(id);
          if (prev !== undefined && rt !== undefined) prev.next = rt;
        }
      }
      if (rt) rt.dirty = true;
      else (unknown ??= new Set()).add(id);
      runtimes[i] = rt;
      prev = rt;
    }
    if (unknown) {
      const ids = [...unknown];
      const loaded = new Map((await mapLimited(ids, STATE_LOAD_CONCURRENCY, (id) => this.runtime(id))).map((r, i) => [ids[i], r]));
      for (let i = 0; i < batch.length; i++) {
        const r = runtimes[i] ?? loaded.get(batch[i].sensor_id)!;
        r.dirty = true;
        runtimes[i] = r;
      }
    }
    // Per sample: the score only (`update`), and a verdict object only for anomalous samples (`observe`);
    // the samples counter once per batch. The threshold is read once: an import through the engine's
    // `export *` is, in CommonJS, a getter shared by every re-export (a slow lookup per read; 4 % of
    // `accept` over 10 000 sensors in the CPU profile).
    const anomalyScore = ANOMALY_SCORE;
    let changes: EpisodeNews[] | undefined;
    let anomalies = 0;
    for (let i = 0; i < batch.length; i++) {
      const sample = batch[i];
      const rt = runtimes[i]!;
      let change: EpisodeChange;
      if (sample.quality === 'good') {
        const score = rt.detector.update(sample.timestamp, sample.value);
        // A normal sample with no episode open changes nothing in the tracker (`observe`); over many
        // sensors not reading it saves a cache miss per sample.
        if (score < anomalyScore && rt.quiet) change = null;
        else {
          change = rt.episodes.observe(sample.timestamp, rt.detector, score);
          rt.quiet = rt.episodes.open === null;
        }
        sample.status = score >= anomalyScore ? 'anomaly' : 'normal';
      } else {
        const verdict = judgeUnusableSample(sample.value, this.settingsFor(sample.sensor_id));
        change = rt.episodes.step(sample.timestamp, verdict);
        rt.quiet = rt.episodes.open === null;
        sample.status = verdict.score >= anomalyScore ? 'anomaly' : 'normal';
      }
      if (sample.status === 'anomaly') anomalies++;
      if (change) {
        (changes ??= []).push({ sensorId: sample.sensor_id, change, value: sample.value, quality: sample.quality });
        // The write queued below stores the episode as it is now; the refresh picks up from there.
        rt.written = change.kind === 'closed' ? undefined : { start: change.episode.start, last: change.episode.last };
      }
    }
    if (batch.length > anomalies) this.samplesTotal.inc({ status: 'normal' }, batch.length - anomalies);
    if (anomalies) this.samplesTotal.inc({ status: 'anomaly' }, anomalies);
    if (!changes) return;
    // Announce first (the alarm path is latency-critical), then write; the ids are deterministic. The
    // write is queued, not awaited: episodes must never hold up ingestion, least of all while the
    // database is away (the historian journals samples then).
    const recorded = changes;
    this.announce(recorded);
    void this.enqueue(() => this.recordChanges(recorded));
  }

  /** Sensors with a detector in memory. */
  get sensorCount(): number {
    return this.sensors.size;
  }

  /** Episodes of one sensor currently open (for tests and the check endpoint). */
  openEpisode(sensorId: string): EpisodeState | null {
    return this.sensors.get(sensorId)?.episodes.open ?? null;
  }

  /**
   * What-if: runs the sensor's detectors (its configuration, and its live state when asked) over the given
   * samples without touching the live state. The first `train` samples are only learned; a sample judged
   * while the detector is still warming up is `learning`, never `normal`. Returns per-sample verdicts and
   * the episodes the judged samples form.
   */
  async check(input: CheckInput): Promise<CheckResult> {
    const settings = this.settingsFor(input.sensor_id);
    let detector = new SensorDetector(settings);
    let episodes = new EpisodeTracker(detector.resolved.episodeClearSamples);
    if (input.use_live_state) {
      // The live state in memory, else the saved one; a what-if never adds a sensor to the live set.
      const live = this.sensors.get(input.sensor_id);
      const saved = live ? { state: live.detector.snapshot(), episode: live.episodes.open } : await this.repo.loadState(input.sensor_id);
      if (saved) {
        detector = new SensorDetector(settings, saved.state);
        episodes = new EpisodeTracker(detector.resolved.episodeClearSamples, saved.episode ? structuredClone(saved.episode) : null);
      }
    }
    const found: { episode: EpisodeState; resolved: boolean }[] = [];
    const train = input.train ?? 0;
    const verdicts = input.samples.map((s, i): AnomalyVerdict => {
      const v = detector.step(s.timestamp, s.value);
      // Known normal: whatever the detector makes of it, it forms no episode.
      if (i < train) return { sensor_id: input.sensor_id, timestamp: s.timestamp, value: s.value, score: 0, status: 'training', anomaly_type: null, evidence: null };
      const change = episodes.step(s.timestamp, v);
      if (change?.kind === 'closed') found.push({ episode: change.episode, resolved: true });
      const verdict = toVerdict(input.sensor_id, s.timestamp, s.value, v);
      return verdict.status === 'normal' && detector.warmingUp ? { ...verdict, status: 'learning', samples_to_learn: detector.samplesToLearn } : verdict;
    });
    if (episodes.open) found.push({ episode: { ...episodes.open }, resolved: false });
    return { verdicts, episodes: found, samplesToLearn: detector.samplesToLearn };
  }

  /**
   * Stores episodes found by a check (asked for by an operator or above). Never active: no live detector
   * follows a what-if episode, so nothing would ever close it.
   */
  async storeEpisodes(sensorId: string, episodes: { episode: EpisodeState; resolved: boolean }[]): Promise<void> {
    const area = this.tags.getTag(sensorId)?.area ?? null;
    for (const e of episodes) await this.repo.saveEpisode(sensorId, e.episode, e.resolved, area, false);
  }

  /**
   * Brings the stored `end_timestamp`/`samples` of open episodes up to date with the detector: every
   * `DETECTION_EPISODE_REFRESH_SECONDS` and at shutdown, at most one write per open episode per pass, and
   * only for episodes with new anomalous samples since their last write. The writes go through the episode
   * queue like every other episode write (never holding up ingestion), in commands of UPDATES_PER_COMMAND,
   * each chunk queued after the previous one finished so opening and closing writes are not held behind a
   * long pass.
   */
  refreshOpenEpisodes(): Promise<void> {
    if (!this.role.isWriter) return Promise.resolve(); // the writer instance owns episodes
    if (this.refreshing) return this.refreshing;
    const due = [...this.sensors.entries()].filter(([, rt]) => storedBehind(rt)).map(([sensorId]) => sensorId);
    if (!due.length) return Promise.resolve();
    this.refreshing = this.refreshChunks(due).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshChunks(sensorIds: readonly string[]): Promise<void> {
    for (let i = 0; i < sensorIds.length; i += UPDATES_PER_COMMAND) {
      // Read when the chunk is queued: an episode closed since then already has its closing write queued
      // (and skipped here), and one still open gets its closing write queued after this refresh.
      const items: { id: string; last: number; samples: number; rt: SensorRuntime; marker: { start: number; last: number } }[] = [];
      for (const sensorId of sensorIds.slice(i, i + UPDATES_PER_COMMAND)) {
        const rt = this.sensors.get(sensorId);
        const ep = rt?.episodes.open;
        if (!rt || !ep || !storedBehind(rt)) continue;
        rt.written = { start: ep.start, last: ep.last };
        items.push({ id: episodeId(sensorId, ep.start), last: ep.last, samples: ep.samples, rt, marker: rt.written });
      }
      if (!items.length) continue;
      await this.enqueue(async () => {
        try {
          await this.repo.refreshEpisodes(items);
        } catch (err) {
          // Try again on the next pass (unless a newer write has been queued since).
          for (const it of items) if (it.rt.written === it.marker) it.rt.written = undefined;
          throw err;
        }
      });
    }
  }

  /** Saves every changed sensor's state (periodically and at shutdown); returns how many it saved. */
  async saveStates(): Promise<number> {
    if (!this.role.isWriter) return 0; // the writer instance owns detector state
    const dirty = [...this.sensors.entries()].filter(([, rt]) => rt.dirty);
    if (!dirty.length) return 0;
    for (const [, rt] of dirty) rt.dirty = false;
    try {
      await this.repo.saveStates(dirty.map(([sensorId, rt]) => ({ sensorId, state: rt.detector.snapshot(), episode: rt.episodes.open, fresh: !rt.stored })), this.role.fencingEpoch);
      for (const [, rt] of dirty) rt.stored = true;
      return dirty.length;
    } catch (err) {
      if (isFencedOut(err)) {
        this.role.fenced(); // a newer writer saved these states: this instance is stale
        return 0;
      }
      for (const [, rt] of dirty) rt.dirty = true;
      this.logger.error(`saving detector state failed (will retry): ${String(err)}`);
      return 0;
    }
  }

  /** The sensor's configuration: its unit's override, then its own, then the tag's limits and physical range. */
  /** Stored episodes that started in [from, to) (for reports). */
  episodesStartedBetween(from: number, to: number): Promise<EpisodeStart[]> {
    return this.repo.startedBetween(from, to);
  }

  settingsFor(sensorId: string): DetectorSettings {
    const tag = this.tags.getTag(sensorId);
    const tuned = settingsFromOverrides(tag?.unit ? this.overrides.get(`unit:${tag.unit}`)?.overrides : null, this.overrides.get(`sensor:${sensorId}`)?.overrides);
    if (!tag) return tuned;
    return { ...tuned, limits: tag.limits ?? null, physicalMin: tag.physical_min ?? null, physicalMax: tag.physical_max ?? null };
  }

  listOverrides(): DetectorOverrideDto[] {
    return [...this.overrides.values()].sort((a, b) => `${a.scope}:${a.key}`.localeCompare(`${b.scope}:${b.key}`));
  }

  /** Stores an admin's override; it applies to the next sample, keeping what the detector learned. */
  async setOverride(scope: 'sensor' | 'unit', key: string, overrides: DetectorOverrides, by: string): Promise<DetectorOverrideDto> {
    await this.repo.saveOverride(scope, key, overrides, by);
    await this.reloadOverrides();
    return this.overrides.get(`${scope}:${key}`)!;
  }

  async deleteOverride(scope: 'sensor' | 'unit', key: string): Promise<boolean> {
    const deleted = await this.repo.deleteOverride(scope, key);
    await this.reloadOverrides();
    return deleted;
  }

  private async reloadOverrides(): Promise<void> {
    this.overrides = new Map((await this.repo.listOverrides()).map((o) => [`${o.scope}:${o.key}`, o]));
    this.applySettings();
  }

  private runtime(sensorId: string): Promise<SensorRuntime> | SensorRuntime {
    const known = this.sensors.get(sensorId);
    if (known) return known;
    let pending = this.loading.get(sensorId);
    if (!pending) {
      pending = this.load(sensorId).finally(() => this.loading.delete(sensorId));
      this.loading.set(sensorId, pending);
    }
    return pending;
  }

  private async load(sensorId: string): Promise<SensorRuntime> {
    const settings = this.settingsFor(sensorId);
    // While the database is away a saved state cannot be read: waiting for it would hold up ingestion.
    const stored = this.database.initialised && this.database.connected ? this.repo.loadState(sensorId) : Promise.reject(new Error('the database is away'));
    const saved = await stored.catch((err: unknown) => {
      this.logger.warn(`could not load detector state of ${sensorId}, starting fresh: ${String(err)}`);
      return null;
    });
    const row = this.bank.row();
    const detector = new SensorDetector(settings, saved?.state, row);
    const episodes = new EpisodeTracker(detector.resolved.episodeClearSamples, saved?.episode ?? null);
    const rt: SensorRuntime = {
      sensorId,
      detector,
      quiet: episodes.open === null,
      dirty: false,
      next: undefined,
      episodes,
      row,
      settingsKey: JSON.stringify(settings),
      // When unknown (the database was away) an insert finds the saved state and replaces it (`writeById`).
      stored: !!saved,
      written: undefined,
    };
    this.sensors.set(sensorId, rt);
    // Grown one by one: a write far past the end would turn the array into a slow dictionary.
    const k = sensorIndex(sensorId);
    while (this.byIndex.length < k) this.byIndex.push(undefined);
    this.byIndex[k] = rt;
    return rt;
  }

  private applySettings(): void {
    for (const [sensorId, rt] of this.sensors) {
      const settings = this.settingsFor(sensorId);
      const key = JSON.stringify(settings);
      if (key === rt.settingsKey) continue;
      rt.detector = new SensorDetector(settings, rt.detector.snapshot(), rt.row);
      rt.episodes = new EpisodeTracker(rt.detector.resolved.episodeClearSamples, rt.episodes.open);
      rt.quiet = rt.episodes.open === null;
      rt.settingsKey = key;
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.writes.then(task);
    // Detection must not stop ingestion: a failed episode write is logged; the next write of the same
    // episode (an upsert of the whole document) repairs it.
    const logged = run.catch((err: unknown) => this.logger.error(`anomaly episode write failed: ${String(err)}`));
    this.writes = logged;
    return logged;
  }

  private announce(changes: EpisodeNews[]): void {
    for (const { sensorId, change, value, quality } of changes) {
      const ep = change.episode;
      const closed = change.kind === 'closed';
      if (change.kind === 'opened') this.episodesTotal.inc({ anomaly_type: ep.type });
      this.events.emit(`anomaly.${change.kind}`, {
        anomaly_id: episodeId(sensorId, ep.start),
        sensor_id: sensorId,
        anomaly_type: ep.type,
        severity: severityOf(ep.peak),
        score: ep.peak,
        timestamp: ep.start,
        end_timestamp: closed ? ep.last : null,
        value,
        quality,
      });
    }
  }

  /**
   * Writes episodes as they open, worsen and close. `resolved` stays false: an episode is resolved when
   * its alarm has returned to normal and been acknowledged (ISA-18.2), which the alarms module announces
   * with `alarm.normalized`; that update is queued behind these writes, so it is never overwritten.
   */
  private async recordChanges(changes: EpisodeNews[]): Promise<void> {
    for (const { sensorId, change } of changes) {
      await this.repo.saveEpisode(sensorId, change.episode, false, this.tags.getTag(sensorId)?.area ?? null, change.kind !== 'closed');
    }
  }
}

export function toVerdict(sensorId: string, timestamp: number, value: number, v: EngineVerdict): AnomalyVerdict {
  return {
    sensor_id: sensorId,
    timestamp,
    value,
    score: v.score,
    status: v.score >= ANOMALY_SCORE ? 'anomaly' : 'normal',
    anomaly_type: v.anomaly_type,
    evidence: v.evidence,
  };
}

/** True when the sensor's open episode has anomalous samples its stored document does not show yet. */
function storedBehind(rt: SensorRuntime): boolean {
  const ep = rt.episodes.open;
  if (!ep) return false;
  return !rt.written || rt.written.start !== ep.start || rt.written.last < ep.last;
}

/** A found (not stored) episode in wire form; `active` when it was still open at the end of the checked samples. */
export function episodeToWire(sensorId: string, e: { episode: EpisodeState; resolved: boolean }, area: string | null): AnomalyEpisode {
  return {
    id: episodeId(sensorId, e.episode.start),
    sensor_id: sensorId,
    timestamp: new Date(e.episode.start).toISOString(),
    anomaly_type: e.episode.type,
    resolved: e.resolved,
    score: e.episode.peak,
    severity: severityOf(e.episode.peak),
    evidence: e.episode.evidence,
    end_timestamp: new Date(e.episode.last).toISOString(),
    samples: e.episode.samples,
    active: !e.resolved,
    area,
    alarm_id: null, // a what-if raises no alarm
  };
}
