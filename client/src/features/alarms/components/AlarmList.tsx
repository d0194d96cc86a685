import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';
import type { AlarmDto } from '@idm/contracts';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { isUnacked } from '../../../lib/live/alarm-state';
import { clock, formatValue } from '../../../lib/format';
import { toUiError } from '../../../lib/errors';
import { stateLabel } from './alarm-labels';
import { DEFAULT_SORT, sortAlarmsBy, type AlarmSort, type SortKey } from './alarm-summary';
import { AlarmHistory } from './AlarmHistory';
import { DeviceCommStatus } from './DeviceCommStatus';

export interface AlarmActions {
  acknowledge(ids: string[], comment?: string): Promise<unknown>;
  shelve(id: string, minutes: number, reason: string): Promise<unknown>;
  unshelve(id: string): Promise<unknown>;
  comment(id: string, text: string): Promise<unknown>;
}

export const SHELVE_MINUTES = [15, 30, 60, 120, 240, 480, 720, 1440];

type Open = { id: string; kind: 'shelve' | 'comment' | 'history' } | null;

const SORT_COLUMNS: { key: SortKey; label: string; className?: string }[] = [
  { key: 'priority', label: 'Priority' },
  { key: 'time', label: 'Raised', className: 'num' },
  { key: 'source', label: 'Source' },
];

/**
 * The alarm summary: one line per alarm (a long message ends in an ellipsis, the full text in its
 * title), sorted by a column header (priority, then newest, until another is chosen). Unacknowledged
 * rows stand out by a filled priority shape, bold text, a left bar in the priority colour and the word
 * UNACK; `firstOut` alarms (the first of a flood) carry a "1st" marker. Action buttons exist only when
 * `actions` is given (operator role or above). Rows are focusable: arrows move, Enter opens the
 * history, A acknowledges. `focusId` picks out one alarm (from a link such as an anomaly episode's): its
 * row is marked and scrolled to, and its history opened.
 */
