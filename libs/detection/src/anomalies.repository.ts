import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { trusted, type FilterQuery, type Model } from 'mongoose';
import type { AnomalyEpisode, AnomalySeverity, DetectorOverrideDto, DetectorOverrides, EpisodeType } from '@idm/contracts';
import type { EpisodeState, SensorState } from './engine';
import type { StoredAssetState } from './assets/asset-detector';
import { severityOf } from '@idm/contracts';
import { fencedFilter, mapLimited, UPDATES_PER_COMMAND, writeById } from '@idm/core';
import type { Collection } from 'mongodb';
import { Anomaly, DetectorOverrideDoc, DetectorStateDoc } from './anomaly.schema';

export interface HistoryFilter {
  sensor_id?: string;
  area?: string;
  anomaly_type?: EpisodeType[];
  /** An asset's multivariate episodes. */
  asset_id?: string;
  /** `prefix`: sensor_id and area match as a case-insensitive beginning (default: exactly). */
  match?: 'exact' | 'prefix';
  severity?: AnomalySeverity[];
  resolved?: boolean;
  /** Episodes overlapping [from, to] (epoch ms). */
  from?: number;
  to?: number;
  /** Strictly older than this (timestamp, id) in the newest-first order. */
  after?: { timestampMs: number; id: string };
  limit: number;
}

/** When an anomaly episode started, on which sensor, of which type (epoch ms). */
export interface EpisodeStart {
  sensor_id: string;
  anomaly_type: EpisodeType;
  timestamp: number;
}

export const episodeId = (sensorId: string, startMs: number) => `${sensorId}|${startMs}`;

/** The `sensor_id` an asset's multivariate episodes are stored under (one source field keeps history, cursors and alarms uniform). */
export const assetSource = (assetId: string) => `asset:${assetId}`;

/** The only place that touches the anomalies and detector_states collections. */
@Injectable()
export class AnomaliesRepository {
  constructor(
    @InjectModel(Anomaly.name) private readonly anomalies: Model<Anomaly>,
    @InjectModel(DetectorStateDoc.name) private readonly states: Model<DetectorStateDoc>,
    @InjectModel(DetectorOverrideDoc.name) private readonly overrides: Model<DetectorOverrideDoc>,
  ) {}

  async init(): Promise<void> {
    await this.anomalies.init();
    await this.states.init();
    await this.overrides.init();
  }

  async listOverrides(): Promise<DetectorOverrideDto[]> {
    const docs = await this.overrides.find({}).lean().exec();
    return docs.map((d) => ({ scope: d.scope, key: d.key, overrides: d.overrides as DetectorOverrides, updated_at: new Date(d.updated_at).toISOString(), updated_by: d.updated_by }));
  }

  async saveOverride(scope: 'sensor' | 'unit', key: string, overrides: DetectorOverrides, by: string): Promise<void> {
    const doc = { scope, key, overrides: finite(overrides) as Record<string, unknown>, updated_at: new Date(), updated_by: by };
    await this.overrides.replaceOne({ _id: `${scope}:${key}` }, doc, { upsert: true }).exec();
  }

  /** True when there was one to delete. */
  async deleteOverride(scope: 'sensor' | 'unit', key: string): Promise<boolean> {
    const r = await this.overrides.deleteOne({ _id: `${scope}:${key}` }).exec();
    return r.deletedCount > 0;
  }

  /**
   * Writes the whole episode (idempotent upsert by `_id`, so a later write repairs a failed earlier one).
   * `$set`, not a replacement: `alarm_id`, written when the alarm links the episode, must survive the
   * episode's later writes (worse, closed).
   */
  async saveEpisode(sensorId: string, ep: EpisodeState, resolved: boolean, area: string | null, active: boolean, assetId: string | null = null): Promise<string> {
    const id = episodeId(sensorId, ep.start);
    const doc = {
      sensor_id: sensorId,
      timestamp: new Date(ep.start),
      anomaly_type: ep.type,
      resolved,
      score: ep.peak,
      severity: severityOf(ep.peak),
      evidence: finite(ep.evidence),
      end_timestamp: new Date(ep.last),
      samples: ep.samples,
      active,
      area,
      asset_id: assetId,
    };
    await this.anomalies.updateOne({ _id: id }, { $set: doc }, { upsert: true }).exec();
    return id;
  }

