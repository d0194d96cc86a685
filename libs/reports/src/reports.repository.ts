import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { trusted, type Model } from 'mongoose';
import { ReportFile } from './report-file.schema';

/** The only place reports touch the database: the report files (alarms and anomalies are read through their owners: ReportFacts). */
@Injectable()
export class ReportsRepository {
  constructor(
    @InjectModel(ReportFile.name) private readonly files: Model<ReportFile>,
  ) {}

  async saveFile(file: ReportFile): Promise<void> {
    await this.files.replaceOne({ _id: file._id }, file, { upsert: true }).exec();
  }

  async getFile(id: string): Promise<ReportFile | null> {
    const f = await this.files.findOne({ _id: id }).lean<ReportFile>().exec();
    if (!f) return null;
    // lean() gives the driver's Binary, not a Buffer.
    const c = f.content as unknown as Buffer | { buffer: Uint8Array };
    return { ...f, content: Buffer.isBuffer(c) ? c : Buffer.from(c.buffer) };
  }

  async fileExists(id: string): Promise<boolean> {
    return (await this.files.countDocuments({ _id: id }).exec()) > 0;
  }

  /** Deletes files past their expiry; returns how many. */
  async deleteExpired(now: number): Promise<number> {
    const r = await this.files.deleteMany({ expires_at: trusted({ $lt: now }) }).exec();
    return r.deletedCount ?? 0;
  }
}
