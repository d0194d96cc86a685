import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type { DeviceDto, TagDto } from '@idm/contracts';
import { AppConfig, DatabaseState, retryInBackground } from '@idm/core';
import { deviceFromStored, tagFromStored } from './registry-shapes';
import { RegistryRepository } from './registry.repository';

/** The local copy of the registry under DATA_DIR, used at a start while the database is away. */
export const REGISTRY_COPY_FILE = 'registry.json';

export interface RegistryChange {
  /** Devices whose own settings or tags changed (including removed ones). */
  deviceIds: string[];
}

/**
 * The read side of the device/tag registry other modules use (the historian for unit/area/description,
 * detection for limits, the poller for the plan). Everything is held in memory and reloaded after each
 * change made through IDM's API, so reads cost nothing and never touch the database. Each load from the
 * database is also written to DATA_DIR/registry.json: a start while the database is away begins from that
 * copy (so polling starts), and the database's registry replaces it when it answers.
 */
@Injectable()
export class TagRegistryService implements OnModuleInit {
  private readonly logger = new Logger('TagRegistry');
  private tags = new Map<string, TagDto>();
  private devices = new Map<string, DeviceDto>();
  private readonly listeners = new Set<(change: RegistryChange) => void>();

  private resolveLoaded!: () => void;
  /** Resolves once the registry has been read from the database (not just from the local copy). */
  readonly loadedFromDatabase = new Promise<void>((resolve) => (this.resolveLoaded = resolve));
  private fromDatabase = false;

  constructor(
    private readonly repo: RegistryRepository,
    private readonly database: DatabaseState,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await retryInBackground('loading the device and tag registry', this.logger, async () => {
      await this.database.ready;
      await this.repo.init();
      const before = this.snapshot();
      await this.reload();
      this.fromDatabase = true;
      this.resolveLoaded();
      // Devices started from the local copy are restarted where the database's registry differs.
      const changed = changedDevices(before, this.snapshot());
      if (changed.length) this.notify(changed);
    }, this.database.initialised ? 30_000 : 0, 'the database');
    if (!this.fromDatabase) this.loadCopy();
  }

  /** Read from the database at least once (false while working from the local copy). */
  get loaded(): boolean {
    return this.fromDatabase;
  }

  getTag(sensorId: string): TagDto | undefined {
    return this.tags.get(sensorId);
  }

  listTags(): TagDto[] {
    return [...this.tags.values()];
  }

  tagsOfDevice(deviceId: string): TagDto[] {
    return this.listTags().filter((t) => t.device_id === deviceId);
  }

  getDevice(id: string): DeviceDto | undefined {
    return this.devices.get(id);
  }

  listDevices(): DeviceDto[] {
    return [...this.devices.values()];
  }

  /** Called after a change is stored; returns an unsubscribe function. */
  onChange(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reloads from the database and tells listeners which devices changed: those whose settings or tags
   * differ after the reload (added and removed ones included), so storing what is already there (an
   * unchanged device file imported again) restarts no connection. Returns their ids.
   */
  async refresh(): Promise<string[]> {
    const before = this.snapshot();
    await this.reload();
    const changed = changedDevices(before, this.snapshot());
    this.notify(changed);
    return changed;
  }

  private notify(deviceIds: readonly string[]): void {
    const change = { deviceIds: [...new Set(deviceIds)] };
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.logger.error(`registry change listener failed: ${String(err)}`);
      }
    }
  }

  private async reload(): Promise<void> {
    const [devices, tags] = await Promise.all([this.repo.listDevices(), this.repo.listTags()]);
    this.devices = new Map(devices.map((d) => [d.id, d]));
    this.tags = new Map(tags.map((t) => [t.sensor_id, t]));
    this.saveCopy(devices, tags);
  }

  /** Each device with its tags (by sensor id: the database's order may move), to tell which devices a reload changed. */
  private snapshot(): Map<string, { device: DeviceDto; tags: TagDto[] }> {
    return new Map(this.listDevices().map((d) => [d.id, { device: d, tags: this.tagsOfDevice(d.id).sort((a, b) => a.sensor_id.localeCompare(b.sensor_id)) }]));
  }

  private get copyPath(): string {
    return path.join(this.config.dataDir, REGISTRY_COPY_FILE);
  }

  private saveCopy(devices: DeviceDto[], tags: TagDto[]): void {
    try {
      fs.mkdirSync(this.config.dataDir, { recursive: true });
      // Written aside and renamed, so a crash mid-write never leaves a torn copy.
      const tmp = `${this.copyPath}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ saved_at: new Date().toISOString(), devices, tags }));
      fs.renameSync(tmp, this.copyPath);
    } catch (err) {
      this.logger.warn(`local registry copy not written: ${String(err)}`);
    }
  }

  private loadCopy(): void {
    if (!fs.existsSync(this.copyPath)) {
      this.logger.warn('no local registry copy: no devices are polled until the database answers');
      return;
    }
    try {
      const copy = JSON.parse(fs.readFileSync(this.copyPath, 'utf8')) as { saved_at: string; devices: DeviceDto[]; tags: TagDto[] };
      // Read like stored documents: a copy written before protocols existed has flat Modbus tags.
      this.devices = new Map(copy.devices.map((d) => [d.id, deviceFromStored({ ...d, _id: d.id })]));
      this.tags = new Map(copy.tags.map((t) => [t.sensor_id, tagFromStored({ ...t, _id: t.sensor_id })]));
      this.logger.warn(`the database is away: ${copy.devices.length} device(s) and ${copy.tags.length} tag(s) from the local copy of ${copy.saved_at}`);
    } catch (err) {
      this.logger.error(`local registry copy ${this.copyPath} is unreadable: ${String(err)}`);
    }
  }
}

/** Ids of the devices present in either snapshot whose device or tags differ. */
function changedDevices(before: Map<string, unknown>, after: Map<string, unknown>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((id) => !isDeepStrictEqual(before.get(id), after.get(id)));
}
