import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { DeviceDto, TagDto } from '@idm/contracts';
import { RegistryRepository } from './registry.repository';

export interface RegistryChange {
  /** Devices whose own settings or tags changed (including removed ones). */
  deviceIds: string[];
}

/**
 * The read side of the device/tag registry other modules use (the historian for unit/area/description,
 * detection for limits, the poller for the plan). Everything is held in memory and reloaded after each
 * change made through IDM's API, so reads cost nothing and never touch the database.
 */
@Injectable()
export class TagRegistryService implements OnModuleInit {
  private readonly logger = new Logger('TagRegistry');
  private tags = new Map<string, TagDto>();
  private devices = new Map<string, DeviceDto>();
  private readonly listeners = new Set<(change: RegistryChange) => void>();

  constructor(private readonly repo: RegistryRepository) {}

  async onModuleInit(): Promise<void> {
    await this.repo.init();
    await this.reload();
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

  /** Reloads from the database and tells listeners which devices changed. */
  async refresh(deviceIds: readonly string[]): Promise<void> {
    await this.reload();
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
  }
}
