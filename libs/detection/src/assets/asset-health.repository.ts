import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import type { HealthHour, HealthState } from '../engine';
import { AssetHealthDoc } from './asset-health.schema';

const hourId = (assetId: string, hour: number) => `${assetId}|${hour}`;

/** The only place that touches the asset_health collection. */
@Injectable()
export class AssetHealthRepository {
  constructor(@InjectModel(AssetHealthDoc.name) private readonly docs: Model<AssetHealthDoc>) {}

  async save(assetId: string, hours: readonly HealthHour[]): Promise<void> {
    for (const h of hours) {
      const points = h.points.map((p) => ({ t: p.t, r: p.ratio, s: p.state }));
      await this.docs.replaceOne({ _id: hourId(assetId, h.hour) }, { asset_id: assetId, hour: h.hour, points }, { upsert: true }).exec();
    }
  }

  /** The stored hours of an asset, one `_id` lookup each (a handful: the API's range is bounded). */
  async load(assetId: string, hours: readonly number[]): Promise<HealthHour[]> {
    const docs = await Promise.all(hours.map((h) => this.docs.findById(hourId(assetId, h)).lean().exec()));
    return docs.flatMap((d) => (d ? [{ hour: d.hour, points: d.points.map((p) => ({ t: p.t, ratio: p.r, state: p.s as HealthState })) }] : []));
  }

  /** Deletes hours that started before `before` (retention). */
  async deleteBefore(before: number): Promise<void> {
    // A computed number, never client input: trusted past the global sanitizeFilter.
    await this.docs.deleteMany({ hour: trusted({ $lt: before }) }).exec();
  }
}
