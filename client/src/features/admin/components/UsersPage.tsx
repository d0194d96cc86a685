import { useState, type FormEvent } from 'react';
import { ROLES, highestRole, type Role, type UserDto } from '@idm/contracts';
import { Field } from '../../../components/ui/Field';
import { useAuth } from '../../../lib/auth';
import { dateTime } from '../../../lib/format';
import { toUiError, type UiError } from '../../../lib/errors';
import { useResource } from '../../../lib/use-resource';
import { createUser, listUsers, resetUserPassword, setUserDisabled, setUserRoles } from '../api/users';

/**
 * Admin: every user with their role; change a role, reset a password or disable (each after a confirmation
 * naming the user), enable, add a user.
 */
export function UsersPage(props: { confirm?(text: string): boolean }) {
  const { can } = useAuth();
  // Asked before any request: a non-admin who opens the address got a 403 in the console behind this text.
  if (!can('admin')) return <p className="panel">Only admins manage users.</p>;
  return <UsersAdmin {...props} />;
}

function UsersAdmin({ confirm = (text: string) => window.confirm(text) }: { confirm?(text: string): boolean }) {
  const { user: me } = useAuth();
  const users = useResource(listUsers, 'users');
  const [error, setError] = useState<string | null>(null);
  const [createError, setCreateError] = useState<UiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // The user whose password is being reset (the form shows under their row), and its error.
  const [resetting, setResetting] = useState<UserDto | null>(null);
  const [resetError, setResetError] = useState<UiError | null>(null);


  const act = async (fn: () => Promise<UserDto>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await fn();
      setNotice(done);
      users.reload();
    } catch (err) {
      setError(toUiError(err).message);
    }
  };

  const changeRole = (u: UserDto, role: Role) => {
    const from = highestRole(u.roles);
    if (role === from) return;
    const self = u.id === me?.id ? ' This is your own account.' : '';
    if (!confirm(`Change the role of ${u.username} from ${from} to ${role}?${self} It applies to their next action.`)) return;
    void act(() => setUserRoles(u.id, [role]), `${u.username} is now ${role}.`);
  };

  // Disabling signs the user out everywhere at once (a control-room screen included), so it is asked first.
  const toggleDisabled = (u: UserDto) => {
    if (!u.disabled && !confirm(`Disable ${u.username}? Every session of ${u.username} ends at once (a control-room screen signed in as ${u.username} too) and they cannot sign in until enabled again.`)) return;
    void act(() => setUserDisabled(u.id, !u.disabled), `${u.username} ${u.disabled ? 'enabled' : 'disabled'}.`);
  };

  const resetPassword = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!resetting) return;
    const password = String(new FormData(e.currentTarget).get('new_password'));
    if (!confirm(`Set a new password for ${resetting.username}? Every session of ${resetting.username} ends; they sign in with the new password.`)) return;
    setResetError(null);
    try {
      await resetUserPassword(resetting.id, password);
      setNotice(`Password of ${resetting.username} reset; their sessions have ended.`);
      setResetting(null);
    } catch (err) {
      setResetError(toUiError(err, ['new_password']));
    }
  };

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setCreateError(null);
    try {
      const u = await createUser({ username: String(f.get('username')), email: String(f.get('email')), password: String(f.get('password')), roles: [String(f.get('role')) as Role] });
      setNotice(`User ${u.username} added as ${highestRole(u.roles)}.`);
      form.reset();
      users.reload();
    } catch (err) {
      setCreateError(toUiError(err, ['username', 'email', 'password', 'roles']));
    }
  };

  return (
    <>
      <section className="panel" aria-labelledby="users-title">
        <h2 id="users-title">Users and roles</h2>
        {notice && <p className="notice">{notice}</p>}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {users.error && <p className="form-error">{users.error.message}</p>}
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {(users.data ?? []).map((u) => (
              <tr key={u.id}>
                <td>{u.username}</td>
                <td>{u.email}</td>
                <td>
                  <select aria-label={`Role of ${u.username}`} value={highestRole(u.roles)} onChange={(e) => changeRole(u, e.target.value as Role)}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="num">{dateTime(u.last_login_at)}</td>
                <td>{u.disabled ? <strong>DISABLED</strong> : 'active'}</td>
                <td>
                  {u.id !== me?.id && (
                    <button type="button" onClick={() => toggleDisabled(u)}>
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                  )}{' '}
                  <button
                    type="button"
                    onClick={() => {
                      setResetError(null);
                      setResetting(u);
                    }}
                  >
                    Reset password
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {resetting && (
          <form className="filters" onSubmit={(e) => void resetPassword(e)} noValidate aria-label={`Reset the password of ${resetting.username}`}>
            <Field label={`New password for ${resetting.username}`} name="new_password" type="password" autoComplete="new-password" required error={resetError?.fields.new_password} />
            <button type="submit" className="primary">
              Set password
            </button>
            <button type="button" onClick={() => setResetting(null)}>
              Cancel
            </button>
            {resetError && !Object.keys(resetError.fields).length && <span className="form-error">{resetError.message}</span>}
          </form>
        )}
      </section>
      <section className="panel" aria-labelledby="add-user-title">
        <h2 id="add-user-title">Add a user</h2>
        <form className="filters" onSubmit={create} noValidate>
          <Field label="Username" name="username" required error={createError?.fields.username} />
          <Field label="E-mail" name="email" type="email" required error={createError?.fields.email} />
          <Field label="Password" name="password" type="password" autoComplete="new-password" required error={createError?.fields.password} />
          <label>
            Role
            <select name="role" defaultValue="operator">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary">
            Add user
          </button>
        </form>
        {createError && !Object.keys(createError.fields).length && <p className="form-error">{createError.message}</p>}
      </section>
    </>
  );
}
