import { useEffect, useSyncExternalStore } from 'react';
import { dateTimeSettings, setDateTimeSettings, type DateTimeSettings } from './format';
import { getMe } from '../features/settings/api/me';

/**
 * The signed-in user's display settings, kept on the server (`PATCH /auth/me`) and applied to the one
 * date-time format (`lib/format`). A copy per user in localStorage applies them at once on the next start,
 * before `/auth/me` answers. Screens re-render with the new format when the version changes.
 */
const KEY = (userId: string) => `idm.dateTime.${userId}`;
let version = 0;
const listeners = new Set<() => void>();

/** Applies settings everywhere (and remembers them for this user); screens showing times re-render. */
export function applyUserSettings(userId: string, s: DateTimeSettings): void {
  const before = dateTimeSettings();
  setDateTimeSettings(s);
  try {
    localStorage.setItem(KEY(userId), JSON.stringify(s));
  } catch {
    // Private mode or full storage: the server copy still applies on every start.
  }
  const after = dateTimeSettings();
  if (after.locale === before.locale && after.time_zone === before.time_zone) return;
  version += 1;
  listeners.forEach((l) => l());
}

function cached(userId: string): DateTimeSettings | null {
  try {
    const v = JSON.parse(localStorage.getItem(KEY(userId)) ?? 'null') as Partial<DateTimeSettings> | null;
    return v ? { locale: v.locale ?? null, time_zone: v.time_zone ?? null } : null;
  } catch {
    return null;
  }
}

/** A number that changes whenever the date-time settings do (a key for what must re-render). */
export function useDateTimeVersion(): number {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => version,
  );
}

/** Applies the user's cached settings at once, then the server's (their own copy wins). */
export function useUserSettingsSync(userId: string | undefined): void {
  useEffect(() => {
    if (!userId) return;
    const c = cached(userId);
    if (c) applyUserSettings(userId, c);
    let live = true;
    getMe().then(
      (me) => live && applyUserSettings(userId, { locale: me.locale ?? null, time_zone: me.time_zone ?? null }),
      () => undefined, // offline or refused: the cached (or default) format stays
    );
    return () => {
      live = false;
    };
  }, [userId]);
}
