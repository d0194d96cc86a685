import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { toUiError, type UiError } from '../../../lib/errors';
import { Field } from '../../../components/ui/Field';
import { register } from '../api/register';

export function RegisterPage() {
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const user = await register({
        username: String(form.get('username')),
        email: String(form.get('email')),
        password: String(form.get('password')),
      });
      navigate('/login', { state: { registered: user.username, role: user.roles[0] } });
    } catch (err) {
      setError(toUiError(err, ['username', 'email', 'password']));
    } finally {
      setBusy(false);
    }
  };

  const fields = error?.fields ?? {};
  return (
    <main className="auth-screen">
      <form className="auth-card" onSubmit={submit} aria-labelledby="register-title" noValidate>
        <h1 id="register-title">Create an IDM account</h1>
        <Field label="Username" name="username" autoComplete="username" required error={fields.username} />
        <Field label="E-mail" name="email" type="email" autoComplete="email" required error={fields.email} />
        <Field label="Password (10+ characters)" name="password" type="password" autoComplete="new-password" required error={fields.password} />
        {error && !Object.keys(fields).length && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
        <p className="muted">
          Have an account? <Link to="/login">Sign in</Link>
        </p>
      </form>
    </main>
  );
}
