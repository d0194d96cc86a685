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
    if (!devices.length) return { inserted: 0, replaced: 0, unchanged: 0 };
    const stored = new Map((await this.listDevices()).map((d) => [d.id, d]));
    const w = recordWrites(devices, (d) => d.id, stored);
    const now = new Date();
    const doc = ({ id, ...rest }: DeviceDto) => ({ _id: id, ...rest, created_at: now, updated_at: now });
    await writeById(this.devices.collection as unknown as Collection<ReturnType<typeof doc>>, w.inserts.map(doc), w.replaces.map(doc));
    return { inserted: w.inserts.length, replaced: w.replaces.length, unchanged: w.unchanged };
  }

  async saveTags(tags: readonly TagDto[]): Promise<SavedCount> {
    if (!tags.length) return { inserted: 0, replaced: 0, unchanged: 0 };
    const stored = new Map((await this.listTags()).map((t) => [t.sensor_id, t]));
    const w = recordWrites(tags, (t) => t.sensor_id, stored);
    const now = new Date();
    const doc = ({ sensor_id, ...rest }: TagDto) => ({ _id: sensor_id, ...rest, created_at: now, updated_at: now });
    await writeById(this.tags.collection as unknown as Collection<ReturnType<typeof doc>>, w.inserts.map(doc), w.replaces.map(doc));
    return { inserted: w.inserts.length, replaced: w.replaces.length, unchanged: w.unchanged };
  }

  /** One `deleteOne` by `_id` per record, sent in bulk: FerretDB pushes only exact `_id` filters down (`$in` would scan). */
  async deleteDevices(ids: readonly string[]): Promise<void> {
    await deleteInBulk(this.devices, ids);
  }

  async deleteTags(sensorIds: readonly string[]): Promise<void> {
    await deleteInBulk(this.tags, sensorIds);
  }
}

type BulkOps<T> = Parameters<Model<T>['bulkWrite']>[0];

async function deleteInBulk<T>(model: Model<T>, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += REGISTRY_BULK_CHUNK) {
    await model.bulkWrite(ids.slice(i, i + REGISTRY_BULK_CHUNK).map((id) => ({ deleteOne: { filter: { _id: id } } })) as BulkOps<T>, { ordered: false });
  }
}