export function AlarmList({ alarms: given, actions, focusId, firstOut }: { alarms: readonly AlarmDto[]; actions?: AlarmActions; focusId?: string; firstOut?: ReadonlySet<string> }) {
  const [sort, setSort] = useState<AlarmSort>(DEFAULT_SORT);
  const alarms = useMemo(() => sortAlarmsBy(given, sort), [given, sort]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState<Open>(focusId ? { id: focusId, kind: 'history' } : null);
  const tableRef = useRef<HTMLTableElement>(null);
  useEffect(() => {
    if (!focusId) return;
    setOpen({ id: focusId, kind: 'history' });
    const row = [...(tableRef.current?.querySelectorAll('tr[data-alarm-id]') ?? [])].find((r) => r.getAttribute('data-alarm-id') === focusId);
    row?.scrollIntoView?.({ block: 'center' });
  }, [focusId]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The alarms an "acknowledge all" would cover, while it waits for confirmation (ISA-18.2: no blind acknowledgement). */
  const [confirmAll, setConfirmAll] = useState<string[] | null>(null);
  const unacked = alarms.filter(isUnacked);
  const chosen = unacked.filter((a) => selected.has(a.id)).map((a) => a.id);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(toUiError(err).message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const sortBy = (key: SortKey) => setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'time' ? 'desc' : 'asc' }));
  const ariaSort = (key: SortKey) => (sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined);
  const sortHeader = (key: SortKey, label: string, className?: string) => (
    <th scope="col" key={key} className={className} aria-sort={ariaSort(key)}>
      <button type="button" className="sort" onClick={() => sortBy(key)} title={`Sort by ${label.toLowerCase()}`}>
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );

  /** Keys on a focused row (not on its buttons or boxes): arrows move, Enter opens, A acknowledges. */
  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, a: AlarmDto) => {
    if (e.target !== e.currentTarget || e.altKey || e.ctrlKey || e.metaKey) return;
    const rowsNow = [...(tableRef.current?.querySelectorAll<HTMLElement>('tr[data-alarm-id]') ?? [])];
    const i = rowsNow.indexOf(e.currentTarget);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      rowsNow[Math.max(0, Math.min(rowsNow.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      setOpen(open?.id === a.id && open.kind === 'history' ? null : { id: a.id, kind: 'history' });
    } else if ((e.key === 'a' || e.key === 'A') && actions && isUnacked(a) && !busy) {
      e.preventDefault();
      void run(() => actions.acknowledge([a.id]));
    }
  };

  if (!alarms.length) return <p className="calm">No alarms need attention.</p>;

  return (
    <div className="alarm-list">
      {actions && (
        <div className="toolbar" role="toolbar" aria-label="Alarm actions">
          {confirmAll ? (
            <span role="group" aria-label="Confirm acknowledge all">
              {/* Only the alarms listed when asked: one raised meanwhile is not acknowledged unseen. */}
              <span className="confirm-text">Acknowledge all {confirmAll.length} unacknowledged alarms listed below?</span>{' '}
              <button type="button" disabled={busy} onClick={() => void run(() => actions.acknowledge(confirmAll)).then(() => setConfirmAll(null))}>
                Yes, acknowledge {confirmAll.length}
              </button>{' '}
              <button type="button" onClick={() => setConfirmAll(null)}>
                Cancel
              </button>
            </span>
          ) : (
            <button
              type="button"
              disabled={busy || !unacked.length}
              onClick={() =>
                chosen.length ? void run(() => actions.acknowledge(chosen)).then((ok) => ok && setSelected(new Set())) : setConfirmAll(unacked.map((a) => a.id))
              }
            >
              {chosen.length ? `Acknowledge selected (${chosen.length})` : `Acknowledge all (${unacked.length})`}
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <table className="grid alarm-table" ref={tableRef}>
        <thead>
          <tr>
            {actions && <th scope="col"><span className="sr-only">Select</span></th>}
            {SORT_COLUMNS.map((c) => sortHeader(c.key, c.label, c.className))}
            <th scope="col" className="msg">Message</th>
            <th scope="col" className="num">Value</th>
            {sortHeader('state', 'State')}
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {alarms.map((a) => {
            const un = isUnacked(a);
            const isOpen = open?.id === a.id ? open.kind : null;
            return [
              <tr
                key={a.id}
                className={`alarm-row prio-row-${a.priority}${un ? ' unacked' : ''}${a.state === 'shelved' ? ' shelved' : ''}${a.id === focusId ? ' focused' : ''}`}
                data-alarm-id={a.id}
                data-state={a.state}
                aria-current={a.id === focusId ? 'true' : undefined}
                tabIndex={0}
                onKeyDown={(e) => onRowKey(e, a)}
              >
                {actions && (
                  <td>
                    {un && <input type="checkbox" aria-label={`Select ${a.message}`} checked={selected.has(a.id)} onChange={() => toggle(a.id)} />}
                  </td>
                )}
                <td>
                  <PriorityBadge priority={a.priority} unacked={un} />
                </td>
                <td className="num raised">
                  {clock(a.raised_at)}
                  {firstOut?.has(a.id) && (
                    <span className="first-out" title="First out: the first alarm of the flood">
                      1st
                    </span>
                  )}
                </td>
                <td className="source">
                  <span className="src-line">
                    {a.sensor_id ? <Link to={`/sensors/${encodeURIComponent(a.sensor_id)}`}>{a.source_id}</Link> : a.source_id}
                    {a.source_type === 'device' && <DeviceCommStatus deviceId={a.source_id} />}
                  </span>
                </td>
                <td className="msg" title={a.message}>
                  {a.message}
                </td>
                <td className="num">{formatValue(a.last_value)}</td>
                <td className="state" title={stateLabel(a)}>
                  {stateLabel(a)}
                </td>
                <td>
                  <div className="actions">
                    <button type="button" aria-expanded={isOpen === 'history'} onClick={() => setOpen(isOpen === 'history' ? null : { id: a.id, kind: 'history' })}>
                      History
                    </button>
                    {actions && (
                    <>
                    {un && (
                      <button type="button" disabled={busy} onClick={() => void run(() => actions.acknowledge([a.id]))} aria-label={`Acknowledge ${a.message}`}>
                        Ack
                      </button>
                    )}
                    {a.state === 'shelved' ? (
                      <button type="button" disabled={busy} onClick={() => void run(() => actions.unshelve(a.id))}>
                        Unshelve
                      </button>
                    ) : (
                      a.state !== 'out_of_service' && (
                        <button type="button" aria-expanded={isOpen === 'shelve'} onClick={() => setOpen(isOpen === 'shelve' ? null : { id: a.id, kind: 'shelve' })}>
                          Shelve
                        </button>
                      )
                    )}
                    <button type="button" aria-expanded={isOpen === 'comment'} onClick={() => setOpen(isOpen === 'comment' ? null : { id: a.id, kind: 'comment' })}>
                      Comment
                    </button>
                    </>
                    )}
                  </div>
                </td>
              </tr>,
              isOpen && (isOpen === 'history' || actions) && (
                <tr key={`${a.id}-form`} className="alarm-form-row">
                  <td colSpan={8}>
                    {isOpen === 'history' ? (
                      <AlarmHistory alarm={a} />
                    ) : !actions ? null : isOpen === 'shelve' ? (
                      <ShelveForm alarm={a} onCancel={() => setOpen(null)} onSubmit={(m, r) => actions.shelve(a.id, m, r)} onDone={() => setOpen(null)} />
                    ) : (
                      <CommentForm
                        alarm={a}
                        onCancel={() => setOpen(null)}
                        onSubmit={(t) => actions.comment(a.id, t)}
                        onAcknowledge={un ? (t) => actions.acknowledge([a.id], t) : undefined}
                        onDone={() => setOpen(null)}
                      />
                    )}
                  </td>
                </tr>
              ),
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}

export function ShelveForm({ alarm, onSubmit, onCancel, onDone }: { alarm: AlarmDto; onSubmit(minutes: number, reason: string): Promise<unknown>; onCancel(): void; onDone(): void }) {
  const [error, setError] = useState<{ reason?: string; duration?: string; general?: string }>({});
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    try {
      await onSubmit(Number(f.get('duration')), String(f.get('reason') ?? '').trim());
      onDone();
    } catch (err) {
      const ui = toUiError(err, ['reason', 'duration_minutes']);
      setError({ reason: ui.fields.reason, duration: ui.fields.duration_minutes, general: Object.keys(ui.fields).length ? undefined : ui.message });
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Shelve ${alarm.message}`}>
      <label>
        Shelve for{' '}
        <select name="duration" defaultValue="60">
          {SHELVE_MINUTES.map((m) => (
            <option key={m} value={m}>
              {m < 60 ? `${m} min` : `${m / 60} h`}
            </option>
          ))}
        </select>
      </label>
      {error.duration && <span className="field-error">{error.duration}</span>}
      <label>
        Reason <input name="reason" required minLength={3} maxLength={500} aria-invalid={!!error.reason} autoFocus />
      </label>
      {error.reason && (
        <span className="field-error" role="alert">
          {error.reason}
        </span>
      )}
      <button type="submit" className="primary">
        Shelve
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error.general && (
        <span className="field-error" role="alert">
          {error.general}
        </span>
      )}
    </form>
  );
}

/**
 * A comment on an alarm; on an unacknowledged one the same text can go with the acknowledgement
 * ("Acknowledge with comment"), so the reason is in the audit trail next to who acknowledged.
 */
function CommentForm({
  alarm,
  onSubmit,
  onAcknowledge,
  onCancel,
  onDone,
}: {
  alarm: AlarmDto;
  onSubmit(text: string): Promise<unknown>;
  onAcknowledge?(text: string): Promise<unknown>;
  onCancel(): void;
  onDone(): void;
}) {
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const text = String(new FormData(e.currentTarget).get('text') ?? '').trim();
    const submitter = (e.nativeEvent as SubmitEvent).submitter;
    const acknowledge = onAcknowledge && submitter?.getAttribute('value') === 'acknowledge';
    try {
      await (acknowledge ? onAcknowledge(text) : onSubmit(text));
      onDone();
    } catch (err) {
      const ui = toUiError(err, ['text', 'comment']);
      setError(ui.fields.text ?? ui.fields.comment ?? ui.message);
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`Comment on ${alarm.message}`}>
      <label>
        Comment <input name="text" required maxLength={1000} size={50} aria-invalid={!!error} autoFocus />
      </label>
      <button type="submit" className="primary" value="comment">
        Add comment
      </button>
      {onAcknowledge && (
        <button type="submit" value="acknowledge">
          Acknowledge with comment
        </button>
      )}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
