import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { beforeEach, expect, test } from 'vitest';
import { initConfig } from '../../../config';
import { AuthProvider } from '../../../lib/auth';
import { fakeApi } from '../../../test/fake-api';
import { LoginPage } from './LoginPage';

beforeEach(() => initConfig({}));

function show() {
  const router = createMemoryRouter([{ path: '/login', element: <LoginPage /> }], { initialEntries: ['/login'] });
  render(
    <AuthProvider>
      <RouterProvider router={router} />
    </AuthProvider>,
  );
}

async function signIn(username: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Username or e-mail'), username);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

test('wrong credentials are a form-level error: both fields invalid, the password emptied and focused', async () => {
  fakeApi(() => ({ status: 401, data: { statusCode: 401, error: 'Unauthorized', message: 'invalid username or password' } }));
  show();
  await signIn('olga', 'wrong-password');
  const alert = await screen.findByRole('alert');
  expect(alert).toHaveTextContent('invalid username or password');
  // Above the button, not under the username field.
  expect(alert.closest('.field')).toBeNull();
  expect(alert.compareDocumentPosition(screen.getByRole('button', { name: 'Sign in' })) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  expect(screen.getAllByRole('alert')).toHaveLength(1);
  const username = screen.getByLabelText('Username or e-mail');
  const password = screen.getByLabelText('Password');
  expect(username).toHaveAttribute('aria-invalid', 'true');
  expect(password).toHaveAttribute('aria-invalid', 'true');
  expect(password).toHaveAccessibleDescription('invalid username or password');
  expect(password).toHaveValue('');
  expect(password).toHaveFocus();
  expect(username).toHaveValue('olga');
});

test('a throttled sign-in (429) says when to try again from Retry-After', async () => {
  fakeApi(() => ({
    status: 429,
    headers: { 'retry-after': '900' },
    data: { statusCode: 429, error: 'Too Many Requests', message: 'too many failed logins: try again in 900 s' },
  }));
  show();
  await signIn('olga', 'wrong-password');
  const alert = await screen.findByRole('alert');
  expect(alert).toHaveTextContent(/^Too many failed sign-ins: try again at \d\d:\d\d:\d\d \(in 15 min 00 s\)\.$/);
  expect(screen.getByLabelText('Password')).toHaveValue('');
});

test('a 429 without Retry-After shows the server’s own words', async () => {
  fakeApi(() => ({ status: 429, data: { statusCode: 429, error: 'Too Many Requests', message: 'too many failed logins: try again in 30 s' } }));
  show();
  await signIn('olga', 'pw');
  expect(await screen.findByRole('alert')).toHaveTextContent('too many failed logins: try again in 30 s');
});

test('a message the server gives for one field stays at that field, which takes the focus; the password is kept', async () => {
  fakeApi(() => ({
    status: 400,
    data: { statusCode: 400, error: 'Bad Request', message: 'validation failed', details: [{ field: 'username', rule: 'maxLength', message: 'username must be at most 254 characters' }] },
  }));
  show();
  await signIn('olga', 'secret-pw');
  const username = screen.getByLabelText('Username or e-mail');
  expect(await screen.findByRole('alert')).toHaveTextContent('username must be at most 254 characters');
  expect(username).toHaveAccessibleDescription('username must be at most 254 characters');
  expect(username).toHaveFocus();
  expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'false');
  expect(screen.getByLabelText('Password')).toHaveValue('secret-pw');
});
