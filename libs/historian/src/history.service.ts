import { Injectable } from '@nestjs/common';
import type { HistoryResponseDto, SensorDetailDto, SensorSummaryDto, StoredSampleDto } from '@idm/contracts';
import { AppConfig, mapLimited } from '@idm/core';
import { TagRegistryService } from '@idm/ingestion';
import { packId, rawId, RollupPackDoc } from './engine/docs';
import { planHistory, toBuckets } from './engine/history-plan';
import { combine, pickSummary, StoredSample, summarize, Summary } from './engine/summary';
import { DAY, floorTo, HOUR, MINUTE } from './engine/time';
import { HistorianRepository } from './historian.repository';
import { HistorianService } from './historian.service';

type Item = Summary & { t: number };
const READ_CONCURRENCY = 16;

export function toSampleDto(x: StoredSample): StoredSampleDto {
  return { sensor_id: x.sensor_id, timestamp: new Date(x.t).toISOString(), value: x.v, status: x.s, quality: x.q };
}

/**
 * History reads: every document is fetched by exact `_id` (the only lookup FerretDB pushes down), and
 * what the write loop has not written yet (open minute/hour/day, pending documents) comes from memory, so
 * a sample is visible as soon as it is accepted.
 */
@Injectable()
export class HistoryService {
  constructor(
    private readonly config: AppConfig,
    private readonly historian: HistorianService,
    private readonly repo: HistorianRepository,
    private readonly tags: TagRegistryService,
  ) {}

  /** Oldest time raw samples are kept (retention). */
  rawSince(now = Date.now()): number {
    return now - this.config.historian.rawRetentionDays * DAY;
  }

  listSensors(): SensorSummaryDto[] {
    const ids = new Set<string>([...this.tags.listTags().map((t) => t.sensor_id), ...[...this.historian.writer.allSensors()].map((s) => s.id)]);
    return [...ids].sort().map((id) => this.summary(id));
  }

  exists(sensorId: string): boolean {
    return !!this.tags.getTag(sensorId) || !!this.historian.writer.sensor(sensorId);
  }

  summary(sensorId: string): SensorSummaryDto {
    const tag = this.tags.getTag(sensorId);
    const latest = this.historian.writer.sensor(sensorId)?.latest ?? null;
    return {
      sensor_id: sensorId,
      registered: !!tag,
      unit: tag?.unit ?? null,
      area: tag?.area ?? null,
      description: tag?.description ?? null,
      device_id: tag?.device_id ?? null,
      latest: latest ? toSampleDto(latest) : null,
    };
  }

  async detail(sensorId: string, windowMs: number): Promise<SensorDetailDto> {
    const base = this.summary(sensorId);
    const to = (base.latest ? Date.parse(base.latest.timestamp) : Date.now()) + 1;
    const from = to - windowMs;
    const recent: StoredSampleDto[] = [];
    for await (const chunk of this.rawSamples(sensorId, from, to)) for (const x of chunk) recent.push(toSampleDto(x));
    return { ...base, window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, recent };
  }

  async history(sensorId: string, from: number, to: number, maxPoints: number): Promise<HistoryResponseDto> {
    const plan = planHistory(from, to, maxPoints, this.rawSince());
    let items: Item[];
    if (plan.source === 'raw') {
      items = [];
      for await (const chunk of this.rawSamples(sensorId, from, to)) for (const x of chunk) items.push({ t: x.t, ...(summarize([x]) as Summary) });
    } else {
      items = await this.rollups(sensorId, plan.source, plan.start, to);
    }
    return {
      sensor_id: sensorId,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      source: plan.source,
      bucket_ms: plan.bucketMs,
      buckets: toBuckets(items, plan, to),
    };
  }

  /** Raw samples in [from, to), minute by minute in time order (chunks), read ahead a few minutes at a time. */
  async *rawSamples(sensorId: string, from: number, to: number): AsyncGenerator<StoredSample[]> {
    const st = this.historian.writer.sensor(sensorId);
    if (!st) return;
    const first = Math.max(floorTo(from, MINUTE), floorTo(this.rawSince(), MINUTE));
    const last = Math.min(to - 1, Math.max(st.knownLast, st.latest?.t ?? -Infinity));
    const minutes: number[] = [];
    for (let m = first; m <= last; m += MINUTE) minutes.push(m);
    for (let i = 0; i < minutes.length; i += 64) {
      const batch = minutes.slice(i, i + 64);
      const buckets = await mapLimited(batch, READ_CONCURRENCY, (m) => this.rawMinute(sensorId, m));
      for (const b of buckets) {
        const inRange = b.filter((x) => x.t >= from && x.t < to);
        if (inRange.length) yield inRange;
      }
    }
  }

