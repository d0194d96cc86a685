import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { ErrorDetail, ScreenDto, ScreenSummaryDto, ScreenVersionDto, ScreenWriteResultDto, SvgFindingDto } from '@idm/contracts';
import { AlarmsService } from '@idm/alarms';
import { TagRegistryService } from '@idm/ingestion';
import { assignElementIds, boundTags, BindingEdit, parseBindings, parseSvg, sanitiseSvg, serialiseSvg, setBinding, SvgElement } from './engine';
import { CreateScreenDto, PatchBindingDto, RollbackScreenDto, UpdateScreenDto } from './dto/screen.dto';
import { Screen, ScreenVersion, versionId } from './screen.schema';
import { ScreensRepository } from './screens.repository';

interface Cleaned {
  svg: string;
  root: SvgElement;
  removed: SvgFindingDto[];
}

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'screen';

const badRequest = (details: ErrorDetail[]): BadRequestException =>
  new BadRequestException({ message: details.map((d) => d.message).join('; '), details });

/** Process-graphics screens: sanitised, versioned drawings bound to tags. */
@Injectable()
export class ScreensService {
  constructor(
    private readonly repo: ScreensRepository,
    private readonly registry: TagRegistryService,
    private readonly alarms: AlarmsService,
  ) {}

  async create(dto: CreateScreenDto, by: string | null): Promise<ScreenWriteResultDto> {
    const id = dto.id ?? slug(dto.name);
    const cleaned = this.clean(dto.svg);
    const parent = dto.parent_id ?? null;
    if (parent !== null) await this.checkParent(id, parent);
    if (await this.repo.get(id)) throw this.taken(id);
    // Versions of an earlier screen with this id (deleted halfway) must not block version 1.
    await this.repo.deleteVersions(id);
    const now = Date.now();
    if (!(await this.repo.insertVersion(this.version(id, 1, cleaned.svg, now, by, dto.note ?? '', null)))) throw this.taken(id);
    const screen = this.screenDoc({ _id: id, name: dto.name, area: dto.area, parent_id: parent }, 1, cleaned, now, by);
    if (!(await this.repo.insertScreen(screen))) throw this.taken(id);
    return { ...this.toDto(screen, cleaned.root), removed: cleaned.removed };
  }

  async update(id: string, dto: UpdateScreenDto, by: string | null): Promise<ScreenWriteResultDto> {
    const current = await this.mustGet(id);
    const cleaned = this.clean(dto.svg);
    const parent = dto.parent_id === undefined ? current.parent_id : dto.parent_id;
    if (parent !== null && parent !== current.parent_id) await this.checkParent(id, parent);
    const next = await this.saveVersion(current, cleaned, by, dto.note ?? '', null, { name: dto.name ?? current.name, area: dto.area ?? current.area, parent_id: parent });
    return { ...this.toDto(next, cleaned.root), removed: cleaned.removed };
  }

  async rollback(id: string, dto: RollbackScreenDto, by: string | null): Promise<ScreenDto> {
    const current = await this.mustGet(id);
    const old = await this.repo.getVersion(id, dto.version);
    if (!old) {
      const message = `screen "${id}" has no version ${dto.version} (current: ${current.version})`;
      throw badRequest([{ field: 'version', rule: 'exists', message }]);
    }
    const root = parseSvg(old.svg).root as SvgElement;
    const next = await this.saveVersion(current, { svg: old.svg, root, removed: [] }, by, dto.note ?? `rollback to version ${dto.version}`, dto.version, current);
    return this.toDto(next, root);
  }

  async patchBinding(id: string, dto: PatchBindingDto, by: string | null): Promise<ScreenDto> {
    const current = await this.mustGet(id);
    const root = parseSvg(current.svg).root as SvgElement;
    let edit: BindingEdit | null = null;
    if (dto.remove) {
      const extra = (['kind', 'tag', 'format', 'unit', 'min', 'max', 'link'] as const).find((k) => dto[k] !== undefined);
      if (extra) throw badRequest([{ field: extra, rule: 'absentWithRemove', message: `${extra} must be absent when remove is true` }]);
    } else {
      if (!dto.kind) throw badRequest([{ field: 'kind', rule: 'required', message: 'kind is required (or remove: true)' }]);
      edit = { kind: dto.kind, tag: dto.tag, format: dto.format, unit: dto.unit, min: dto.min, max: dto.max, link: dto.link };
    }
    if (!setBinding(root, dto.element_id, edit)) {
      throw badRequest([{ field: 'element_id', rule: 'exists', message: `screen "${id}" has no element with id "${dto.element_id}"` }]);
    }
    const problem = parseBindings(root, this.knownTags()).problems.find((p) => p.element_id === dto.element_id);
    if (problem) throw badRequest([{ field: 'binding', rule: 'binding', message: problem.message }]);
    const svg = serialiseSvg(root);
    const note = dto.note ?? (edit ? `bind ${dto.element_id}: ${edit.kind}${edit.tag ? ` ${edit.tag}` : ''}` : `unbind ${dto.element_id}`);
    const next = await this.saveVersion(current, { svg, root, removed: [] }, by, note, null, current);
    return this.toDto(next, root);
  }

  async get(id: string): Promise<ScreenDto> {
    const s = await this.mustGet(id);
    return this.toDto(s, parseSvg(s.svg).root as SvgElement);
  }

