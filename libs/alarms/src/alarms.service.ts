import { Injectable, Logger, NotFoundException, OnModuleDestroy, OnModuleInit, UnprocessableEntityException } from '@nestjs/common';
import { Types } from 'mongoose';
import { Subject } from 'rxjs';
import type { AlarmDetailDto, AlarmDto, AlarmEventDto, AnomalyEpisodeEvent, SampleQuality } from '@idm/contracts';
import { Gauge } from 'prom-client';
import { AppConfig, DatabaseState, DomainEvents, isFencedOut, MetricsService, retryInBackground, WriterRole } from '@idm/core';
import { TagRegistryService } from '@idm/ingestion';
import { toAlarmDto, toAuditDto } from './alarm-mapper';
import { AlarmSequence } from './alarm-sequence';
import type { Alarm, AlarmAudit, AlarmAuditEntry } from './alarm.schema';
import { AlarmsRepository } from './alarms.repository';
import { sensorAlarmMessage } from './engine/alarm-message';
import { nextAlarmPriority, resolveAlarmPriority, ResolvedPriority } from './engine/alarm-priority';
import { AlarmStateMachine, AlarmTransition, newAlarmRecord } from './engine/alarm-state-machine';
import { AlarmPriority, PRIORITY_RANK } from './engine/alarm-types';
import { FloodDetector } from './engine/flood-detector';

export interface AlarmListFilter {
  priority?: AlarmPriority[];
  state?: Alarm['state'][];
  source_id?: string;
  /** Include alarms in the normal state (the default list shows only those needing attention). */
  include_normal?: boolean;
}

/** A device that stops answering blinds the operator to all its tags. */
const COMM_FAILURE_PRIORITY: ResolvedPriority = { priority: 'high', configured: false };

/**
 * One comm-failure alarm per device, or per failed scope of it (`device:<device_id>/<scope>|comm_failure`,
 * e.g. one Sparkplug edge node of a broker); `source_id` stays the device, so removing the device ends them all.
 */
function commFailureKey(e: { device_id: string; scope?: string }) {
  const id = `device:${e.device_id}${e.scope ? `/${e.scope}` : ''}|comm_failure`;
  return { id, source_type: 'device' as const, source_id: e.device_id, sensor_id: null, condition: 'comm_failure' };
}

function commFailureName(e: { device_name: string; scope?: string }): string {
  return e.scope ? `${e.device_name} / ${e.scope}` : e.device_name;
}

export interface AlarmPush {
  events: AlarmEventDto[];
}

/**
 * Use cases of the alarm system. Holds every alarm in memory (loaded at start), applies the pure ISA-18.2
 * state machine to detection episodes, device comm events and operator actions, and is the single writer
 * of the alarms collection: all changes run one after another through `serial`.
 */
/** Audit entries kept in memory while the database is away (the oldest are dropped beyond it). */
const MAX_UNSAVED_AUDIT = 50_000;
const WRITE_RETRY_MS = 5000;