  /**
   * Brings open episodes' last anomalous sample and sample count up to date. `$set` of those two fields only
   * (never `active`, `resolved` or `alarm_id`), no upsert: the opening write creates the document, and a
   * failed one is repaired by the episode's next full write. Exact `_id` filters (FerretDB pushes those
   * down), at most UPDATES_PER_COMMAND statements per command (more can hang FerretDB).
   */
  async refreshEpisodes(items: readonly { id: string; last: number; samples: number }[]): Promise<void> {
    for (let i = 0; i < items.length; i += UPDATES_PER_COMMAND) {
      const ops = items.slice(i, i + UPDATES_PER_COMMAND).map((it) => ({ updateOne: { filter: { _id: it.id }, update: { $set: { end_timestamp: new Date(it.last), samples: it.samples } } } }));
      await this.anomalies.bulkWrite(ops, { ordered: false });
    }
  }

  /** Episodes whose alarm is back to normal and acknowledged. */
  markResolved(ids: readonly string[]): Promise<void> {
    return this.setEach(ids, { resolved: true });
  }

  /** Episodes an alarm was raised for. */
  linkAlarm(ids: readonly string[], alarmId: string): Promise<void> {
    return this.setEach(ids, { alarm_id: alarmId });
  }

  /** One `_id` update per episode: FerretDB pushes down only exact `_id` filters (an `$in` would scan). */
  private async setEach(ids: readonly string[], fields: Partial<Pick<Anomaly, 'resolved' | 'alarm_id'>>): Promise<void> {
    for (const id of ids) await this.anomalies.updateOne({ _id: id }, { $set: fields }).exec();
  }

  /** Episodes that started in [from, to), only the fields a report counts. */
  async startedBetween(from: number, to: number): Promise<EpisodeStart[]> {
    // sanitizeFilter is on: operators built here from numbers are marked as trusted.
    const docs = await this.anomalies
      .find({ timestamp: trusted({ $gte: new Date(from), $lt: new Date(to) }) }, { sensor_id: 1, anomaly_type: 1, timestamp: 1 })
      .lean<Array<Pick<Anomaly, 'sensor_id' | 'anomaly_type' | 'timestamp'>>>()
      .exec();
    return docs.map((d) => ({ sensor_id: d.sensor_id, anomaly_type: d.anomaly_type, timestamp: new Date(d.timestamp).getTime() }));
  }

  async history(f: HistoryFilter): Promise<AnomalyEpisode[]> {
    // sanitizeFilter is on: operators built here from validated values are marked as trusted.
    const q: FilterQuery<Anomaly> = {};
    const text = (v: string) => (f.match === 'prefix' ? trusted(startsWith(v)) : v);
    if (f.sensor_id !== undefined) q.sensor_id = text(f.sensor_id);
    // An asset's episodes are stored under its source id; with a sensor filter that excludes it, nothing matches.
    if (f.asset_id !== undefined) {
      const source = assetSource(f.asset_id);
      const excluded = f.sensor_id !== undefined && (f.match === 'prefix' ? !source.toLowerCase().startsWith(f.sensor_id.toLowerCase()) : f.sensor_id !== source);
      q.sensor_id = excluded ? trusted({ $in: [] }) : source;
    }
    if (f.area !== undefined) q.area = text(f.area);
    if (f.anomaly_type?.length) q.anomaly_type = trusted({ $in: f.anomaly_type });
    if (f.severity?.length) q.severity = trusted({ $in: f.severity });
    if (f.resolved !== undefined) q.resolved = f.resolved;
    if (f.to !== undefined) q.timestamp = trusted({ $lte: new Date(f.to) });
    const and: FilterQuery<Anomaly>[] = [];
    // An active episode is still going on, so it overlaps any range after its start (its stored end may trail by a refresh period).
    if (f.from !== undefined) and.push({ $or: [{ end_timestamp: trusted({ $gte: new Date(f.from) }) }, { active: true }] });
    if (f.after) {
      const t = new Date(f.after.timestampMs);
      const older: FilterQuery<Anomaly>[] = [{ timestamp: trusted({ $lt: t }) }, { timestamp: t, _id: trusted({ $lt: f.after.id }) }];
      // With a time range the timestamp bound moves into an $and so the cursor does not overwrite it.
      and.push({ $or: older });
    }
    if (and.length) q.$and = and;
    const docs = await this.anomalies.find(q).sort({ timestamp: -1, _id: -1 }).limit(f.limit).lean().exec();
    return docs.map(toEpisode);
  }