  /** Every screen (without drawings), ordered for the navigation tree: by parent, then name. */
  async list(): Promise<ScreenSummaryDto[]> {
    const screens = await this.repo.list();
    const alarmsByTag = this.activeAlarmsByTag();
    return screens.map((s) => this.summary(s, alarmsByTag)).sort((a, b) => (a.parent_id ?? '').localeCompare(b.parent_id ?? '') || a.name.localeCompare(b.name));
  }

  async versions(id: string): Promise<ScreenVersionDto[]> {
    await this.mustGet(id);
    return (await this.repo.listVersions(id)).map((v) => ({ version: v.version, at: new Date(v.at).toISOString(), by: v.by, note: v.note, restored_from: v.restored_from }));
  }

  async remove(id: string): Promise<void> {
    await this.mustGet(id);
    const children = (await this.repo.list()).filter((s) => s.parent_id === id).map((s) => s._id);
    if (children.length) {
      throw new ConflictException({ message: `screen "${id}" has child screens (${children.join(', ')}): move or delete them first` });
    }
    await this.repo.delete(id);
  }

  // --- helpers -----------------------------------------------------------------------------------------

  private clean(svg: string): Cleaned {
    const r = sanitiseSvg(svg);
    if (!r.ok) {
      throw new BadRequestException({
        message: `svg refused: ${r.refused.map((f) => `${f.where ? `${f.where}: ` : ''}${f.what} (${f.reason})`).join('; ')}`,
        details: r.refused.map((f) => ({ field: 'svg', rule: 'sanitiser', message: `${f.where ? `${f.where}: ` : ''}${f.what}: ${f.reason}` })),
      });
    }
    assignElementIds(r.root);
    return { svg: serialiseSvg(r.root), root: r.root, removed: r.removed };
  }

  private async saveVersion(
    current: Screen,
    cleaned: Cleaned,
    by: string | null,
    note: string,
    restoredFrom: number | null,
    meta: Pick<Screen, 'name' | 'area' | 'parent_id'>,
  ): Promise<Screen> {
    const version = current.version + 1;
    const now = Date.now();
    if (!(await this.repo.insertVersion(this.version(current._id, version, cleaned.svg, now, by, note, restoredFrom)))) {
      throw new ConflictException({ message: `screen "${current._id}" was changed by someone else meanwhile (version ${version} exists): reload and try again` });
    }
    const next = this.screenDoc({ _id: current._id, ...meta }, version, cleaned, now, by);
    await this.repo.replaceScreen(next);
    return next;
  }

  private version(id: string, version: number, svg: string, at: number, by: string | null, note: string, restoredFrom: number | null): ScreenVersion {
    return { _id: versionId(id, version), screen_id: id, version, at, by, note, svg, restored_from: restoredFrom };
  }

  private screenDoc(meta: Pick<Screen, '_id' | 'name' | 'area' | 'parent_id'>, version: number, cleaned: Cleaned, at: number, by: string | null): Screen {
    const { bindings } = parseBindings(cleaned.root, this.knownTags());
    return { ...meta, version, svg: cleaned.svg, updated_at: at, updated_by: by, tags: boundTags(bindings), binding_count: bindings.length };
  }

  private toDto(s: Screen, root: SvgElement): ScreenDto {
    const known = this.knownTags();
    const { bindings, problems } = parseBindings(root, known);
    return {
      ...this.summary(s, this.activeAlarmsByTag()),
      svg: s.svg,
      bindings: bindings.map((b) => ({ ...b, known: b.tag === undefined || known.has(b.tag) })),
      binding_problems: problems,
    };
  }

  private summary(s: Screen, alarmsByTag: Map<string, number>): ScreenSummaryDto {
    const known = this.knownTags();
    return {
      id: s._id,
      name: s.name,
      area: s.area,
      parent_id: s.parent_id,
      version: s.version,
      updated_at: new Date(s.updated_at).toISOString(),
      updated_by: s.updated_by,
      tags: s.tags,
      binding_count: s.binding_count,
      unknown_tags: s.tags.filter((t) => !known.has(t)),
      active_alarms: s.tags.reduce((n, t) => n + (alarmsByTag.get(t) ?? 0), 0),
    };
  }

  private knownTags(): Set<string> {
    return new Set(this.registry.listTags().map((t) => t.sensor_id));
  }

  private activeAlarmsByTag(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const a of this.alarms.list()) if (a.active && a.sensor_id) counts.set(a.sensor_id, (counts.get(a.sensor_id) ?? 0) + 1);
    return counts;
  }

  private async mustGet(id: string): Promise<Screen> {
    const s = await this.repo.get(id);
    if (!s) throw new NotFoundException({ message: `screen "${id}" not found` });
    return s;
  }

  private taken(id: string): ConflictException {
    return new ConflictException({ message: `screen "${id}" already exists`, details: [{ field: 'id', rule: 'unique', message: `screen "${id}" already exists` }] });
  }

  /** The parent must exist and must not be the screen itself or one of its descendants (no cycles in the tree). */
  private async checkParent(id: string, parentId: string): Promise<void> {
    const all = new Map((await this.repo.list()).map((s) => [s._id, s]));
    if (!all.has(parentId)) throw badRequest([{ field: 'parent_id', rule: 'exists', message: `parent_id: screen "${parentId}" does not exist` }]);
    for (let at: string | null = parentId, hops = 0; at !== null && hops <= all.size; at = all.get(at)?.parent_id ?? null, hops++) {
      if (at === id) throw badRequest([{ field: 'parent_id', rule: 'noCycle', message: `parent_id: screen "${parentId}" is "${id}" or below it in the tree` }]);
    }
  }
}
