import { isAxiosError } from 'axios';
import type { ErrorResponse } from '@idm/contracts';

/** A failed call as a screen shows it: one message, and one message per named field. */
export interface UiError {
  message: string;
  fields: Record<string, string>;
  status: number | null;
}

/**
 * Also puts a message without `details` on a field the message names (e.g. a 409 "username already
 * taken"), so it shows where the user will fix it.
 */
export function toUiError(err: unknown, fieldNames: readonly string[] = []): UiError {
  const e = baseError(err);
  if (!Object.keys(e.fields).length) {
    const named = fieldNames.find((f) => new RegExp(`\\b${f.replace('_', '[ _]')}\\b`, 'i').test(e.message));
    if (named) e.fields[named] = e.message;
  }
  return e;
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