  private async rawMinute(sensorId: string, m: number): Promise<StoredSample[]> {
    const st = this.historian.writer.sensor(sensorId);
    if (st?.minute && st.minute.start === m) return [...st.minute.samples.values()].sort((a, b) => a.t - b.t);
    const doc = this.historian.writer.unwritten('raw', rawId(sensorId, m)) ?? (await this.repo.raw(rawId(sensorId, m)));
    return doc ? doc.samples.map((x) => ({ sensor_id: sensorId, ...x })) : [];
  }

  /**
   * Minute (`1m`) or hour (`1h`) summaries starting in [start, to): packs by `_id`, the open periods from
   * memory. Charts and reports read rollups through here.
   */
  async rollups(sensorId: string, res: '1m' | '1h', start: number, to: number, viewed?: (day: number) => Item[] | undefined): Promise<Item[]> {
    const st = this.historian.writer.sensor(sensorId);
    if (!st) return [];
    const packUnit = res === '1m' ? HOUR : DAY;
    const last = Math.min(to - 1, Math.max(st.knownLast, st.latest?.t ?? -Infinity));
    const packs: number[] = [];
    for (let p = floorTo(start, packUnit); p <= last; p += packUnit) packs.push(p);
    const openMinute = st.minute ? summarize(st.minute.samples.values()) : null;
    const parts = await mapLimited(packs, READ_CONCURRENCY, async (p): Promise<Item[]> => {
      const open = res === '1m' ? st.hour : st.day;
      if (open && open.start === p) {
        const items: Item[] = [...open.slots.entries()].map(([t, s]) => ({ t, ...s }));
        if (res === '1m' && st.minute && openMinute && floorTo(st.minute.start, HOUR) === p) items.push({ t: st.minute.start, ...openMinute });
        if (res === '1h' && st.hour && floorTo(st.hour.start, DAY) === p) {
          const hourTotal = combine([...st.hour.slots.values(), openMinute && st.minute && floorTo(st.minute.start, HOUR) === st.hour.start ? openMinute : null]);
          if (hourTotal) items.push({ t: st.hour.start, ...hourTotal });
        }
        return items;
      }
      const id = packId(sensorId, res, p);
      const pending = this.historian.writer.unwritten('packs', id);
      const inView = pending ? undefined : viewed?.(p);
      if (inView) return inView;
      const pack: RollupPackDoc | null = pending ?? (await this.repo.pack(id));
      if (pack) return pack.items.map((it) => ({ t: it.t, ...pickSummary(it as unknown as Record<string, unknown>) }));
      // Not packed yet: a period still open on the writer instance (seen from a screens-only instance, or
      // from a restarted writer before the sensor's next sample) has its closed buckets stored one by one.
      if (p + 2 * packUnit <= Date.now()) return [];
      const stored = await this.historian.writer.storedRollups(sensorId, res, p, Math.min(p + packUnit, last + 1));
      return [...stored].map(([t, sum]) => ({ t, ...sum }));
    });
    return parts.flat().filter((it) => it.t >= start && it.t < to);
  }

  /**
   * `rollups` of many sensors (a report): hourly ones of the days that are over from the days' views where
   * there are (one read per day for every sensor), the rest from their packs and memory as `rollups` reads them.
   */
  async rollupsOf(sensorIds: readonly string[], res: '1m' | '1h', start: number, to: number, concurrency = 4): Promise<Item[][]> {
    const views = new Map<number, Map<string, Item[]> | null>();
    if (res === '1h') {
      const days: number[] = [];
      for (let d = floorTo(start, DAY); d < to && d + DAY <= Date.now(); d += DAY) days.push(d);
      const read = await mapLimited(days, 4, (d) => this.repo.dayView(d));
      days.forEach((d, i) => views.set(d, read[i]));
    }
    return mapLimited(sensorIds, concurrency, (id) => this.rollups(id, res, start, to, (day) => views.get(day)?.get(id)));
  }
}
