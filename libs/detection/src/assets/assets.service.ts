import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { AssetDto, AssetInput, ErrorDetail } from '@idm/contracts';
import { TagRegistryService } from '@idm/ingestion';
import { AssetsRepository } from './assets.repository';

/** Asset definitions: validated as a whole against the tag registry, then stored. */
@Injectable()
export class AssetsService {
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly repo: AssetsRepository,
    private readonly tags: TagRegistryService,
  ) {}

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
    const asset = this.validate(input);
    if (!(await this.repo.insert(asset))) {
      throw new ConflictException({ message: `asset "${asset.id}" exists already`, details: [{ field: 'id', rule: 'unique', message: `asset "${asset.id}" exists already` }] });
    }
    this.changed();
    return asset;
  }

  async replace(id: string, input: AssetInput): Promise<AssetDto> {
    if (input.id !== id) throw new BadRequestException({ message: `asset "${id}": id ${JSON.stringify(input.id)} differs from the path`, details: [{ field: 'id', rule: 'matchesPath', message: 'id must equal the id in the path' }] });
    const asset = this.validate(input);
    if (!(await this.repo.replace(asset))) throw new NotFoundException({ message: `no asset "${id}"` });
    this.changed();
    return asset;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.repo.remove(id))) throw new NotFoundException({ message: `no asset "${id}"` });
    this.changed();
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** Every problem of the definition at once (duplicate and unknown sensors), each naming the asset and the field. */
  private validate(input: AssetInput): AssetDto {
    const details: ErrorDetail[] = [];
    const seen = new Map<string, number>();
    input.sensor_ids.forEach((sensor, i) => {
      const field = `sensor_ids[${i}]`;
      const first = seen.get(sensor);
      if (first !== undefined) details.push({ field, rule: 'unique', message: `asset "${input.id}": sensor "${sensor}" is listed twice (sensor_ids[${first}] and ${field})` });
      else if (!this.tags.getTag(sensor)) details.push({ field, rule: 'knownSensor', message: `asset "${input.id}": sensor "${sensor}" is not in the tag registry` });
      seen.set(sensor, first ?? i);
    });
    if (details.length) throw new BadRequestException({ message: details.map((d) => d.message).join('; '), details });
    return { id: input.id, name: input.name, area: input.area ?? null, sensor_ids: [...input.sensor_ids], settings: { ...(input.settings ?? {}) } };
  }
}