  async loadState(sensorId: string): Promise<{ state: SensorState; episode: EpisodeState | null } | null> {
    const doc = await this.states.findById(sensorId).lean().exec();
    if (!doc) return null;
    return { state: doc.state as unknown as SensorState, episode: (doc.episode as unknown as EpisodeState | null) ?? null };
  }

  /** An asset's saved multivariate detector (kept beside the sensors' states, under its source id), as stored: `fromStoredState` checks it. */
  async loadAssetState(assetId: string): Promise<{ state: unknown; episode: EpisodeState | null } | null> {
    const doc = await this.states.findById(assetSource(assetId)).lean().exec();
    if (!doc) return null;
    return { state: doc.state as unknown, episode: (doc.episode as unknown as EpisodeState | null) ?? null };
  }

  saveAssetStates(items: { assetId: string; state: StoredAssetState; episode: EpisodeState | null }[], epoch: number | null = null): Promise<void> {
    return this.saveStates(items.map((i) => ({ sensorId: assetSource(i.assetId), state: i.state, episode: i.episode })), epoch);
  }

  /**
   * Saves detector states: states never saved before (`fresh`) in insert commands (`writeById`: 2 000 in one,
   * about half the time of 2 000 upserts), the others one replace each, 8 at a time (measured faster on FerretDB
   * 1.24 than commands of UPDATES_PER_COMMAND replaces, whose statements it runs one after another: 2 000 took
   * 21-26 s against 16 s). With an epoch (IDM_ROLE=auto) every replace is fenced: it fails (11000) where a newer
   * writer saved the state, and a fresh state that exists after all is replaced so.
   */
  async saveStates(items: { sensorId: string; state: SensorState | StoredAssetState; episode: EpisodeState | null; fresh?: boolean }[], epoch: number | null = null): Promise<void> {
    if (!items.length) return;
    const now = new Date();
    const doc = (i: (typeof items)[number]): StoredState => ({
      _id: i.sensorId,
      state: finite(i.state) as unknown as Record<string, unknown>,
      episode: i.episode ? (finite(i.episode) as unknown as Record<string, unknown>) : null,
      saved_at: now,
      ...(epoch === null ? {} : { epoch }),
    });
    const col = this.states.collection as unknown as Collection<StoredState>;
    const fresh = items.filter((i) => i.fresh).map(doc);
    if (fresh.length) await writeById(col, fresh, [], (d) => fencedFilter(d._id, epoch));
    await mapLimited(items.filter((i) => !i.fresh), 8, async (i) => {
      const { _id, ...replacement } = doc(i);
      await col.replaceOne(fencedFilter(_id, epoch) as never, replacement, { upsert: true });
    });
  }
}

/** A `detector_states` document as written (the native driver: no schema casting on the way). */
interface StoredState {
  _id: string;
  state: Record<string, unknown>;
  episode: Record<string, unknown> | null;
  saved_at: Date;
  epoch?: number;
}

/**
 * What an operator types in a filter ("tank farm", "P06"): a case-insensitive prefix, every character
 * literal (sensor ids may hold "." and areas anything).
 */
function startsWith(prefix: string): { $regex: string; $options: string } {
  return { $regex: `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, $options: 'i' };
}

/** MongoDB/FerretDB store no NaN or ±Infinity: a JSON round trip turns them into null. */
function finite<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export function toEpisode(d: Anomaly): AnomalyEpisode {
  return {
    id: d._id,
    sensor_id: d.sensor_id,
    timestamp: new Date(d.timestamp).toISOString(),
    anomaly_type: d.anomaly_type,
    resolved: d.resolved,
    score: d.score,
    severity: d.severity,
    evidence: d.evidence,
    end_timestamp: new Date(d.end_timestamp).toISOString(),
    samples: d.samples,
    // Documents stored before `active` existed have none: they count as not active.
    active: d.active === true,
    area: d.area ?? null,
    asset_id: d.asset_id ?? null,
    alarm_id: d.alarm_id ?? null,
  };
}
