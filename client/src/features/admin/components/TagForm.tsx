import { useState, type FormEvent } from 'react';
import { ALARM_PRIORITIES, isBoolTag, type TagDto } from '@idm/contracts';
import { Field } from '../../../components/ui/Field';
import { toUiError, type UiError } from '../../../lib/errors';
import { updateTag } from '../api/devices';

const LIMITS = [
  ['lolo', 'Low-low (LL)'],
  ['lo', 'Low (L)'],
  ['hi', 'High (H)'],
  ['hihi', 'High-high (HH)'],
] as const;

/** The fields the form shows a server message at. */
const SHOWN = new Set(['description', 'area', 'unit', 'limits', ...LIMITS.map(([k]) => `limits.${k}`), 'physical_min', 'physical_max', 'alarm_priority', 'state_words']);

/**
 * Changes a tag on screen: description, area, unit, alarm limits, physical range, a fixed alarm priority
 * and, for a bool, its state words. An emptied limit is removed; the binding (registers, node, topic) is
 * changed through the device file. The server's 400 names the field, shown at it.
 */
export function TagForm({ tag, onSaved, onCancel }: { tag: TagDto; onSaved: (t: TagDto) => void; onCancel: () => void }) {
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const bool = isBoolTag(tag);
  const perCondition = typeof tag.alarm_priority === 'object';
  const num = (v: number | undefined) => (v === undefined ? '' : String(v));

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const body: Record<string, unknown> = { description: text('description'), area: text('area'), unit: text('unit') };
    const bad: Record<string, string> = {};
    const number = (k: string, field: string): number | undefined => {
      const v = text(k);
      if (!v) return undefined;
      const n = Number(v.replace(',', '.'));
      if (!Number.isFinite(n)) bad[field] = `${field} must be a number`;
      return n;
    };
    if (!bool) {
      const limits: Record<string, number> = {};
      for (const [k] of LIMITS) {
        const n = number(k, `limits.${k}`);
        if (n !== undefined) limits[k] = n;
      }
      if (tag.limits?.deadband !== undefined) limits.deadband = tag.limits.deadband;
      body.limits = limits;
      for (const k of ['physical_min', 'physical_max'] as const) {
        const n = number(k, k);
        if (n !== undefined) body[k] = n;
      }
    } else {
      body.state_words = text('word0') && text('word1') ? { '0': text('word0'), '1': text('word1') } : null;
    }
    const priority = text('alarm_priority');
    if (priority !== 'per-condition') body.alarm_priority = priority || null;
    if (Object.keys(bad).length) {
      setError({ message: 'Some values are not numbers', fields: bad, status: null });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSaved(await updateTag(tag.sensor_id, body));
    } catch (err) {
      // The registry names a field `tags[<id>].limits.lo`, the body check `limits.lo`: the form shows both at the field.
      const ui = toUiError(err);
      const fields = Object.fromEntries(
        Object.entries(ui.fields)
          .map(([k, v]) => [k.replace(/^tags\[[^\]]*\]\./, '').replace(/^(alarm_priority|state_words)\..*/, '$1'), v])
          .filter(([k]) => SHOWN.has(k)),
      );
      setError({ ...ui, fields });
    } finally {
      setBusy(false);
    }
  };

  const fe = (k: string) => error?.fields[k];
  return (
    <form className="device-form tag-form" onSubmit={submit} noValidate aria-label={`Change tag ${tag.sensor_id}`}>
      <h3>Change tag {tag.sensor_id}</h3>
      <Field label="Description" name="description" defaultValue={tag.description} error={fe('description')} />
      <Field label="Area" name="area" defaultValue={tag.area} error={fe('area')} />
      {!bool && <Field label="Unit" name="unit" defaultValue={tag.unit} error={fe('unit')} />}
      {!bool && <Field label="Physical minimum" name="physical_min" inputMode="decimal" defaultValue={num(tag.physical_min)} error={fe('physical_min')} />}
      {!bool && <Field label="Physical maximum" name="physical_max" inputMode="decimal" defaultValue={num(tag.physical_max)} error={fe('physical_max')} />}
      {bool && <Field label="Word for 0" name="word0" maxLength={16} defaultValue={tag.state_words?.['0'] ?? ''} placeholder="OFF" error={fe('state_words')} />}
      {bool && <Field label="Word for 1" name="word1" maxLength={16} defaultValue={tag.state_words?.['1'] ?? ''} placeholder="ON" />}
      <div className="field">
        <label>
          Alarm priority{' '}
          <select name="alarm_priority" defaultValue={perCondition ? 'per-condition' : ((tag.alarm_priority as string | undefined) ?? '')}>
            <option value="">by the episode's severity</option>
            {perCondition && <option value="per-condition">per condition (as stored)</option>}
            {ALARM_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        {fe('alarm_priority') && <p className="field-error">{fe('alarm_priority')}</p>}
      </div>
      {!bool && (
        // The four limits side by side in their order (LL L H HH), as a row of the grid of its own.
        <fieldset className="tag-limits">
          <legend>Alarm limits (empty: none)</legend>
          {LIMITS.map(([k, label]) => (
            <Field key={k} label={label} name={k} inputMode="decimal" defaultValue={num(tag.limits?.[k])} error={fe(`limits.${k}`) ?? (k === 'lolo' ? fe('limits') : undefined)} />
          ))}
        </fieldset>
      )}
      <p>
        <button type="submit" className="primary" disabled={busy}>
          Save tag
        </button>{' '}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </p>
      {error && !Object.keys(error.fields).length && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
    </form>
  );
}
