import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { AnomalyEvidence, AssetDto, AssetHealthPointDto, AssetHealthSummaryDto, IngestedSample } from '@idm/contracts';
import { severityOf } from '@idm/contracts';
import { AppConfig, DatabaseState, DomainEvents, HealthRegistry, isFencedOut, retryInBackground, WriterRole } from '@idm/core';
import { IngestionService, SINK_STAGE } from '@idm/ingestion';
import { AnomaliesRepository, assetSource, episodeId } from '../anomalies.repository';
import { ANOMALY_SCORE, AssetHealthHistory, EpisodeChange, EpisodeTracker, HEALTH_HOUR_MS, mergeHealthHours, type HealthHour } from '../engine';
import { MultivariateDetector, MultivariateVerdict, SensorContribution } from '../engine/multivariate';
import { detectorSettings, fromStoredState, toStoredState } from './asset-detector';
import { AssetHealthRepository } from './asset-health.repository';
import { AssetsService } from './assets.service';

/** How long the health statistic's history is kept (the asset view reads it; deleted hourly after that). */
export const HEALTH_RETENTION_MS = 30 * 86_400_000;

/**
 * The off-delay of an asset episode: the statistic stays under the limit (after the detector's own
 * hysteresis) for half a minute of the asset's clock, and for at least this many ticks (one reading after a
 * gap in the data does not end a fault). A fault shows only while the load makes it visible (a valve closing
 * against a pump idling shows little), so its statistic dips under the limit for seconds at a time: shorter,
 * and one fault became several episodes and a chattering alarm. It is a time (as an alarm's off-delay is in
 * ISA-18.2), not only a count of ticks: an asset ticks on its polls, so the count alone lasted 3 s on a pump
 * polled at 10 Hz, and less when a busy server delivered the polls late and bunched.
 */
const ASSET_EPISODE_CLEAR_MS = 30_000;
const ASSET_EPISODE_CLEAR_TICKS = 30;
/** Sensors named as driving an episode: the largest shares, at most this many, each at least MIN_SHARE. */
const TOP_SENSORS = 3;
const MIN_SHARE = 0.15;
const ASSET_SOURCE_PREFIX = assetSource('');

/** One asset's live equipment-health detection. */
interface AssetRuntime {
  asset: AssetDto;
  /** The definition the detector was built from (sensors and detector settings); a change rebuilds it. */
  key: string;
  detector: MultivariateDetector;
  episodes: EpisodeTracker;
  /**
   * The asset's clock: the newest sample time seen, scored once a sensor reports again at a later time (the
   * next sampling moment has begun, so every sensor of this one has reported by then).
   */
  pendingTs: number | null;
  /** Sensors that reported since the last tick. */
  reported: Set<string>;
  dirty: boolean;
  /** The open episode changed since it was last written (its end and sample count). */
  stale: boolean;
  /** The health statistic per bucket, for the asset view. */
  history: AssetHealthHistory;
  /** The latest verdict (the overview's health chip). */
  last: { at: number; state: 'training' | 'scored' | 'missing'; ratio: number; anomaly: boolean } | null;
}

type AssetChange = { rt: AssetRuntime; change: NonNullable<EpisodeChange>; ratio: number };

/**
 * Equipment health (issue 13): one multivariate detector per asset, fed its sensors' good samples right after
 * the per-sensor detection stage. Each asset is scored on its own clock: when a sample newer than the asset's
 * last sample time arrives, the asset is scored at that last time on its sensors' latest values (so every
 * sensor sampled at that moment has reported, whatever the batch order), then the new value is recorded.
 * Episodes (`anomaly_type: multivariate`, stored under `sensor_id: asset:<id>` with `asset_id`) go through the
 * same path as a sensor's: the anomalies collection and the `anomaly.*` events the alarms module turns into
 * one ISA-18.2 alarm per asset. Detector state is saved beside the sensors' and restored at start.
 */
