import { useId, useState, type FormEvent } from 'react';
import { isAxiosError } from 'axios';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../../../lib/auth';
import { toUiError, type UiError } from '../../../lib/errors';
import { Field } from '../../../components/ui/Field';
import { clock, duration } from '../../../lib/format';
import { login } from '../api/login';

export function LoginPage() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const formErrorId = useId();
  const from = (location.state as { from?: string } | null)?.from ?? '/overview';
  const { registered, role } = (location.state as { registered?: string; role?: string } | null) ?? {};

  if (user) return <Navigate to={from} replace />;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    setBusy(true);
    setError(null);
    try {
      await login({ username: String(form.get('username')), password: String(form.get('password')) });
      navigate(from, { replace: true });
    } catch (err) {
      const ui = loginError(err);
      setError(ui);
      // A field the server named takes the focus; a refusal (wrong or throttled) means typing the password
      // again, so it is emptied and takes the focus (the username stays).
      const named = Object.keys(ui.fields)[0];
      const input = formEl.elements.namedItem(named ?? 'password') as HTMLInputElement;
      if (!named) input.value = '';
      input.focus();
    } finally {
      setBusy(false);
    }
  };

  // A refusal that no field alone causes (wrong credentials, throttled) is said once above the button,
  // and both fields point at it: the server never says which of the two was wrong.
  const formLevel = !!error && !Object.keys(error.fields).length;
  const formErrorProps = formLevel && error?.status === 401 ? { 'aria-invalid': true, 'aria-describedby': formErrorId } : {};

  return (
    <main className="auth-screen">
      <form className="auth-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">IDM sign in</h1>
        {registered && (
          <p className="notice">
            Account {registered} created{role ? ` with the ${role} role` : ''}: sign in.
            {role === 'viewer' && ' Viewers watch but cannot acknowledge alarms; an admin can change your role.'}
          </p>
        )}
        <Field label="Username or e-mail" name="username" autoComplete="username" required autoFocus error={error?.fields.username} {...formErrorProps} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={error?.fields.password} {...formErrorProps} />
        {formLevel && (
          <p id={formErrorId} className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted">
          No account? <Link to="/register">Register</Link>
        </p>
      </form>
    </main>
  );
}

/** The sign-in refusal as the form shows it; a throttled one (429) says when to try again from Retry-After. */
function loginError(err: unknown): UiError {
  const e = toUiError(err, ['username', 'password']);
  if (e.status === 401) return { ...e, fields: {} };
  if (e.status !== 429 || !isAxiosError(err)) return e;
  const seconds = Number(err.response?.headers?.['retry-after']);
  if (!Number.isFinite(seconds) || seconds <= 0) return { ...e, fields: {} };
  const at = Date.now() + seconds * 1000;
  return { ...e, fields: {}, message: `Too many failed sign-ins: try again at ${clock(at)} (in ${duration(seconds * 1000)}).` };
}
