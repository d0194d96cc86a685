import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';
import type { AlarmDto } from '@idm/contracts';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { isUnacked } from '../../../lib/live/alarm-state';
import { clock } from '../../../lib/format';
import { assetPath } from '../../../lib/routes';
import { toUiError } from '../../../lib/errors';
import { useRowWindow } from '../../../lib/use-row-window';
import { NO_SOURCES, sourceName, sourceTitle, type AlarmSources } from '../../../lib/alarm-sources';
import { alarmLineParts } from '../../../lib/alarm-text';
import { alarmValue, stateLabel, stateWord } from './alarm-labels';
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
 * row is marked and scrolled to, and its history opened. `sources` names devices and assets (their id in
 * the tooltip) and gives each value its tag's unit or state word.
 *
 * A flood of a thousand alarms stays quick: rows are memoised (a sort or a filter re-renders only rows
 * whose alarm or flags changed) and above a few screens of rows only those near the viewport are in the
 * DOM (`useRowWindow`), the rest being spacer height.
 */
export function AlarmList({
  alarms: given,
  actions,
  focusId,
  firstOut,
  sources = NO_SOURCES,
}: {
  alarms: readonly AlarmDto[];
  actions?: AlarmActions;
  focusId?: string;
  firstOut?: ReadonlySet<string>;
  sources?: AlarmSources;
}) {
  const [sort, setSort] = useState<AlarmSort>(DEFAULT_SORT);
  const alarms = useMemo(() => sortAlarmsBy(given, sort, (a) => sourceName(sources, a)), [given, sort, sources]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState<Open>(focusId ? { id: focusId, kind: 'history' } : null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const rowWin = useRowWindow(alarms.length, bodyRef, 'tr.alarm-row');
  /** A row to focus (or scroll to) once it is rendered: the window may not hold it yet. */
  const pending = useRef<{ id: string; how: 'focus' | 'scroll' } | null>(null);
  const rowEl = (id: string) => [...(bodyRef.current?.querySelectorAll<HTMLElement>('tr[data-alarm-id]') ?? [])].find((r) => r.getAttribute('data-alarm-id') === id);
  useEffect(() => {
    const p = pending.current;
    const row = p && rowEl(p.id);
    if (!p || !row) return;
    pending.current = null;
    if (p.how === 'focus') row.focus();
    else row.scrollIntoView?.({ block: 'center' });
  });
  const latest = useRef({ alarms, reveal: rowWin.reveal });
  latest.current = { alarms, reveal: rowWin.reveal };
  const bring = useCallback((id: string, how: 'focus' | 'scroll') => {
    const row = rowEl(id);
    if (row) {
      if (how === 'focus') row.focus();
      else row.scrollIntoView?.({ block: 'center' });
      return;
    }
    pending.current = { id, how };
    latest.current.reveal(latest.current.alarms.findIndex((a) => a.id === id));
  }, []);
  useEffect(() => {
    if (!focusId) return;
    setOpen({ id: focusId, kind: 'history' });
    bring(focusId, 'scroll');
  }, [focusId, bring]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The alarms an "acknowledge all" would cover, while it waits for confirmation (ISA-18.2: no blind acknowledgement). */
  const [confirmAll, setConfirmAll] = useState<string[] | null>(null);
  const unacked = useMemo(() => alarms.filter(isUnacked), [alarms]);
  const chosen = unacked.filter((a) => selected.has(a.id)).map((a) => a.id);

  const run = useCallback(async (fn: () => Promise<unknown>) => {
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
  }, []);

  // Stable handlers, so a memoised row re-renders only when its own props change.
  const toggle = useCallback(
    (id: string) =>
      setSelected((s) => {
        const n = new Set(s);
        if (n.has(id)) n.delete(id);
        else n.add(id);
        return n;
      }),
    [],
  );
  const toggleOpen = useCallback((id: string, kind: NonNullable<Open>['kind']) => setOpen((o) => (o?.id === id && o.kind === kind ? null : { id, kind })), []);
  const rowActions = useMemo<RowActions | undefined>(
    () =>
      actions && {
        acknowledge: (id) => void run(() => actions.acknowledge([id])),
        unshelve: (id) => void run(() => actions.unshelve(id)),
      },
    [actions, run],
  );
  const busyRef = useRef(busy);
  busyRef.current = busy;
  /** Keys on a focused row (not on its buttons or boxes): arrows move, Enter opens, A acknowledges. */
  const onRowKey = useCallback(
    (e: KeyboardEvent<HTMLTableRowElement>, a: AlarmDto) => {
      if (e.target !== e.currentTarget || e.altKey || e.ctrlKey || e.metaKey) return;
      const list = latest.current.alarms;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const i = list.findIndex((x) => x.id === a.id);
        const next = list[Math.max(0, Math.min(list.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
        if (next) bring(next.id, 'focus');
      } else if (e.key === 'Enter') {
        e.preventDefault();
        toggleOpen(a.id, 'history');
      } else if ((e.key === 'a' || e.key === 'A') && rowActions && isUnacked(a) && !busyRef.current) {
        e.preventDefault();
        rowActions.acknowledge(a.id);
      }
    },
    [bring, toggleOpen, rowActions],
  );

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

  if (!alarms.length) return <p className="calm">No alarms need attention.</p>;

  const columns = actions ? 8 : 7;
  const shown = alarms.slice(rowWin.start, rowWin.end);
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
      <table className="grid alarm-table" aria-rowcount={rowWin.enabled ? alarms.length + 1 : undefined}>
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
        <tbody ref={bodyRef}>
          {rowWin.start > 0 && <tr className="row-spacer" aria-hidden="true" style={{ height: rowWin.start * rowWin.rowHeight }} />}
          {shown.map((a) => {
            const isOpen = open?.id === a.id ? open.kind : null;
            return [
              <AlarmRow
                key={a.id}
                alarm={a}
                openKind={isOpen}
                selected={selected.has(a.id)}
                firstOut={!!firstOut?.has(a.id)}
                focused={a.id === focusId}
                sources={sources}
                busy={busy}
                actions={rowActions}
                onToggle={toggle}
                onOpen={toggleOpen}
                onKey={onRowKey}
              />,
              isOpen && (isOpen === 'history' || actions) && (
                <tr key={`${a.id}-form`} className="alarm-form-row">
                  <td colSpan={columns}>
                    {isOpen === 'history' ? (
                      <AlarmHistory alarm={a} />
                    ) : !actions ? null : isOpen === 'shelve' ? (
                      <ShelveForm alarm={a} onCancel={() => setOpen(null)} onSubmit={(m, r) => actions.shelve(a.id, m, r)} onDone={() => setOpen(null)} />
                    ) : (
                      <CommentForm
                        alarm={a}
                        onCancel={() => setOpen(null)}
                        onSubmit={(t) => actions.comment(a.id, t)}
                        onAcknowledge={isUnacked(a) ? (t) => actions.acknowledge([a.id], t) : undefined}
                        onDone={() => setOpen(null)}
                      />
                    )}
                  </td>
                </tr>
              ),
            ];
          })}
          {rowWin.end < alarms.length && <tr className="row-spacer" aria-hidden="true" style={{ height: (alarms.length - rowWin.end) * rowWin.rowHeight }} />}
        </tbody>
      </table>
    </div>
  );
}

/** What a row can do by itself (bound to the list's error and busy state). */
interface RowActions {
  acknowledge(id: string): void;
  unshelve(id: string): void;
}

/** One alarm's line; memoised: it renders again only when its alarm, its flags or the busy state change. */
const AlarmRow = memo(function AlarmRow({
  alarm: a,
  openKind,
  selected,
  firstOut,
  focused,
  sources,
  busy,
  actions,
  onToggle,
  onOpen,
  onKey,
}: {
  alarm: AlarmDto;
  openKind: NonNullable<Open>['kind'] | null;
  selected: boolean;
  firstOut: boolean;
  focused: boolean;
  sources: AlarmSources;
  busy: boolean;
  actions?: RowActions;
  onToggle(id: string): void;
  onOpen(id: string, kind: NonNullable<Open>['kind']): void;
  onKey(e: KeyboardEvent<HTMLTableRowElement>, a: AlarmDto): void;
}) {
  const un = isUnacked(a);
  const name = sourceName(sources, a);
  const value = alarmValue(a, sources.tags);
  const line = alarmLineParts(a);
  return (
    <tr
      className={`alarm-row prio-row-${a.priority}${un ? ' unacked' : ''}${a.state === 'shelved' ? ' shelved' : ''}${focused ? ' focused' : ''}`}
      data-alarm-id={a.id}
      data-state={a.state}
      aria-current={focused ? 'true' : undefined}
      tabIndex={0}
      onKeyDown={(e) => onKey(e, a)}
    >
      {actions && <td>{un && <input type="checkbox" aria-label={`Select ${a.message}`} checked={selected} onChange={() => onToggle(a.id)} />}</td>}
      <td>
        <PriorityBadge priority={a.priority} unacked={un} />
      </td>
      <td className="num raised">
        {clock(a.raised_at)}
        {firstOut && (
          <span className="first-out" title="First out: the first alarm of the flood">
            1st
          </span>
        )}
      </td>
      <td className="source">
        <span className="src-line">
          {a.sensor_id ? (
            <Link to={`/sensors/${encodeURIComponent(a.sensor_id)}`} title={sourceTitle(sources, a)}>
              {name}
            </Link>
          ) : a.source_type === 'asset' ? (
            // An equipment-health alarm leads to the asset view: which sensors drove it, against their trends.
            <Link to={assetPath(a.source_id)} title={sourceTitle(sources, a)}>
              {name}
            </Link>
          ) : (
            <span className="src-name" title={sourceTitle(sources, a)}>
              {name}
            </span>
          )}
        </span>
      </td>
      {/* A device's live comm status follows its message (beside the source it cut the PLC's name to "PLC 02 …"). */}
      <td className="msg" title={a.message}>
        {/* What is wrong reads whole; the tag's description after it is what ends in an ellipsis. */}
        <span className="msg-text">{line.problem}</span>
        {line.context && <span className="msg-context"> · {line.context}</span>}
        {a.source_type === 'device' && <DeviceCommStatus deviceId={a.source_id} />}
      </td>
      <td className={a.last_reading && a.last_reading !== 'good' ? 'num value bad-reading' : 'num value'}>
        {value.text}
        {value.unit && <span className="unit"> {value.unit}</span>}
      </td>
      {/* One short word (as on the tiles); the full state, with who and until when, in its tooltip and for screen readers. */}
      <td className="state" title={stateLabel(a)}>
        <span aria-hidden="true">{stateWord(a)}</span>
        <span className="sr-only">{stateLabel(a)}</span>
      </td>
      {/* Ack keeps its word (the action an operator looks for); the others are icons named in tooltip and aria-label,
          so the message keeps the room at 1280 px. */}
      <td>
        <div className="actions">
          <button type="button" className="icon" aria-expanded={openKind === 'history'} onClick={() => onOpen(a.id, 'history')} aria-label="History" title="History">
            ↺
          </button>
          {actions && (
            <>
              {un && (
                <button type="button" disabled={busy} onClick={() => actions.acknowledge(a.id)} aria-label={`Acknowledge ${a.message}`} title="Acknowledge">
                  Ack
                </button>
              )}
              {a.state === 'shelved' ? (
                <button type="button" className="icon" disabled={busy} onClick={() => actions.unshelve(a.id)} aria-label="Unshelve" title="Unshelve">
                  ⇧
                </button>
              ) : (
                a.state !== 'out_of_service' && (
                  <button type="button" className="icon" aria-expanded={openKind === 'shelve'} onClick={() => onOpen(a.id, 'shelve')} aria-label="Shelve" title="Shelve">
                    ⇩
                  </button>
                )
              )}
              <button type="button" className="icon" aria-expanded={openKind === 'comment'} onClick={() => onOpen(a.id, 'comment')} aria-label="Comment" title="Comment">
                ✎
              </button>
            </>
          )}
        </div>
      </td>
    </tr>
  );
});

export function ShelveForm({ alarm, onSubmit, onCancel, onDone }: { alarm: AlarmDto; onSubmit(minutes: number, reason: string): Promise<unknown>; onCancel(): void; onDone(): void }) {
  const [error, setError] = useState<{ reason?: string; duration?: string; general?: string }>({});
  const id = useId();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const minutes = Number(f.get('duration'));
    const reason = String(f.get('reason') ?? '').trim();
    // Our own check, naming the field (the browser's bubble says neither which field nor why).
    const bad = {
      reason: reason.length < 3 ? 'Reason: say why the alarm is shelved (at least 3 characters)' : reason.length > 500 ? 'Reason: at most 500 characters' : undefined,
      duration: SHELVE_MINUTES.includes(minutes) ? undefined : 'Shelve for: choose one of the durations (15 min to 24 h)',
    };
    setError(bad);
    if (bad.reason || bad.duration) {
      (e.currentTarget.elements.namedItem(bad.reason ? 'reason' : 'duration') as HTMLElement).focus();
      return;
    }
    try {
      await onSubmit(minutes, reason);
      onDone();
    } catch (err) {
      const ui = toUiError(err, ['reason', 'duration_minutes']);
      setError({ reason: ui.fields.reason, duration: ui.fields.duration_minutes, general: Object.keys(ui.fields).length ? undefined : ui.message });
    }
  };
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label={`Shelve ${alarm.message}`}>
      <label>
        Shelve for{' '}
        <select name="duration" defaultValue="60" aria-invalid={!!error.duration} aria-describedby={error.duration ? `${id}-duration` : undefined}>
          {SHELVE_MINUTES.map((m) => (
            <option key={m} value={m}>
              {m < 60 ? `${m} min` : `${m / 60} h`}
            </option>
          ))}
        </select>
      </label>
      {error.duration && (
        <span id={`${id}-duration`} className="field-error" role="alert">
          {error.duration}
        </span>
      )}
      <label>
        Reason <input name="reason" required minLength={3} maxLength={500} aria-invalid={!!error.reason} aria-describedby={error.reason ? `${id}-reason` : undefined} autoFocus />
      </label>
      {error.reason && (
        <span id={`${id}-reason`} className="field-error" role="alert">
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
