import { useId, type InputHTMLAttributes } from 'react';

/**
 * A labelled input with the server's message for this field shown right under it, and an optional `hint`
 * (live help such as a schedule in words) that screen readers read as its description too.
 */
export function Field({ label, error, hint, ...input }: { label: string; error?: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const describedBy = [error && errId, hint && hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={!!error} aria-describedby={describedBy} {...input} />
      {error && (
        <p id={errId} className="field-error" role="alert">
          {error}
        </p>
      )}
      {hint && (
        <p id={hintId} className="field-hint" aria-live="polite">
          {hint}
        </p>
      )}
    </div>
  );
}
