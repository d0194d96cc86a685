import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, expect, test, vi } from 'vitest';
import { initConfig } from '../../../config';
import { AuthProvider } from '../../../lib/auth';
import { sessionFromTokens, setSession } from '../../../lib/session';
import { fakeApi, fakeToken, type FakeRequest } from '../../../test/fake-api';
import { UsersPage } from './UsersPage';

const BOB = { id: 'b0b0b0b0b0b0b0b0b0b0b0b0', username: 'bob', email: 'bob@plant.example', roles: ['operator'], disabled: false, created_at: '2026-01-01T00:00:00Z', last_login_at: null };
const ADA = { ...BOB, id: 'ada0ada0ada0ada0ada0ada0', username: 'ada', email: 'ada@plant.example', roles: ['admin'] };
let seen: FakeRequest[];

function show(confirm: (text: string) => boolean) {
  return render(
    <AuthProvider>
      <MemoryRouter>
        <UsersPage confirm={confirm} />
      </MemoryRouter>
    </AuthProvider>,
  );
}

beforeEach(() => {
  initConfig({});
  setSession(sessionFromTokens({ access_token: fakeToken('ada', ['admin']), refresh_token: 'r', expires_in: 900 }));
  seen = fakeApi((req) => {
    if (req.method === 'GET' && req.url === '/users') return { status: 200, data: [ADA, BOB] };
    if (req.url.endsWith('/password')) {
      const pw = (req.body as { new_password: string }).new_password;
      return pw.length < 10
        ? { status: 400, data: { statusCode: 400, message: 'new_password must be at least 10 characters', details: [{ field: 'new_password', rule: 'minLength', message: 'new_password must be at least 10 characters' }] } }
        : { status: 200, data: BOB };
    }
    if (req.method === 'PATCH') return { status: 200, data: { ...BOB, roles: (req.body as { roles: string[] }).roles } };
    if (req.url.endsWith('/disable')) return { status: 200, data: { ...BOB, disabled: true } };
    return { status: 404, data: {} };
  });
});

test('a role change asks first, naming the user and both roles; declined, nothing is sent', async () => {
  const user = userEvent.setup();
  const confirm = vi.fn((_text: string) => false);
  show(confirm);
  const role = await screen.findByRole('combobox', { name: 'Role of bob' });
  await user.selectOptions(role, 'supervisor');
  expect(confirm).toHaveBeenCalledWith(expect.stringContaining('Change the role of bob from operator to supervisor?'));
  expect(seen.filter((r) => r.method === 'PATCH')).toEqual([]);
  expect(role).toHaveValue('operator');

  confirm.mockReturnValue(true);
  await user.selectOptions(role, 'supervisor');
  expect(await screen.findByText('bob is now supervisor.')).toBeInTheDocument();
  expect(seen.filter((r) => r.method === 'PATCH').map((r) => [r.url, r.body])).toEqual([[`/users/${BOB.id}/roles`, { roles: ['supervisor'] }]]);
});

test("an admin resets a user's password after a confirmation; the policy's message shows at the field", async () => {
  const user = userEvent.setup();
  const confirm = vi.fn((_text: string) => true);
  show(confirm);
  const row = (await screen.findByText('bob')).closest('tr')!;
  await user.click(within(row).getByRole('button', { name: 'Reset password' }));
  const form = screen.getByRole('form', { name: 'Reset the password of bob' });
  await user.type(within(form).getByLabelText('New password for bob'), 'short');
  await user.click(within(form).getByRole('button', { name: 'Set password' }));
  expect(confirm).toHaveBeenLastCalledWith(expect.stringContaining('Set a new password for bob?'));
  expect(await within(form).findByText('new_password must be at least 10 characters')).toBeInTheDocument();

  confirm.mockReturnValueOnce(false);
  const field = within(form).getByLabelText('New password for bob');
  await user.clear(field);
  await user.type(field, 'handed over at shift start');
  await user.click(within(form).getByRole('button', { name: 'Set password' }));
  expect(seen.filter((r) => r.url.endsWith('/password'))).toHaveLength(1);

  await user.click(within(form).getByRole('button', { name: 'Set password' }));
  expect(await screen.findByText('Password of bob reset; their sessions have ended.')).toBeInTheDocument();
  expect(seen.filter((r) => r.url.endsWith('/password')).map((r) => [r.url, r.body])).toEqual([
    [`/users/${BOB.id}/password`, { new_password: 'short' }],
    [`/users/${BOB.id}/password`, { new_password: 'handed over at shift start' }],
  ]);
  expect(screen.queryByRole('form', { name: 'Reset the password of bob' })).toBeNull();
});

test('a non-admin who opens the address is told so, and nothing is asked of the server (a 403 in the console before)', async () => {
  setSession(sessionFromTokens({ access_token: fakeToken('olga', ['operator']), refresh_token: 'r', expires_in: 900 }));
  show(() => true);
  expect(screen.getByText('Only admins manage users.')).toBeInTheDocument();
  // A request would have gone out by the next macrotask (the API's interceptors are promise steps).
  await new Promise((r) => setTimeout(r, 20));
  expect(seen).toEqual([]);
});

test('disabling a user asks first, saying their sessions end; declined, nothing is sent', async () => {
  const user = userEvent.setup();
  const confirm = vi.fn((_text: string) => false);
  show(confirm);
  const row = (await screen.findByText('bob')).closest('tr')!;
  await user.click(within(row).getByRole('button', { name: 'Disable' }));
  expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/^Disable bob\? Every session of bob ends at once/));
  expect(seen.filter((r) => r.url.endsWith('/disable'))).toEqual([]);

  confirm.mockReturnValue(true);
  await user.click(within(row).getByRole('button', { name: 'Disable' }));
  expect(await screen.findByText('bob disabled.')).toBeInTheDocument();
  expect(seen.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([`/users/${BOB.id}/disable`]);
});
