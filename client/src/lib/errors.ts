import { isAxiosError } from 'axios';
import type { ErrorResponse } from '@idm/contracts';

/** A failed call as a screen shows it: one message, and one message per named field. */
export interface UiError {
  message: string;
  fields: Record<string, string>;
  status: number | null;
}

/**
 * With `fieldNames` (the fields a form shows), keeps only messages for those fields, matched by their
 * root (`recipients[2]` → `recipients`), and puts a message without `details` on a field it names (a 409
 * "username already taken"), so it shows where the user will fix it. When no shown field has a message,
 * `fields` is empty and the form shows `message` instead: nothing the server said is ever hidden.
 */
export function toUiError(err: unknown, fieldNames?: readonly string[]): UiError {
  const e = baseError(err);
  if (!fieldNames) return e;
  const fields: Record<string, string> = {};
  for (const [path, msg] of Object.entries(e.fields)) {
    const root = path.split(/[.[]/)[0];
    if (fieldNames.includes(root) && !fields[root]) fields[root] = msg;
  }
  if (!Object.keys(fields).length && !Object.keys(e.fields).length) {
    const named = fieldNames.find((f) => new RegExp(`\\b${f.replace('_', '[ _]')}\\b`, 'i').test(e.message));
    if (named) fields[named] = e.message;
  }
  return { ...e, fields };
}

function baseError(err: unknown): UiError {
  if (isAxiosError(err)) {
    const data = err.response?.data as Partial<ErrorResponse> | undefined;
    const fields: Record<string, string> = {};
    for (const d of data?.details ?? []) {
      if (d.field && !fields[d.field]) fields[d.field] = d.message;
    }
    const message =
      typeof data?.message === 'string'
        ? data.message
        : err.response
          ? `${err.response.status} ${err.response.statusText}`
          : 'The server cannot be reached';
    return { message, fields, status: err.response?.status ?? null };
  }
  return { message: err instanceof Error ? err.message : String(err), fields: {}, status: null };
}
