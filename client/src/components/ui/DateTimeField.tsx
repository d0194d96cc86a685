import { useId, useState } from 'react';
import { dateTimeInputExample, formatDateTimeInput, parseDateTimeInput } from '../../lib/date-input';

/** One typed date-time input's text and error; `read` checks it (showing the error by the input). */
export interface DateTimeFieldState {
  label: string;
  text: string;
  error: string | null;
  setText(text: string): void;
  /** The time typed, `null` when left empty and not required, `undefined` (and the error shown) when wrong. */
  read(required: boolean): number | null | undefined;
  /** Shows an error of the whole range on this field (e.g. "must be after From"). */
  fail(error: string): void;
}

const inputText = (t: number | null | undefined) => (t === null || t === undefined || !Number.isFinite(t) ? '' : formatDateTimeInput(t));

/** A date-time input's state, starting at `initial` (ms) or empty, and again whenever `resetKey` changes. */
export function useDateTimeField(label: string, initial: number | null | undefined, resetKey?: string): DateTimeFieldState {
  const [held, setHeld] = useState(() => ({ key: resetKey, text: inputText(initial) }));
  const [error, setError] = useState<string | null>(null);
  let text = held.text;
  const reset = held.key !== resetKey;
  if (reset) {
    // A new search or range was applied elsewhere: show it (React's way to reset state from a prop).
    text = inputText(initial);
    setHeld({ key: resetKey, text });
    setError(null);
  }
  const setText = (t: string) => setHeld({ key: resetKey, text: t });
  return {
    label,
    text,
    error: reset ? null : error,
    setText: (t) => {
      setText(t);
      setError(null);
    },
    read: (required) => {
      if (!required && !text.trim()) {
        setError(null);
        return null;
      }
      const r = parseDateTimeInput(text);
      setError(r.ok ? null : `${label}: ${r.error}`);
      return r.ok ? r.t : undefined;
    },
    fail: (e) => setError(`${label}: ${e}`),
  };
}

/**
 * A date-time input in the product's format (`2026-12-07 14:05`, or the user's locale), never the browser's
 * own: a text input checked when it is left or its form is sent, the error said beside it naming the field.
 */
export function DateTimeField({ field, name, disabled, required, emptyMeans }: { field: DateTimeFieldState; name?: string; disabled?: boolean; required?: boolean; emptyMeans?: string }) {
  const id = useId();
  const errId = `${id}-err`;
  return (
    <span className="date-time-field">
      <label htmlFor={id}>{field.label}</label>{' '}
      <input
        id={id}
        name={name}
        type="text"
        inputMode="text"
        autoComplete="off"
        spellCheck={false}
        size={17}
        // An optional bound says what leaving it empty means: an example date there read as a filter already set.
        placeholder={emptyMeans ?? dateTimeInputExample()}
        title={`A date and time like ${dateTimeInputExample()}`}
        value={field.text}
        disabled={disabled}
        aria-required={required}
        aria-invalid={!!field.error}
        aria-describedby={field.error ? errId : undefined}
        onChange={(e) => field.setText(e.target.value)}
        onBlur={() => !disabled && field.read(!!required)}
      />
      {field.error && (
        <span id={errId} className="field-error" role="alert">
          {field.error}
        </span>
      )}
    </span>
  );
}

/** Reads a From/To pair: both times, or `null` with the error shown on the field that is wrong. */
export function readRange(from: DateTimeFieldState, to: DateTimeFieldState, required: boolean): { from: number | null; to: number | null } | null {
  const a = from.read(required);
  const b = to.read(required);
  if (a === undefined || b === undefined) return null;
  if (a !== null && b !== null && b <= a) {
    to.fail(`must be after ${from.label} (${formatDateTimeInput(a)})`);
    return null;
  }
  return { from: a, to: b };
}

/**
 * A custom From/To range typed in the product's format, applied with Enter or Apply; give it a `key` of
 * the shown range so it shows a range picked elsewhere (a preset, a zoom).
 */
export function TimeRangeForm({ from, to, onApply }: { from: number; to: number; onApply(from: number, to: number): void }) {
  const a = useDateTimeField('From', from);
  const b = useDateTimeField('To', to);
  return (
    <form
      className="range-form"
      aria-label="Date range"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const r = readRange(a, b, true);
        if (r?.from != null && r.to != null) onApply(r.from, r.to);
      }}
    >
      <DateTimeField field={a} required />
      <DateTimeField field={b} required />
      <button type="submit">Apply</button>
    </form>
  );
}
