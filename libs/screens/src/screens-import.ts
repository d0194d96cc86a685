import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppConfig, DatabaseState, retryInBackground } from '@idm/core';
import { CreateScreenDto } from './dto/screen.dto';
import { ScreensRepository } from './screens.repository';
import { ScreensService } from './screens.service';

/** One entry of SCREENS_DIR/screens.json: a screen's place in the tree and its SVG file beside the manifest. */
interface ManifestEntry {
  id?: string;
  name?: string;
  area?: string;
  parent_id?: string | null;
  file?: string;
}

/**
 * Imports SCREENS_DIR (screens.json + SVG files) at start while no screen is stored, the way DEVICE_FILE
 * fills an empty registry: the demo plant ships its drawings so a newcomer sees graphics at first start.
 * Each drawing goes through the same sanitiser and checks as an upload; a bad one is logged and skipped.
 */
@Injectable()
export class ScreensImport implements OnApplicationBootstrap {
  private readonly logger = new Logger('ScreensImport');

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseState,
    private readonly repo: ScreensRepository,
    private readonly screens: ScreensService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dir = this.config.screensDir;
    // A screens-only instance leaves writes to the writer.
    if (!dir || this.config.role === 'screens') return;
    await retryInBackground('importing SCREENS_DIR', this.logger, async () => {
      await this.database.ready;
      if ((await this.repo.list()).length) return;
      await this.importDir(dir);
    }, 0, 'the database');
  }

  /** Imports every screen of the manifest in order (parents first); returns the ids created. */
  async importDir(dir: string): Promise<string[]> {
    const manifestPath = path.join(dir, 'screens.json');
    if (!fs.existsSync(manifestPath)) {
      this.logger.warn(`SCREENS_DIR ${dir} has no screens.json; no screens imported`);
      return [];
    }
    const entries = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as ManifestEntry[];
    const created: string[] = [];
    for (const [i, e] of entries.entries()) {
      const label = `screens.json[${i}]${e.id ? ` (${e.id})` : ''}`;
      try {
        if (!e.file || path.basename(e.file) !== e.file) throw new Error('file must name an SVG file beside screens.json');
        const dto = plainToInstance(CreateScreenDto, { id: e.id, name: e.name, area: e.area, parent_id: e.parent_id ?? null, svg: fs.readFileSync(path.join(dir, e.file), 'utf8'), note: `imported from ${e.file}` });
        const errors = validateSync(dto, { whitelist: true });
        if (errors.length) throw new Error(errors.map((x) => Object.values(x.constraints ?? {}).join(', ')).join('; '));
        created.push((await this.screens.create(dto, null)).id);
      } catch (err) {
        const details = (err as { response?: { message?: string } }).response?.message;
        this.logger.error(`${label} was not imported: ${details ?? (err as Error).message}`);
      }
    }
    this.logger.log(`imported ${created.length} of ${entries.length} screens from ${dir}`);
    return created;
  }
}