@Injectable()
export class AlarmsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AlarmsService');
  private readonly alarms = new Map<string, Alarm>();
  private readonly machine: AlarmStateMachine;
  private readonly flood: FloodDetector;
  private serial: Promise<unknown> = Promise.resolve();
  private ticker: NodeJS.Timeout | null = null;
  private unsubscribe: Array<() => void> = [];
  private floodActive = false;
  /** Alarms whose current record came from the writer instance (`applyRelayed`): this instance never ticks them. */
  private readonly relayed = new Set<string>();
  /** Changes made while the database was away (or before the stored alarms were loaded), written once it answers. */
  private readonly unsaved = new Set<string>();
  private unsavedAudit: AlarmAudit[] = [];
  private loaded = false;
  private writeRetryAt = 0;
  private writeFailing = false;

  /** Numbered alarm events, for the gateway to push. */
  readonly events$ = new Subject<AlarmEventDto>();
  /**
   * Every changed alarm record (a plain copy), after its events were numbered and pushed: for the other
   * instances, whose in-memory view `applyRelayed` keeps current.
   */
  readonly changed$ = new Subject<Alarm>();
  /** Flood start / end. */
  readonly flood$ = new Subject<{ active: boolean; raised_in_window: number; threshold: number }>();

  constructor(
    private readonly repo: AlarmsRepository,
    private readonly sequence: AlarmSequence,
    private readonly domainEvents: DomainEvents,
    private readonly config: AppConfig,
    private readonly registry: TagRegistryService,
    private readonly database: DatabaseState,
    metrics: MetricsService,
    private readonly role: WriterRole,
  ) {
    const alarms = this.alarms;
    // Read from memory: tells whether alarms are standing even while the database (and sign-in) is away.
    new Gauge({
      name: 'idm_alarms_active',
      help: 'Alarms whose condition is active (in memory)',
      registers: [metrics.registry],
      collect() {
        this.set([...alarms.values()].filter((a) => a.active).length);
      },
    });
    this.machine = new AlarmStateMachine({ on_delay_ms: config.alarms.onDelayMs, off_delay_ms: config.alarms.offDelayMs });
    this.flood = new FloodDetector(config.alarms.floodThreshold);
  }

  async onModuleInit(): Promise<void> {
    // While the database is away alarms work from memory; the stored ones are merged when they load.
    await retryInBackground('loading the stored alarms', this.logger, async () => {
      await this.database.ready;
      const stored = await this.repo.loadAll();
      await this.run(async () => {
        // An alarm changed in memory meanwhile is newer than its stored record (same id: no duplicate).
        for (const a of stored) if (!this.alarms.has(a._id)) this.alarms.set(a._id, a);
        this.loaded = true;
        this.logger.log(`loaded ${stored.length} alarms`);
        await this.writeUnsaved();
      });
    }, this.database.initialised ? 30_000 : 0, 'the database');
    this.unsubscribe = [
      this.domainEvents.on('anomaly.opened', (e) => this.onAnomaly(e, true)),
      this.domainEvents.on('anomaly.updated', (e) => this.onAnomaly(e, true)),
      this.domainEvents.on('anomaly.closed', (e) => this.onAnomaly(e, false)),
      this.domainEvents.on('device.comm_failed', (e) =>
        this.onCondition(commFailureKey(e), `Communication failure: ${commFailureName(e)} (${e.reason})`, COMM_FAILURE_PRIORITY, true, e.at, null),
      ),
      this.domainEvents.on('device.comm_restored', (e) =>
        this.onCondition(commFailureKey(e), `Communication failure: ${commFailureName(e)}`, COMM_FAILURE_PRIORITY, false, e.at, null),
      ),
    ];
    this.unsubscribe.push(
      this.domainEvents.on('tag.removed', (e) => this.retire((a) => a.sensor_id === e.sensor_id, 'tag removed')),
      this.domainEvents.on('device.removed', (e) => {
        const sensors = new Set(e.sensor_ids);
        return this.retire((a) => (a.source_type === 'device' && a.source_id === e.device_id) || (a.sensor_id !== null && sensors.has(a.sensor_id)), 'device removed');
      }),
    );
    // IDM_ROLE=auto: taking over, the stored alarms newer than the relayed view are taken, and this instance
    // ticks them all from now on (the alarm sequence is in Redis: numbering continues where the old writer left).
    if (this.config.role === 'auto') this.unsubscribe.push(this.role.onChange((e) => (e.is_writer ? this.takeOver() : undefined)));
    // Delays and shelf expiry must take effect without new input.
    this.ticker = setInterval(() => void this.tickAll(Date.now()), 250);
    this.ticker.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.unsubscribe.forEach((u) => u());
    await this.serial.catch(() => undefined);
    this.events$.complete();
    this.changed$.complete();
    this.flood$.complete();
  }

  private takeOver(): Promise<void> {
    return this.run(async () => {
      try {
        const stored = await this.repo.loadAll();
        for (const a of stored) {
          const held = this.alarms.get(a._id);
          if (!held || held.updated_at < a.updated_at) this.alarms.set(a._id, a);
        }
      } catch (err) {
        this.logger.warn(`stored alarms not reloaded at takeover (the relayed view is used): ${String(err)}`);
      }
      this.relayed.clear();
      this.logger.log(`took over ${this.alarms.size} alarms as the writer`);
    });
  }

  /** IDM_ROLE=auto: a standby changes no alarm (the writer does and relays it); `all`/`screens` as before. */
  private get standby(): boolean {
    return this.config.role === 'auto' && !this.role.isWriter;
  }

  // --- queries -----------------------------------------------------------------------------------------

  /** Alarms needing attention, sorted by priority (critical first), then newest first. */
  list(filter: AlarmListFilter = {}): AlarmDto[] {
    const out: Alarm[] = [];
    for (const a of this.alarms.values()) {
      if (!filter.include_normal && a.state === 'normal') continue;
      if (filter.priority?.length && !filter.priority.includes(a.priority)) continue;
      if (filter.state?.length && !filter.state.includes(a.state)) continue;
      if (filter.source_id && a.source_id !== filter.source_id) continue;
      out.push(a);
    }
    out.sort((x, y) => PRIORITY_RANK[x.priority] - PRIORITY_RANK[y.priority] || (y.raised_at ?? 0) - (x.raised_at ?? 0) || x._id.localeCompare(y._id));
    return out.map(toAlarmDto);
  }

  async detail(id: string): Promise<AlarmDetailDto> {
    const a = this.mustGet(id);
    const history = await this.repo.history(id, 200);
    return { ...toAlarmDto(a), history: history.map(toAuditDto) };
  }

  /**
   * Every stored alarm record, whatever its state (for reports). Read from the database, not the in-memory
   * view, so it is the writer's record on any instance; one document per source and condition: small.
   */
  listStored(): Promise<Alarm[]> {
    return this.repo.loadAll();
  }

  /** Audit-trail transitions with `from <= at < to` (for reports). */
  auditBetween(from: number, to: number): Promise<AlarmAuditEntry[]> {
    return this.repo.auditBetween(from, to);
  }

  /** The plant area of a sensor, or of a device (its tags'), from the registry; none for an asset. */
  areaOf(sourceType: 'sensor' | 'device' | 'asset', sourceId: string): string | null {
    // An asset's area is the assets module's (detection); alarms do not read it.
    if (sourceType === 'asset') return null;
    if (sourceType === 'sensor') return this.registry.getTag(sourceId)?.area ?? null;
    return this.registry.tagsOfDevice(sourceId)[0]?.area ?? null;
  }

  /** The name an operator knows a source by: a tag's description, a device's name; none for an asset or an unknown id. */
  nameOf(sourceType: 'sensor' | 'device' | 'asset', sourceId: string): string | null {
    // An asset's name is the assets module's (detection); alarms do not read it.
    if (sourceType === 'asset') return null;
    if (sourceType === 'sensor') return this.registry.getTag(sourceId)?.description || null;
    return this.registry.getDevice(sourceId)?.name || null;
  }

  get inFlood(): boolean {
    return this.floodActive;
  }

  currentSeq(): Promise<number> {
    return this.sequence.current();
  }

  eventsSince(lastSeq: number): Promise<{ events: AlarmEventDto[]; complete: boolean }> {
    return this.sequence.since(lastSeq);
  }

  /**
   * Several instances: takes an alarm record changed on the writer instance into this instance's view
   * (snapshot, list, detail). Nothing is written or announced here: the writer already did both. A record
   * older than the one held (by `updated_at`) is ignored; the same one again changes nothing.
   * Returns whether the record was taken.
   */
  applyRelayed(record: Alarm): boolean {
    const held = this.alarms.get(record._id);
    if (held && held.updated_at > record.updated_at) return false;
    this.alarms.set(record._id, plainRecord(record));
    this.relayed.add(record._id);
    return true;
  }

  // --- operator actions ----------------------------------------------------------------------------------

  acknowledge(id: string, by: string, comment?: string): Promise<AlarmDto> {
    return this.run(async () => {
      const a = this.mustGet(id);
      const r = this.machine.acknowledge(a, Date.now(), by, comment);
      if (!r.ok) throw new UnprocessableEntityException({ message: `cannot acknowledge ${id}: ${r.reason}` });
      await this.commit(a, r.transitions);
      return toAlarmDto(a);
    });
  }

  /** Acknowledges each alarm that is waiting for it; returns which were acknowledged and which were not. */
  acknowledgeMany(ids: string[], by: string, comment?: string): Promise<{ acknowledged: string[]; skipped: Array<{ id: string; reason: string }> }> {
    return this.run(async () => {
      const acknowledged: string[] = [];
      const skipped: Array<{ id: string; reason: string }> = [];
      for (const id of ids) {
        const a = this.alarms.get(id);
        if (!a) {
          skipped.push({ id, reason: 'no such alarm' });
          continue;
        }
        const r = this.machine.acknowledge(a, Date.now(), by, comment);
        if (!r.ok) {
          skipped.push({ id, reason: r.reason });
          continue;
        }
        await this.commit(a, r.transitions);
        acknowledged.push(id);
      }
      return { acknowledged, skipped };
    });
  }

  shelve(id: string, by: string, durationMs: number, reason: string): Promise<AlarmDto> {
    return this.run(async () => {
      const a = this.mustGet(id);
      const now = Date.now();
      const r = this.machine.shelve(a, now, by, now + durationMs, reason);
      if (!r.ok) throw new UnprocessableEntityException({ message: `cannot shelve ${id}: ${r.reason}` });
      await this.commit(a, r.transitions);
      return toAlarmDto(a);
    });
  }

  unshelve(id: string, by: string): Promise<AlarmDto> {
    return this.run(async () => {
      const a = this.mustGet(id);
      if (a.state !== 'shelved') throw new UnprocessableEntityException({ message: `cannot unshelve ${id}: alarm is not shelved` });
      await this.commit(a, this.machine.unshelve(a, Date.now(), by));
      return toAlarmDto(a);
    });
  }

  removeFromService(id: string, by: string, reason: string): Promise<AlarmDto> {
    return this.run(async () => {
      const a = this.mustGet(id);
      const r = this.machine.removeFromService(a, Date.now(), by, reason);
      if (!r.ok) throw new UnprocessableEntityException({ message: `cannot take ${id} out of service: ${r.reason}` });
      await this.commit(a, r.transitions);
      return toAlarmDto(a);
    });
  }

  returnToService(id: string, by: string): Promise<AlarmDto> {
    return this.run(async () => {
      const a = this.mustGet(id);
      const r = this.machine.returnToService(a, Date.now(), by);
      if (!r.ok) throw new UnprocessableEntityException({ message: `cannot return ${id} to service: ${r.reason}` });
      await this.commit(a, r.transitions);
      return toAlarmDto(a);
    });
  }

  comment(id: string, by: string, text: string): Promise<AlarmDto> {
    return this.run(async () => {
      const a = this.mustGet(id);
      await this.commit(a, [{ kind: 'commented', from: a.state, to: a.state, at: Date.now(), by, comment: text }]);
      return toAlarmDto(a);
    });
  }

  // --- process inputs --------------------------------------------------------------------------------------

  private onAnomaly(e: AnomalyEpisodeEvent, active: boolean): Promise<void> {
    if (e.asset) {
      // An asset's equipment-health episode: one alarm per asset, priority as the asset configures it.
      const a = e.asset;
      const top = a.top_sensors.length ? ` (most deviating: ${a.top_sensors.join(', ')})` : '';
      return this.onCondition(
        { id: `asset:${a.id}|${e.anomaly_type}`, source_type: 'asset', source_id: a.id, sensor_id: null, condition: e.anomaly_type },
        `Equipment health: ${a.name} behaves unlike normal${top}`,
        resolveAlarmPriority(a.alarm_priority ?? undefined, e.anomaly_type, e.severity),
        active,
        active ? Math.max(e.timestamp, Date.now() - 60_000) : Date.now(),
        null,
        e.anomaly_id,
      );
    }
    return this.onCondition(
      { id: `sensor:${e.sensor_id}|${e.anomaly_type}`, source_type: 'sensor', source_id: e.sensor_id, sensor_id: e.sensor_id, condition: e.anomaly_type },
      sensorAlarmMessage(e.sensor_id, e.anomaly_type, this.registry.getTag(e.sensor_id), e.value),
      resolveAlarmPriority(this.registry.getTag(e.sensor_id)?.alarm_priority, e.anomaly_type, e.severity),
      active,
      active ? Math.max(e.timestamp, Date.now() - 60_000) : Date.now(),
      { value: e.value, quality: e.quality ?? 'good' },
      e.anomaly_id,
    );
  }

  private onCondition(
    key: { id: string; source_type: 'sensor' | 'device' | 'asset'; source_id: string; sensor_id: string | null; condition: string },
    message: string,
    priority: ResolvedPriority,
    active: boolean,
    at: number,
    /** The sample behind the condition, if any (its quality tells a bad reading's placeholder from a value). */
    reading: { value: number; quality: SampleQuality } | null,
    anomalyId?: string,
  ): Promise<void> {
    return this.run(async () => {
      if (this.standby) return;
      let a = this.alarms.get(key.id);
      if (!a) {
        if (!active) return; // a condition clearing on an alarm we never had is nothing to report
        a = {
          _id: key.id,
          source_type: key.source_type,
          source_id: key.source_id,
          sensor_id: key.sensor_id,
          condition: key.condition,
          message,
          anomaly_ids: [],
          in_flood: false,
          updated_at: at,
          ...newAlarmRecord(priority.priority),
        };
        this.alarms.set(a._id, a);
      }
      const before = { active: a.active, ids: [...a.anomaly_ids] };
      let reprioritized = false;
      if (active) {
        const next = nextAlarmPriority(a.priority, a.active, priority);
        reprioritized = a.active && next !== a.priority;
        a.priority = next;
        a.message = message;
        if (anomalyId && !a.anomaly_ids.includes(anomalyId)) a.anomaly_ids = [...a.anomaly_ids.slice(-19), anomalyId];
      }
      const transitions = this.machine.evaluate(a, active, Math.min(at, Date.now()), reading?.value ?? null, reading?.quality);
      if (reprioritized && !transitions.length) transitions.push({ kind: 'updated', from: a.state, to: a.state, at: Date.now() });
      await this.commit(a, transitions);
      this.linkEpisodes(a, before);
      if (!active && a.state === 'normal' && !a.active && a.anomaly_ids.length) {
        // The condition went away before its on-delay raised the alarm: nothing for an operator to
        // acknowledge, so its episodes are resolved now.
        this.normalized(a, Date.now());
        this.changed$.next(plainRecord(a));
        this.unsaved.add(a._id);
        await this.writeUnsaved();
      }
    });
  }

  /** Ends the alarms of a deleted tag or device: back to normal, out of the list, `reason` in the audit. */
  private retire(matches: (a: Alarm) => boolean, reason: string): Promise<void> {
    return this.run(async () => {
      if (this.standby) return;
      for (const a of this.alarms.values()) {
        if (!matches(a)) continue;
        await this.commit(a, this.machine.retire(a, Date.now(), reason));
      }
    });
  }

  private tickAll(now: number): Promise<void> {
    return this.run(async () => {
      if (this.standby) return;
      for (const a of this.alarms.values()) {
        // The writer instance ticks the alarms it relayed here; ticking them too would write them twice.
        if (this.relayed.has(a._id)) continue;
        // Only alarms with a pending delay or a shelf can change on a tick.
        const pending = a.condition_active !== a.active || a.state === 'shelved';
        if (!pending) continue;
        const before = { active: a.active, ids: [...a.anomaly_ids] };
        await this.commit(a, this.machine.tick(a, now));
        this.linkEpisodes(a, before);
      }
      if (this.unsaved.size) await this.writeUnsaved();
      const wasFlood = this.floodActive;
      this.floodActive = this.flood.update(now);
      if (wasFlood !== this.floodActive) this.announceFlood();
    });
  }

  // --- persistence and push ------------------------------------------------------------------------------

  /** Persists an alarm and its transitions (audit first: the trail is never behind the state), then pushes. */
  private async commit(a: Alarm, transitions: AlarmTransition[]): Promise<void> {
    if (!transitions.length) return;
    this.relayed.delete(a._id);
    const last = transitions[transitions.length - 1];
    a.updated_at = Date.now();
    for (const t of transitions) {
      if (t.kind === 'raised') {
        const wasFlood = this.floodActive;
        this.floodActive = this.flood.recordRaised(t.at);
        a.in_flood = this.floodActive;
        if (wasFlood !== this.floodActive) this.announceFlood();
      }
    }
    if (a.state === 'normal' && transitions.some((t) => t.to === 'normal') && a.anomaly_ids.length) {
      // ISA-18.2: the episodes behind this alarm are resolved once it returned to normal and was acknowledged.
      this.normalized(a, last.at);
    }
    // Screens first, then the database: the push is what the operator waits for, and the in-memory alarm
    // is already the truth. The REST caller still gets its answer only after the write below.
    const dto = toAlarmDto(a);
    for (const t of transitions) {
      const event = await this.sequence.record((seq) => ({ seq, kind: t.kind, alarm: dto, at: new Date(t.at).toISOString(), by: t.by ?? null }));
      this.events$.next(event);
    }
    this.changed$.next(plainRecord(a));
    const audit: AlarmAudit[] = transitions.map((t) => ({
      _id: new Types.ObjectId(),
      alarm_id: a._id,
      kind: t.kind,
      from: t.from,
      to: t.to,
      at: t.at,
      by: t.by ?? null,
      comment: t.comment ?? null,
      // The journal shows the alarm as it was at this event, even after its tag is renamed or removed.
      source_type: a.source_type,
      source_id: a.source_id,
      sensor_id: a.sensor_id,
      condition: a.condition,
      area: this.areaOf(a.source_type, a.source_id),
      priority: a.priority,
      message: a.message,
    }));
    this.unsavedAudit.push(...audit);
    this.unsaved.add(a._id);
    await this.writeUnsaved();
  }

  /**
   * Writes the changed alarms and their audit entries (audit first). Before the stored alarms are loaded,
   * or while the database is away, they wait in memory (audit bounded) and go with the next change or tick.
   */
  private async writeUnsaved(): Promise<void> {
    if (this.unsavedAudit.length > MAX_UNSAVED_AUDIT) this.unsavedAudit.splice(0, this.unsavedAudit.length - MAX_UNSAVED_AUDIT);
    // A failed write is retried after a pause, not on every change: each try waits for server selection.
    if (!this.loaded || !this.database.connected || Date.now() < this.writeRetryAt) return;
    try {
      await this.writeUnsavedNow();
    } catch (err) {
      this.writeRetryAt = Date.now() + WRITE_RETRY_MS;
      if (!this.writeFailing) this.logger.warn(`alarm changes are kept in memory until the database answers: ${String(err)}`);
      this.writeFailing = true;
      return;
    }
    if (this.writeFailing) this.logger.log('alarm changes are written again');
    this.writeFailing = false;
  }

  private async writeUnsavedNow(): Promise<void> {
    if (this.unsavedAudit.length) {
      // In slices: after an outage this can be many entries, and one command per slice stays small.
      while (this.unsavedAudit.length) {
        await this.repo.appendAudit(this.unsavedAudit.slice(0, 500));
        this.unsavedAudit.splice(0, 500);
      }
    }
    for (const id of [...this.unsaved]) {
      const a = this.alarms.get(id);
      try {
        if (a) await this.repo.save(a, this.role.fencingEpoch);
      } catch (err) {
        if (!isFencedOut(err)) throw err;
        // A newer writer saved this alarm: this instance is stale (frozen past its lease) and stops.
        this.role.fenced();
        this.unsaved.clear();
        this.logger.warn(`alarm ${id} not saved: a newer writer has saved it (stale epoch ${this.role.epoch})`);
        return;
      }
      this.unsaved.delete(id);
    }
  }

  /**
   * Tells detection which episodes an alarm was raised for (it stores `alarm_id` on them): all of them when
   * the alarm has just become active (a shelved or out-of-service one too), else an episode that joined it.
   */
  private linkEpisodes(a: Alarm, before: { active: boolean; ids: readonly string[] }): void {
    if (!a.active) return;
    const ids = before.active ? a.anomaly_ids.filter((id) => !before.ids.includes(id)) : a.anomaly_ids;
    if (ids.length) this.domainEvents.emit('alarm.linked', { alarm_id: a._id, anomaly_ids: [...ids], at: Date.now() });
  }

  private normalized(a: Alarm, at: number): void {
    this.domainEvents.emit('alarm.normalized', { alarm_id: a._id, sensor_id: a.sensor_id, anomaly_ids: [...a.anomaly_ids], at });
    a.anomaly_ids = [];
  }

  private announceFlood(): void {
    this.flood$.next({ active: this.floodActive, raised_in_window: this.flood.countInWindow, threshold: this.config.alarms.floodThreshold });
    this.logger.warn(this.floodActive ? `alarm flood: ${this.flood.countInWindow} alarms in 10 minutes` : 'alarm flood over');
  }

  private mustGet(id: string): Alarm {
    const a = this.alarms.get(id);
    if (!a) throw new NotFoundException({ message: `alarm ${id} not found` });
    return a;
  }

  /** Runs one change after the previous one finished: the single-writer rule, in-process. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.serial.then(fn, fn);
    this.serial = next.catch((err: unknown) => {
      if (!(err instanceof NotFoundException) && !(err instanceof UnprocessableEntityException)) this.logger.error(`alarm update failed: ${String(err)}`);
    });
    return next;
  }
}

/** An alarm record as plain data (no shared arrays), to hand to another instance. */
function plainRecord(a: Alarm): Alarm {
  return { ...a, anomaly_ids: [...a.anomaly_ids] };
}
