import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Screen, ScreenVersion, versionId } from './screen.schema';

/** Inserts a document whose `_id` must be new; false when it exists (FerretDB reports only `code` 11000). */
async function insertOnce<T>(model: Model<T>, doc: T): Promise<boolean> {
  try {
    await model.create(doc);
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}

/** The only place that touches the screens and screen_versions collections. */
@Injectable()
export class ScreensRepository {
  constructor(
    @InjectModel(Screen.name) private readonly screens: Model<Screen>,
    @InjectModel(ScreenVersion.name) private readonly versions: Model<ScreenVersion>,
  ) {}

  get(id: string): Promise<Screen | null> {
    return this.screens.findOne({ _id: id }).lean<Screen>().exec();
  }

  list(): Promise<Screen[]> {
    return this.screens.find({}).lean<Screen[]>().exec();
  }

  getVersion(id: string, version: number): Promise<ScreenVersion | null> {
    return this.versions.findOne({ _id: versionId(id, version) }).lean<ScreenVersion>().exec();
  }

  listVersions(id: string): Promise<ScreenVersion[]> {
    return this.versions.find({ screen_id: id }, { svg: 0 }).sort({ version: -1 }).lean<ScreenVersion[]>().exec();
  }

  /** Inserts a version; false when that version number exists already (someone else saved first). */
  insertVersion(v: ScreenVersion): Promise<boolean> {
    return insertOnce(this.versions, v);
  }

  /** Inserts a new screen; false when the id is taken. */
  insertScreen(s: Screen): Promise<boolean> {
    return insertOnce(this.screens, s);
  }

  async replaceScreen(s: Screen): Promise<void> {
    await this.screens.replaceOne({ _id: s._id }, s).exec();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.screens.deleteOne({ _id: id }).exec();
    await this.versions.deleteMany({ screen_id: id }).exec();
    return (r.deletedCount ?? 0) > 0;
  }

  /** Versions left by a screen that was deleted (or never finished being created) under the same id. */
  async deleteVersions(id: string): Promise<void> {
    await this.versions.deleteMany({ screen_id: id }).exec();
  }
}