@Injectable()
export class AssetHealthService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('AssetHealth');
  private readonly assets = new Map<string, AssetRuntime>();
  /** Asset runtimes by sensor (a sensor may belong to several assets). */
  private bySensor = new Map<string, AssetRuntime[]>();
  private writes: Promise<unknown> = Promise.resolve();
  private reloading: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private lastRetention = 0;

  constructor(
    private readonly ingestion: IngestionService,
    private readonly definitions: AssetsService,
    private readonly repo: AnomaliesRepository,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
    private readonly health: HealthRegistry,
    private readonly database: DatabaseState,
    private readonly role: WriterRole,
    private readonly healthRepo: AssetHealthRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await retryInBackground('loading the assets', this.logger, async () => {
      await this.database.ready;
      await this.reload();
    }, this.database.initialised ? 30_000 : 0, 'the database');
    this.definitions.onChange(() => void this.reload().catch((err: unknown) => this.logger.error(`reloading the assets failed: ${String(err)}`)));
    this.ingestion.register({ name: 'asset-health', stage: SINK_STAGE.assetHealth, accept: (batch) => this.accept(batch) });
    this.timer = setInterval(() => void this.persist(), this.config.detection.snapshotSeconds * 1000);
    this.timer.unref();
    this.health.register('asset-health', async () => ({ status: 'up', assets: this.assets.size }));
    // Detection links and resolves episodes too, but in its own write queue: an asset episode's link must be
    // queued behind the asset's opening write (which creates the document), or it is lost.
    const ours = (ids: readonly string[]) => ids.filter((id) => id.startsWith(ASSET_SOURCE_PREFIX));
    this.events.on('alarm.linked', ({ alarm_id, anomaly_ids }) => {
      const ids = ours(anomaly_ids);
      if (ids.length) void this.enqueue(() => this.repo.linkAlarm(ids, alarm_id));
    });
    this.events.on('alarm.normalized', ({ anomaly_ids }) => {
      const ids = ours(anomaly_ids);
      if (ids.length) void this.enqueue(() => this.repo.markResolved(ids));
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.writes.catch(() => undefined);
    await this.persist();
  }

  /** Rebuilds the runtimes from the stored definitions, keeping what an unchanged asset learned. */
  reload(): Promise<void> {
    // One reload at a time, in order: the last one reads the newest definitions.
    this.reloading = this.reloading.catch(() => undefined).then(() => this.doReload());
    return this.reloading;
  }

  private async doReload(): Promise<void> {
    const defs = await this.definitions.list();
    const seen = new Set<string>();
    for (const asset of defs) {
      seen.add(asset.id);
      const key = JSON.stringify({ sensors: asset.sensor_ids, settings: detectorSettings(asset) });
      const known = this.assets.get(asset.id);
      if (known && known.key === key) {
        known.asset = asset; // name, area, alarm priority apply to the next episode change
        continue;
      }
      this.assets.set(asset.id, await this.runtime(asset, key, known));
    }
    for (const id of [...this.assets.keys()]) if (!seen.has(id)) this.assets.delete(id);
    const bySensor = new Map<string, AssetRuntime[]>();
    for (const rt of this.assets.values()) for (const s of rt.asset.sensor_ids) bySensor.set(s, [...(bySensor.get(s) ?? []), rt]);
    this.bySensor = bySensor;
  }

  private async runtime(asset: AssetDto, key: string, known: AssetRuntime | undefined): Promise<AssetRuntime> {
    // A changed definition starts afresh (the learned covariance is of other sensors or limits); its open
    // episode, if any, is carried over so it closes normally instead of standing forever.
    const saved = known ? null : await this.repo.loadAssetState(asset.id).catch((err: unknown) => {
      this.logger.warn(`could not load the detector state of asset ${asset.id}, starting fresh: ${String(err)}`);
      return null;
    });
    let detector = new MultivariateDetector(asset.sensor_ids, detectorSettings(asset));
    const restored = saved ? fromStoredState(saved.state, asset) : null;
    if (restored && 'discarded' in restored) this.logger.warn(`saved detector state of asset ${asset.id} discarded (${restored.discarded}), starting fresh`);
    else if (restored) {
      try {
        detector = MultivariateDetector.fromState({ ...restored.state, settings: { ...restored.state.settings, ...detectorSettings(asset) } });
      } catch (err) {
        this.logger.warn(`saved detector state of asset ${asset.id} not usable, starting fresh: ${String(err)}`);
      }
    }
    const episode = known?.episodes.open ?? saved?.episode ?? null;
    const history = known?.history ?? new AssetHealthHistory();
    return {
      asset, key, detector, episodes: new EpisodeTracker(ASSET_EPISODE_CLEAR_TICKS, episode, ASSET_EPISODE_CLEAR_MS), pendingTs: null, reported: new Set(), dirty: false, stale: false,
      history, last: null,
    };
  }

  /** The sink: feeds each asset its sensors' good samples and scores it as its clock advances. */
  accept(batch: readonly IngestedSample[]): void {
    if (!this.role.isWriter || !this.bySensor.size) return; // the writer instance owns detection
    let changes: AssetChange[] | undefined;
    for (const sample of batch) {
      if (sample.quality !== 'good') continue;
      const runtimes = this.bySensor.get(sample.sensor_id);
      if (!runtimes) continue;
      for (const rt of runtimes) {
        // A later time alone does not start the next moment: a poll reads its blocks one after the other, so
        // its samples carry times some ms apart (more on a busy server), and scoring at each would score half a
        // poll against the previous poll's other half, twice per poll.
        if (rt.pendingTs !== null && sample.timestamp > rt.pendingTs && rt.reported.has(sample.sensor_id)) {
          const change = this.score(rt, rt.pendingTs);
          if (change) (changes ??= []).push(change);
          rt.reported.clear();
        }
        rt.reported.add(sample.sensor_id);
        if (rt.pendingTs === null || sample.timestamp > rt.pendingTs) rt.pendingTs = sample.timestamp;
        rt.detector.observe(sample.sensor_id, sample.timestamp, sample.value);
        rt.dirty = true;
      }
    }
    if (!changes) return;
    const recorded = changes;
    this.announce(recorded);
    void this.enqueue(() => this.record(recorded));
  }

  /** Each asset's latest verdict (`unknown` on an instance that does not score, or before its first verdict). */
  summaries(): AssetHealthSummaryDto[] {
    return [...this.assets.values()].map((rt) => {
      const l = rt.last;
      // Restored part-trained (a restart): learning, as far as it came, before its first verdict of this run.
      const resumed = !l && this.role.isWriter && (rt.detector.trainingProgress?.samples ?? 0) > 0;
      const state = !l ? (resumed ? 'learning' : 'unknown') : l.state === 'training' ? 'learning' : l.state === 'missing' ? 'missing' : l.anomaly || rt.episodes.open ? 'anomaly' : 'healthy';
      const learning = state === 'learning' ? rt.detector.trainingProgress : null;
      return { asset_id: rt.asset.id, state, ratio: l && l.state === 'scored' ? l.ratio : null, at: l?.at ?? null, learning };
    });
  }

  /** The health statistic of an asset over [from, to]: the stored hours with the ones this instance holds in memory. */
  async healthHistory(assetId: string, from: number, to: number): Promise<AssetHealthPointDto[]> {
    const hours: number[] = [];
    for (let h = from - (from % HEALTH_HOUR_MS); h <= to; h += HEALTH_HOUR_MS) hours.push(h);
    const stored = await this.healthRepo.load(assetId, hours);
    return mergeHealthHours(stored, this.assets.get(assetId)?.history.recent() ?? [], from, to);
  }

  /** Open multivariate episode of an asset (tests, diagnostics). */
  openEpisode(assetId: string) {
    return this.assets.get(assetId)?.episodes.open ?? null;
  }

  private score(rt: AssetRuntime, ts: number): AssetChange | null {
    const v = rt.detector.tick(ts);
    rt.history.add(ts, v.status, v.ratio);
    rt.last = { at: ts, state: v.status, ratio: v.ratio, anomaly: v.anomaly };
    if (v.status !== 'scored') return null;
    const change = rt.episodes.step(ts, v.anomaly ? { score: Math.max(v.score, ANOMALY_SCORE), anomaly_type: 'multivariate', evidence: evidenceOf(v) } : { score: 0, anomaly_type: null, evidence: null });
    if (rt.episodes.open && v.anomaly) rt.stale = true;
    return change ? { rt, change, ratio: v.ratio } : null;
  }

  private announce(changes: AssetChange[]): void {
    for (const { rt, change, ratio } of changes) {
      const ep = change.episode;
      const source = assetSource(rt.asset.id);
      this.events.emit(`anomaly.${change.kind}`, {
        anomaly_id: episodeId(source, ep.start),
        sensor_id: source,
        anomaly_type: ep.type,
        severity: severityOf(ep.peak),
        score: ep.peak,
        timestamp: ep.start,
        end_timestamp: change.kind === 'closed' ? ep.last : null,
        value: ratio,
        asset: {
          id: rt.asset.id,
          name: rt.asset.name,
          alarm_priority: rt.asset.settings.alarm_priority ?? null,
          top_sensors: (ep.evidence.contributions ?? []).map((c) => c.sensor_id),
        },
      });
    }
  }

  private async record(changes: AssetChange[]): Promise<void> {
    for (const { rt, change } of changes) {
      await this.repo.saveEpisode(assetSource(rt.asset.id), change.episode, false, rt.asset.area, change.kind !== 'closed', rt.asset.id);
      if (change.kind !== 'closed') rt.stale = false;
    }
  }

  /** Saves changed detector states and brings open episodes' stored end up to date (periodically and at shutdown). */
  async persist(): Promise<void> {
    if (!this.role.isWriter) return;
    const open = [...this.assets.values()].filter((rt) => rt.stale && rt.episodes.open);
    for (const rt of open) {
      rt.stale = false;
      const ep = { ...rt.episodes.open! };
      void this.enqueue(() => this.repo.saveEpisode(assetSource(rt.asset.id), ep, false, rt.asset.area, true, rt.asset.id).then(() => undefined));
    }
    await this.persistHealth();
    const dirty = [...this.assets.values()].filter((rt) => rt.dirty);
    if (!dirty.length) return;
    for (const rt of dirty) rt.dirty = false;
    try {
      await this.repo.saveAssetStates(dirty.map((rt) => ({ assetId: rt.asset.id, state: toStoredState(rt.detector.toState()), episode: rt.episodes.open })), this.role.fencingEpoch);
    } catch (err) {
      if (isFencedOut(err)) {
        this.role.fenced();
        return;
      }
      for (const rt of dirty) rt.dirty = true;
      this.logger.error(`saving asset detector state failed (will retry): ${String(err)}`);
    }
  }

  /** Saves the health statistic's changed hours; once an hour, deletes those past retention. */
  private async persistHealth(): Promise<void> {
    for (const rt of this.assets.values()) {
      let hours: HealthHour[] = [];
      try {
        // An hour this process did not start (a restart, a takeover) may be partly stored: take that in first,
        // or writing the hour whole would drop it.
        const unseeded = rt.history.unseeded();
        if (unseeded.length) {
          const stored = await this.healthRepo.load(rt.asset.id, unseeded);
          for (const hour of unseeded) rt.history.seed(stored.find((h) => h.hour === hour) ?? { hour, points: [] });
        }
        hours = rt.history.takeUnsaved();
        if (hours.length) await this.healthRepo.save(rt.asset.id, hours);
      } catch (err) {
        rt.history.retry(hours);
        this.logger.error(`saving the health history of asset ${rt.asset.id} failed (will retry): ${String(err)}`);
      }
    }
    const now = Date.now();
    if (now - this.lastRetention < HEALTH_HOUR_MS) return;
    this.lastRetention = now;
    await this.healthRepo.deleteBefore(now - HEALTH_RETENTION_MS).catch((err: unknown) => this.logger.error(`deleting old asset health history failed: ${String(err)}`));
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const logged = this.writes.then(task).catch((err: unknown) => this.logger.error(`asset episode write failed: ${String(err)}`));
    this.writes = logged;
    return logged;
  }
}

/** Statistic/limit ratio against 1, and the sensors driving it. */
function evidenceOf(v: MultivariateVerdict): AnomalyEvidence {
  const top = topSensors(v.contributions);
  const which = v.t2Limit !== null && v.t2 !== null && v.t2 / v.t2Limit >= (v.spe ?? 0) / (v.speLimit ?? Infinity) ? 'T² (variation grown too large)' : 'SPE (the sensors stopped moving together as they normally do)';
  return {
    expected_lo: null,
    expected_hi: null,
    statistic: v.ratio,
    threshold: 1,
    detail: `${which} over its limit; most deviating: ${top.map((c) => `${c.sensorId} ${Math.round(c.share * 100)} %`).join(', ')}`,
    contributions: top.map((c) => ({ sensor_id: c.sensorId, share: c.share })),
  };
}

function topSensors(contributions: readonly SensorContribution[]): SensorContribution[] {
  const top = contributions.slice(0, TOP_SENSORS).filter((c, i) => i === 0 || c.share >= MIN_SHARE);
  return top;
}
