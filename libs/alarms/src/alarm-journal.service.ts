import { BadRequestException, Injectable, UnprocessableEntityException } from '@nestjs/common';
import { toCsv } from '@idm/contracts';
import type { AlarmDto, AlarmEventKindName, AlarmJournalEntryDto, AlarmJournalPageDto, AlarmPriorityName, AlarmStateName } from '@idm/contracts';
import type { AlarmAudit } from './alarm.schema';
import { AlarmsRepository } from './alarms.repository';
import { AlarmsService } from './alarms.service';
import {
  compareJournal,
  JOURNAL_CSV_COLUMNS,
  JOURNAL_DEFAULT_RANGE_MS,
  JOURNAL_MAX_EVENTS,
  JOURNAL_MAX_RANGE_MS,
  journalCsvRow,
  journalFileName,
  matchesJournal,
  parseAlarmId,
  type JournalFilter,
} from './engine/alarm-journal';

export interface JournalQuery extends JournalFilter {
  from?: string;
  to?: string;
  event?: AlarmEventKindName[];
  user?: string;
  page?: number;
  limit?: number;
  order?: 'asc' | 'desc';
}

/** A field error in the shape the validation pipe uses (400 naming the field). */
function badField(field: string, rule: string, message: string): BadRequestException {
  return new BadRequestException({ message, details: [{ field, rule, message }] });
}

/**
 * The alarm journal for shift handover: every alarm event (raised, acknowledged, shelved, commented, cleared...)
 * of a time range, searched and paginated, or exported as CSV. Reads the audit trail; events written before the
 * trail kept the alarm's priority, area and message take them from the alarm as it is now.
 */
@Injectable()
export class AlarmJournalService {
  constructor(
    private readonly repo: AlarmsRepository,
    private readonly alarms: AlarmsService,
  ) {}

  async page(q: JournalQuery): Promise<AlarmJournalPageDto> {
    const { from, to, events } = await this.read(q);
    const limit = q.limit ?? 100;
    const page = q.page ?? 1;
    return {
      items: events.slice((page - 1) * limit, page * limit),
      total: events.length,
      page,
      limit,
      pages: Math.ceil(events.length / limit),
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    };
  }

  async csv(q: JournalQuery, timeZone: string): Promise<{ filename: string; body: string }> {
    const { from, to, events } = await this.read(q);
    const header = JOURNAL_CSV_COLUMNS.map((c) => (c === 'time_local' ? `time_local (${timeZone})` : c));
    return { filename: journalFileName(from, to), body: toCsv(header, events.map((e) => journalCsvRow(e, timeZone, this.alarms.nameOf(e.source_type, e.source_id)))) };
  }

  /** The range resolved and checked, and every matching event of it in order. */
  private async read(q: JournalQuery): Promise<{ from: number; to: number; events: AlarmJournalEntryDto[] }> {
    const to = q.to !== undefined ? Date.parse(q.to) : Date.now();
    const from = q.from !== undefined ? Date.parse(q.from) : to - JOURNAL_DEFAULT_RANGE_MS;
    if (!(from < to)) throw badField('from', 'isBeforeTo', 'from must be before to');
    if (to - from > JOURNAL_MAX_RANGE_MS) throw badField('to', 'maxRange', 'to must be at most 31 days after from: narrow the range');
    const stored = await this.repo.journalBetween(from, to, { kinds: q.event, user: q.user?.toLowerCase(), cap: JOURNAL_MAX_EVENTS + 1 });
    if (stored.length > JOURNAL_MAX_EVENTS) {
      throw new UnprocessableEntityException({ message: `more than ${JOURNAL_MAX_EVENTS} alarm events in this range: narrow the range or filter by event or user` });
    }
    const current = new Map(this.alarms.list({ include_normal: true }).map((a) => [a.id, a]));
    const events = stored.map((s) => this.toEntry(s, current.get(s.alarm_id))).filter((e) => matchesJournal(e, q));
    return { from, to, events: events.sort(compareJournal(q.order ?? 'desc')) };
  }

  private toEntry(s: AlarmAudit & { _id: unknown }, now: AlarmDto | undefined): AlarmJournalEntryDto {
    const parsed = parseAlarmId(s.alarm_id);
    const source_id = s.source_id ?? now?.source_id ?? parsed.source_id;
    const source_type = s.source_type ?? now?.source_type ?? parsed.source_type;
    const sensor_id = s.sensor_id ?? now?.sensor_id ?? parsed.sensor_id;
    return {
      id: String(s._id),
      at: new Date(s.at).toISOString(),
      kind: s.kind as AlarmEventKindName,
      alarm_id: s.alarm_id,
      source_type,
      source_id,
      sensor_id,
      area: s.area ?? this.alarms.areaOf(source_type, source_id),
      condition: s.condition ?? now?.condition ?? parsed.condition,
      priority: (s.priority ?? now?.priority ?? null) as AlarmPriorityName | null,
      from: s.from as AlarmStateName,
      to: s.to as AlarmStateName,
      user: s.by,
      message: s.message ?? now?.message ?? null,
      comment: s.comment,
    };
  }
}
