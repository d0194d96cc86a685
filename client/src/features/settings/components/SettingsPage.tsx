import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useAuth } from '../../../lib/auth';
import { toUiError, type UiError } from '../../../lib/errors';
import { dateTime, dateTimeSettings } from '../../../lib/format';
import { applyUserSettings } from '../../../lib/user-settings';
import { Field } from '../../../components/ui/Field';
import { getMe, updateMe } from '../api/me';

const LOCALES = ['en-GB', 'en-US', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL', 'pl-PL', 'pt-BR', 'sv-SE', 'ja-JP', 'zh-CN'];
const ZONES: string[] = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['UTC'];

/**
 * Your own settings: how dates and times read on every screen. Empty locale = ISO-like 24 h
 * (`2026-12-07 08:15:30`), the default; empty time zone = this browser's. Kept with your account.
 */
export function SettingsPage() {
  const { user } = useAuth();
  const [form, setForm] = useState(() => ({ locale: dateTimeSettings().locale ?? '', time_zone: dateTimeSettings().time_zone ?? '' }));
  const [error, setError] = useState<UiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [now] = useState(() => Date.now());
  // The stored settings arrive after the form is on screen: they must not overwrite what the user already typed.
  const edited = useRef(false);
  const edit = (change: Partial<typeof form>) => {
    edited.current = true;
    setForm((f) => ({ ...f, ...change }));
  };
  useEffect(() => {
    let live = true;
    getMe().then(
      (me) => live && !edited.current && setForm({ locale: me.locale ?? '', time_zone: me.time_zone ?? '' }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!user) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const me = await updateMe({ locale: form.locale.trim() || null, time_zone: form.time_zone.trim() || null });
      applyUserSettings(user.id, { locale: me.locale, time_zone: me.time_zone });
      setSaved(true);
    } catch (err) {
      setError(toUiError(err, ['locale', 'time_zone']));
    } finally {
      setBusy(false);
    }
  };
  const fields = error?.fields ?? {};
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <section className="panel" aria-labelledby="settings-title">
      <h2 id="settings-title">Your settings</h2>
      <form className="settings-form" onSubmit={submit} noValidate>
        <Field
          label="Date and time format (locale; empty = ISO-like 24 h)"
          name="locale"
          list="settings-locales"
          placeholder="ISO-like 24 h"
          value={form.locale}
          onChange={(e) => edit({ locale: e.target.value })}
          error={fields.locale}
        />
        <datalist id="settings-locales">
          {LOCALES.map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
        <Field
          label={`Time zone (empty = this browser's, ${browserZone})`}
          name="time_zone"
          list="settings-zones"
          placeholder={browserZone}
          value={form.time_zone}
          onChange={(e) => edit({ time_zone: e.target.value })}
          error={fields.time_zone}
        />
        <datalist id="settings-zones">
          {ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        {error && !Object.keys(fields).length && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
      </form>
      <p>
        Times now read like <strong className="num" data-testid="date-time-sample">{dateTime(now)}</strong>
        {saved && <span role="status"> · saved</span>}
      </p>
    </section>
  );
}
