import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ALARM_EVENT_KINDS, ALARM_PRIORITIES } from '@idm/contracts';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { codeWords, dateTime } from '../../../lib/format';
import { DateTimeField, readRange, useDateTimeField } from '../../../components/ui/DateTimeField';
import { toUiError } from '../../../lib/errors';
import { alarmPath } from '../../../lib/routes';
import { sourceName, sourceTitle, useAlarmSources } from '../../../lib/alarm-sources';
import { useResource } from '../../../lib/use-resource';
import { alarmLineText } from '../../../lib/alarm-text';
import { exportJournal, getJournal, type JournalSearch } from '../api/get-journal';
import { presetRange, RANGE_PRESETS, type RangePreset } from './journal-range';

const PAGE = 100;
const TEXT_KEYS = ['q', 'area', 'sensor_id', 'priority', 'event', 'user'] as const;

/** The search in the address (shareable, survives a reload); without a range, the last 8 h pinned at opening. */
function useJournalSearch(): [JournalSearch, RangePreset, number, (s: JournalSearch, preset: RangePreset, page: number) => void] {
  const [params, setParams] = useSearchParams();
  const [opened] = useState(() => presetRange('8h', Date.now())!);
  const search: JournalSearch = {
    from: params.get('from') ?? new Date(opened.from).toISOString(),
    to: params.get('to') ?? new Date(opened.to).toISOString(),
    ...Object.fromEntries(TEXT_KEYS.map((k) => [k, params.get(k) ?? ''])),
  };
  const preset = (params.get('range') as RangePreset | null) ?? '8h';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const set = (s: JournalSearch, p: RangePreset, n: number) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(s)) if (v) next.set(k, String(v));
    next.set('range', p);
    if (n > 1) next.set('page', String(n));
    setParams(next);
  };
  return [search, preset, page, set];
}

/**
 * The alarm journal for shift handover: every alarm event of a range (raised, acknowledged, shelved, commented,
 * cleared...), one line each, newest first; searched by text, area, sensor, priority, kind of event and user;
 * paged; exported as CSV with the same search.
 */
export function JournalPage() {
  const [search, preset, page, setSearch] = useJournalSearch();
  const [range, setRange] = useState<RangePreset>(preset);
  const searchKey = JSON.stringify(search);
  const fromField = useDateTimeField('From', Date.parse(search.from), searchKey);
  const toField = useDateTimeField('To', Date.parse(search.to), searchKey);
  const result = useResource(() => getJournal(search, page, PAGE), `${searchKey}|${page}`);
  // A device's or asset's name for its id (kept in the tooltip), as in the alarm list.
  const sources = useAlarmSources();
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = Object.fromEntries(TEXT_KEYS.map((k) => [k, String(f.get(k) ?? '').trim()]));
    const chosen = presetRange(range, Date.now()) ?? readRange(fromField, toField, true);
    if (chosen?.from == null || chosen.to == null) return; // the field says what is wrong
    setSearch({ ...text, from: new Date(chosen.from).toISOString(), to: new Date(chosen.to).toISOString() } as JournalSearch, range, 1);
  };

  const exportCsv = async () => {
    setExportError(null);
    setExporting(true);
    try {
      await exportJournal(search);
    } catch (err) {
      setExportError(toUiError(err).message);
    } finally {
      setExporting(false);
    }
  };

  const data = result.data;
  const items = data?.items ?? [];
  const custom = range === 'custom';
  return (
    <section className="panel journal" aria-labelledby="journal-title">
      <div className="panel-head">
        <h2 id="journal-title">Alarm journal</h2>
        <span className="muted" data-testid="journal-range">
          {dateTime(search.from)} – {dateTime(search.to)}
        </span>
        <button type="button" onClick={() => void exportCsv()} disabled={exporting}>
          Export CSV
        </button>
        {exportError && <span className="form-error">{exportError}</span>}
      </div>
      <form className="filters" onSubmit={apply} key={searchKey} noValidate aria-label="Search the journal">
        <label>
          Range
          <select name="range" value={range} onChange={(e) => setRange(e.target.value as RangePreset)}>
            {RANGE_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <DateTimeField field={fromField} disabled={!custom} required={custom} />
        <DateTimeField field={toField} disabled={!custom} required={custom} />
        <label>
          Text <input name="q" type="search" defaultValue={search.q} size={16} />
        </label>
        <label>
          Area <input name="area" defaultValue={search.area} size={12} />
        </label>
        <label>
          Sensor <input name="sensor_id" defaultValue={search.sensor_id} size={10} />
        </label>
        <label>
          Priority
          <select name="priority" defaultValue={search.priority}>
            <option value="">any</option>
            {ALARM_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Event
          <select name="event" defaultValue={search.event}>
            <option value="">any</option>
            {ALARM_EVENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {codeWords(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          User <input name="user" defaultValue={search.user} size={10} />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      {result.error && <p className="form-error">{result.error.message}</p>}
      <div className="table-scroll">
        <table className="grid journal-grid">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Priority</th>
              <th scope="col">Area</th>
              <th scope="col">Sensor</th>
              <th scope="col">State</th>
              <th scope="col">User</th>
              <th scope="col" className="msg">
                Message
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => {
              // The Sensor column names the tag: the message reads what is wrong first, as the summary and banner do.
              const line = e.message ? alarmLineText({ message: e.message, source_id: e.source_id }) : '';
              const text = e.comment ? `${e.message ?? ''} — “${e.comment}”` : (e.message ?? '');
              return (
                <tr key={e.id} className="journal-row" data-event-id={e.id} data-kind={e.kind} data-alarm-id={e.alarm_id}>
                  <td className="num">{dateTime(e.at)}</td>
                  <td>{codeWords(e.kind)}</td>
                  <td>{e.priority ? <PriorityBadge priority={e.priority} unacked={false} /> : '—'}</td>
                  <td>{e.area ?? ''}</td>
                  <td className="source">
                    {e.sensor_id ? (
                      <Link to={`/sensors/${encodeURIComponent(e.sensor_id)}`}>{e.sensor_id}</Link>
                    ) : (
                      <Link to={alarmPath(e.alarm_id)} title={sourceTitle(sources, e)}>
                        {sourceName(sources, e)}
                      </Link>
                    )}
                  </td>
                  <td>
                    {codeWords(e.from)} → {codeWords(e.to)}
                  </td>
                  <td>{e.user ?? ''}</td>
                  <td className="msg" title={text}>
                    {e.comment ? `${line} — “${e.comment}”` : line}
                  </td>
                </tr>
              );
            })}
            {data && !items.length && (
              <tr>
                <td colSpan={8} className="muted">
                  No alarm events match.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" disabled={page < 2} onClick={() => setSearch(search, preset, page - 1)}>
          ← Newer
        </button>
        <span className="muted" data-testid="journal-pages">
          {data ? `Page ${data.page} of ${Math.max(1, data.pages)} · ${data.total} events` : result.loading ? 'Loading…' : ''}
        </span>
        <button type="button" disabled={!data || page >= data.pages} onClick={() => setSearch(search, preset, page + 1)}>
          Older →
        </button>
      </div>
    </section>
  );
}
