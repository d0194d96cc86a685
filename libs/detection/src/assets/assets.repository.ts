import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { AssetDto } from '@idm/contracts';
import { AssetDoc } from './asset.schema';

/** The only place that touches the assets collection. */
@Injectable()
export class AssetsRepository {
  constructor(@InjectModel(AssetDoc.name) private readonly assets: Model<AssetDoc>) {}

  async list(): Promise<AssetDto[]> {
    const docs = await this.assets.find({}).lean().exec();
    return docs.map(toDto).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Inserts a new asset; false when the id is taken. */
  async insert(asset: AssetDto): Promise<boolean> {
    try {
      await this.assets.create({ _id: asset.id, name: asset.name, area: asset.area, sensor_ids: asset.sensor_ids, settings: asset.settings, updated_at: new Date() });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  /** Replaces an existing asset; false when there is none. `_id` only: the filter FerretDB pushes down. */
  async replace(asset: AssetDto): Promise<boolean> {
    const r = await this.assets.replaceOne({ _id: { $eq: asset.id } }, { name: asset.name, area: asset.area, sensor_ids: asset.sensor_ids, settings: asset.settings, updated_at: new Date() }).exec();
    return r.matchedCount > 0;
  }

  async remove(id: string): Promise<boolean> {
    const r = await this.assets.deleteOne({ _id: { $eq: id } }).exec();
    return r.deletedCount > 0;
  }
}

function toDto(d: AssetDoc): AssetDto {
  return { id: d._id, name: d.name, area: d.area ?? null, sensor_ids: [...d.sensor_ids], settings: { ...(d.settings ?? {}) } };
}
