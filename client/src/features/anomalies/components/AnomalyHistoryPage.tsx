import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ANOMALY_SEVERITIES, ANOMALY_TYPES } from '@idm/contracts';
import { EpisodeAlarmLink } from '../../../components/ui/EpisodeAlarmLink';
import { EpisodeEnd } from '../../../components/ui/EpisodeEnd';
import { EpisodeStatus } from '../../../components/ui/EpisodeStatus';
import { codeWords, dateTime, formatValue } from '../../../lib/format';
import { downloadFile } from '../../../lib/download';
import { DateTimeField, readRange, useDateTimeField } from '../../../components/ui/DateTimeField';
import { toUiError } from '../../../lib/errors';
import { useResource } from '../../../lib/use-resource';
import { getAnomalyHistory, historyParams, type AnomalyFilter } from '../api/get-anomaly-history';

const PAGE = 50;
const KEYS = ['sensor_id', 'area', 'anomaly_type', 'severity', 'resolved', 'from', 'to'] as const;

/**
 * Filterable, paginated anomaly episodes (newest first), each with a link to the alarm it raised; filters kept
 * in the address for sharing; CSV export of the same filter.
 */
export function AnomalyHistoryPage() {
  const [params, setParams] = useSearchParams();
  const filter: AnomalyFilter = Object.fromEntries(KEYS.map((k) => [k, params.get(k) ?? ''])) as AnomalyFilter;
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const key = `${params.toString()}|${cursor}`;
  const page = useResource(() => getAnomalyHistory(filter, cursor, PAGE), key);
  const [exportError, setExportError] = useState<string | null>(null);
  const fromField = useDateTimeField('From', filter.from ? Date.parse(filter.from) : null, params.toString());
  const toField = useDateTimeField('To', filter.to ? Date.parse(filter.to) : null, params.toString());

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const range = readRange(fromField, toField, false);
    if (!range) return; // the field says what is wrong
    const next = new URLSearchParams();
    for (const k of KEYS) {
      const v = k === 'from' || k === 'to' ? (range[k] === null ? '' : new Date(range[k]).toISOString()) : String(f.get(k) ?? '').trim();
      if (v) next.set(k, v);
    }
    setCursors([null]);
    setParams(next);
  };

  const exportCsv = async () => {
    setExportError(null);
    try {
      await downloadFile('/anomalies/history', historyParams(filter, { format: 'csv' }), 'anomalies.csv');
    } catch (err) {
      setExportError(toUiError(err).message);
    }
  };

  return (
    <section className="panel" aria-labelledby="anomalies-title">
      <div className="panel-head">
        <h2 id="anomalies-title">Anomaly history</h2>
        <button type="button" onClick={() => void exportCsv()}>
          Export CSV
        </button>
        {exportError && <span className="form-error">{exportError}</span>}
      </div>
      <form className="filters" onSubmit={apply} key={params.toString()} noValidate aria-label="Filters">
        <label>
          Sensor <input name="sensor_id" defaultValue={filter.sensor_id} size={14} />
        </label>
        <label>
          Area <input name="area" defaultValue={filter.area} size={14} />
        </label>
        <label>
          Type
          <select name="anomaly_type" defaultValue={filter.anomaly_type}>
            <option value="">any</option>
            {ANOMALY_TYPES.map((t) => (
              <option key={t} value={t}>
                {codeWords(t)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select name="severity" defaultValue={filter.severity}>
            <option value="">any</option>
            {ANOMALY_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="resolved" defaultValue={filter.resolved}>
            <option value="">any</option>
            <option value="false">open</option>
            <option value="true">resolved</option>
          </select>
        </label>
        <DateTimeField field={fromField} emptyMeans="any time" />
        <DateTimeField field={toField} emptyMeans="now" />
        <button type="submit" className="primary">
          Apply
        </button>
      </form>
      {page.error && <p className="form-error">{page.error.message}</p>}
      <table className="grid anomaly-table">
        <thead>
          <tr>
            <th scope="col">Start</th>
            <th scope="col">End</th>
            <th scope="col">Sensor</th>
            <th scope="col">Area</th>
            <th scope="col">Type</th>
            <th scope="col">Severity</th>
            <th scope="col" className="num">Score</th>
            <th scope="col" className="num">Samples</th>
            <th scope="col">Why</th>
            <th scope="col">Status</th>
            <th scope="col">Alarm</th>
          </tr>
        </thead>
        <tbody>
          {(page.data?.items ?? []).map((e) => (
            <tr key={e.id} data-episode-id={e.id}>
              <td className="num one-line">{dateTime(e.timestamp)}</td>
              <td className="one-line">
                <EpisodeEnd episode={e} />
              </td>
              <td className="one-line">
                <Link to={`/sensors/${encodeURIComponent(e.sensor_id)}`}>{e.sensor_id}</Link>
              </td>
              <td>{e.area ?? ''}</td>
              <td>{codeWords(e.anomaly_type)}</td>
              <td>{e.severity}</td>
              <td className="num">{formatValue(e.score)}</td>
              <td className="num">{e.samples}</td>
              <td>{e.evidence.detail ?? `${formatValue(e.evidence.statistic)} ≥ ${formatValue(e.evidence.threshold)}`}</td>
              <td className="one-line">
                <EpisodeStatus episode={e} />
              </td>
              <td>
                <EpisodeAlarmLink alarmId={e.alarm_id} />
              </td>
            </tr>
          ))}
          {page.data && !page.data.items.length && (
            <tr>
              <td colSpan={11} className="muted">
                {KEYS.some((k) => filter[k]) ? (
                  <>
                    No anomaly episodes match these filters: widen the range or{' '}
                    <Link to="/anomalies" onClick={() => setCursors([null])}>
                      clear the filters
                    </Link>
                    .
                  </>
                ) : (
                  'No anomaly episodes yet: one is recorded when a tag crosses a limit or leaves its learned normal behaviour (a spike, a drift, a flat line, …).'
                )}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ← Newer
        </button>
        <span className="muted">Page {cursors.length}</span>
        <button type="button" disabled={!page.data?.next_cursor} onClick={() => page.data?.next_cursor && setCursors((c) => [...c, page.data!.next_cursor])}>
          Older →
        </button>
      </div>
    </section>
  );
}
