import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { AssetDto, AssetInput, ErrorDetail } from '@idm/contracts';
import { fileEntryLabel, RegistryService, TagRegistryService, validateFileEntry, type AssetImportPlan } from '@idm/ingestion';
import { AssetInputDto } from './asset.dto';
import { AssetsRepository } from './assets.repository';

/** Asset definitions: validated as a whole against the tag registry, then stored; also the assets of the device file. */
@Injectable()
export class AssetsService {
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly repo: AssetsRepository,
    private readonly tags: TagRegistryService,
    registry: RegistryService,
  ) {
    registry.setAssetFileSection({ list: () => this.list(), plan: (entries, mode, sensorIds) => this.planImport(entries, mode, sensorIds) });
  }

  /** Called after every change of the definitions (this instance's API), e.g. to rebuild the asset detectors. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  list(): Promise<AssetDto[]> {
    return this.repo.list();
  }

  async get(id: string): Promise<AssetDto> {
    const found = (await this.repo.list()).find((a) => a.id === id);
    if (!found) throw new NotFoundException({ message: `no asset "${id}"` });
    return found;
  }

  async create(input: AssetInput): Promise<AssetDto> {
    const asset = this.validated(input);
    if (!(await this.repo.insert(asset))) {
      throw new ConflictException({ message: `asset "${asset.id}" exists already`, details: [{ field: 'id', rule: 'unique', message: `asset "${asset.id}" exists already` }] });
    }
    this.changed();
    return asset;
  }

  async replace(id: string, input: AssetInput): Promise<AssetDto> {
    if (input.id !== id) throw new BadRequestException({ message: `asset "${id}": id ${JSON.stringify(input.id)} differs from the path`, details: [{ field: 'id', rule: 'matchesPath', message: 'id must equal the id in the path' }] });
    const asset = this.validated(input);
    if (!(await this.repo.replace(asset))) throw new NotFoundException({ message: `no asset "${id}"` });
    this.changed();
    return asset;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repo.remove(id))) throw new NotFoundException({ message: `no asset "${id}"` });
    this.changed();
  }

  /**
   * The assets of a device file: each entry validated like `POST /assets` and against the sensors the registry
   * will hold after the import, ids unique in the file. `merge` upserts by id; `replace` also removes the
   * assets the file does not list. Written only by `apply`, once the whole file is valid.
   */
  async planImport(entries: unknown[], mode: 'merge' | 'replace', sensorIds: ReadonlySet<string>): Promise<AssetImportPlan> {
    const problems: ErrorDetail[] = [];
    const firstOfId = new Map<string, number>();
    const assets = entries.map((entry, i) => {
      const label = fileEntryLabel(entry, 'id', 'asset', i);
      const path = `assets[${i}]`;
      const before = problems.length;
      const dto = validateFileEntry(AssetInputDto, entry, label, path, problems);
      if (problems.length > before) return null;
      const first = firstOfId.get(dto.id);
      if (first !== undefined) problems.push({ field: `${path}.id`, rule: 'unique', message: `${label}: id is listed twice (assets[${first}] and ${path})` });
      firstOfId.set(dto.id, first ?? i);
      problems.push(...sensorProblems(dto, (s) => sensorIds.has(s), `${path}.`, 'the registry after this import'));
      return toAsset(dto);
    });
    const stored = await this.repo.list();
    const removed = mode === 'replace' ? stored.filter((a) => !firstOfId.has(a.id)).map((a) => a.id) : [];
    return {
      problems,
      count: entries.length,
      removed,
      apply: async () => {
        for (const id of removed) await this.repo.remove(id);
        for (const a of assets) if (a && !(await this.repo.replace(a))) await this.repo.insert(a);
        if (removed.length || assets.length) this.changed();
      },
    };
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** Every problem of the definition at once (duplicate and unknown sensors), each naming the asset and the field. */
  private validated(input: AssetInput): AssetDto {
    const details = sensorProblems(input, (s) => this.tags.getTag(s) !== undefined, '', 'the tag registry');
    if (details.length) throw new BadRequestException({ message: details.map((d) => d.message).join('; '), details });
    return toAsset(input);
  }
}

/** Duplicate sensors and sensors `known` does not hold, each naming the asset and its `sensor_ids[i]`. */
function sensorProblems(input: AssetInput, known: (sensorId: string) => boolean, path: string, where: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Map<string, number>();
  input.sensor_ids.forEach((sensor, i) => {
    const field = `${path}sensor_ids[${i}]`;
    const first = seen.get(sensor);
    if (first !== undefined) details.push({ field, rule: 'unique', message: `asset "${input.id}": sensor "${sensor}" is listed twice (sensor_ids[${first}] and sensor_ids[${i}])` });
    else if (!known(sensor)) details.push({ field, rule: 'knownSensor', message: `asset "${input.id}": sensor "${sensor}" is not in ${where}` });
    seen.set(sensor, first ?? i);
  });
  return details;
}

function toAsset(input: AssetInput): AssetDto {
  return { id: input.id, name: input.name, area: input.area ?? null, sensor_ids: [...input.sensor_ids], settings: { ...(input.settings ?? {}) } };
}
