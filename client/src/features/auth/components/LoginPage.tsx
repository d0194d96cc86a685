import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../../../lib/auth';
import { toUiError, type UiError } from '../../../lib/errors';
import { Field } from '../../../components/ui/Field';
import { login } from '../api/login';

export function LoginPage() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const from = (location.state as { from?: string } | null)?.from ?? '/overview';
  const { registered, role } = (location.state as { registered?: string; role?: string } | null) ?? {};

  if (user) return <Navigate to={from} replace />;

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await login({ username: String(form.get('username')), password: String(form.get('password')) });
      navigate(from, { replace: true });
    } catch (err) {
      setError(toUiError(err, ['username', 'password']));
    } finally {
      setBusy(false);
    }
  };

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
        <Field label="Username or e-mail" name="username" autoComplete="username" required autoFocus error={error?.fields.username} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={error?.fields.password} />
        {error && !Object.keys(error.fields).length && (
          <p className="form-error" role="alert">
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
