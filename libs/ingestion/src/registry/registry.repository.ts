import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import type { Model } from 'mongoose';
import type { DeviceDto, TagDto } from '@idm/contracts';
import { writeById } from '@idm/core';
import { Device } from './device.schema';
import { deviceFromStored, tagFromStored } from './registry-shapes';
import { recordWrites } from './registry-writes';
import { Tag } from './tag.schema';

/** Deletes per command: removing a plant's tags is a few round trips. */
export const REGISTRY_BULK_CHUNK = 1000;

/** What a bulk save wrote. */
export interface SavedCount {
  inserted: number;
  replaced: number;
  unchanged: number;
}

/** The only place that touches the device and tag collections. Every single-record access is by `_id`. */
@Injectable()
export class RegistryRepository {
  constructor(
    @InjectModel(Device.name) private readonly devices: Model<Device>,
    @InjectModel(Tag.name) private readonly tags: Model<Tag>,
  ) {}

  async init(): Promise<void> {
    await Promise.all([this.devices.init(), this.tags.init()]);
  }

  async listDevices(): Promise<DeviceDto[]> {
    const docs = await this.devices.find().lean().exec();
    return docs.map((d) => deviceFromStored(d as unknown as Parameters<typeof deviceFromStored>[0])).sort((a, b) => a.id.localeCompare(b.id));
  }

  async listTags(): Promise<TagDto[]> {
    const docs = await this.tags.find().lean().exec();
    return docs.map((t) => tagFromStored(t as unknown as Parameters<typeof tagFromStored>[0])).sort((a, b) => a.sensor_id.localeCompare(b.sensor_id));
  }

  async countDevices(): Promise<number> {
    return this.devices.estimatedDocumentCount().exec();
  }

  /** Insert or replace by id (the caller has validated the complete record). */
  async saveDevice(d: DeviceDto): Promise<void> {
    const { id, ...rest } = d;
    await this.devices.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true }).exec();
  }

  async saveTag(t: TagDto): Promise<void> {
    const { sensor_id, ...rest } = t;
    await this.tags.replaceOne({ _id: sensor_id }, { _id: sensor_id, ...rest }, { upsert: true }).exec();
  }

  async deleteDevice(id: string): Promise<void> {
    await this.devices.deleteOne({ _id: id }).exec();
  }

  /**
   * Stores complete records (an import, adopted tags), writing only what differs from the stored ones
   * (`recordWrites`): new ones inserted in bulk, changed ones replaced (`writeById`). The stored ones are read
   * whole first: FerretDB scans the collection for any filter but an exact `_id` (a `$in` of thousands of ids
   * too), and the registry reloads all of it next anyway. Written through the driver: Mongoose's casting of
   * each document in a bulkWrite cost more than FerretDB's writes; the records are validated (registry rules).
   */
  async saveDevices(devices: readonly DeviceDto[]): Promise<SavedCount> {
    return saveChanged(this.devices, devices, 'id', () => this.listDevices());
  }

  async saveTags(tags: readonly TagDto[]): Promise<SavedCount> {
    return saveChanged(this.tags, tags, 'sensor_id', () => this.listTags());
  }

  /** One `deleteOne` by `_id` per record, sent in bulk: FerretDB pushes only exact `_id` filters down (`$in` would scan). */
  async deleteDevices(ids: readonly string[]): Promise<void> {
    await deleteInBulk(this.devices, ids);
  }

  async deleteTags(sensorIds: readonly string[]): Promise<void> {
    await deleteInBulk(this.tags, sensorIds);
  }
}

/**
 * Writes what differs from the stored records (`recordWrites`, `writeById`), the id field (`id`, `sensor_id`)
 * stored as `_id` like the single-record saves do, with Mongoose's timestamps.
 */
async function saveChanged<R extends object, K extends keyof R & string>(model: { collection: unknown }, records: readonly R[], idField: K, stored: () => Promise<R[]>): Promise<SavedCount> {
  if (!records.length) return { inserted: 0, replaced: 0, unchanged: 0 };
  const idOf = (r: R) => String(r[idField]);
  const w = recordWrites(records, idOf, new Map((await stored()).map((r) => [idOf(r), r])));
  const now = new Date();
  const doc = (r: R) => {
    const rest = { ...r } as Record<string, unknown>;
    delete rest[idField];
    return { _id: idOf(r), ...rest, created_at: now, updated_at: now };
  };
  await writeById(model.collection as unknown as Collection<ReturnType<typeof doc>>, w.inserts.map(doc), w.replaces.map(doc));
  return { inserted: w.inserts.length, replaced: w.replaces.length, unchanged: w.unchanged };
}

type BulkOps<T> = Parameters<Model<T>['bulkWrite']>[0];

async function deleteInBulk<T>(model: Model<T>, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += REGISTRY_BULK_CHUNK) {
    await model.bulkWrite(ids.slice(i, i + REGISTRY_BULK_CHUNK).map((id) => ({ deleteOne: { filter: { _id: id } } })) as BulkOps<T>, { ordered: false });
  }
}
