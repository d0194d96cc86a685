import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { beforeEach, expect, test } from 'vitest';
import { initConfig } from '../../../config';
import { AuthProvider } from '../../../lib/auth';
import { fakeApi } from '../../../test/fake-api';
import { LoginPage } from './LoginPage';
import { RegisterPage } from './RegisterPage';

beforeEach(() => initConfig({}));

function show() {
  const router = createMemoryRouter(
    [
      { path: '/register', element: <RegisterPage /> },
      { path: '/login', element: <LoginPage /> },
    ],
    { initialEntries: ['/register'] },
  );
  render(
    <AuthProvider>
      <RouterProvider router={router} />
    </AuthProvider>,
  );
}

test('the server’s validation messages appear at the fields they name', async () => {
  const user = userEvent.setup();
  fakeApi(() => ({
    status: 400,
    data: {
      statusCode: 400,
      error: 'Bad Request',
      message: 'password is too common',
      details: [{ field: 'password', rule: 'notCommon', message: 'password is one of the most common passwords' }],
    },
  }));
  show();
  await user.type(screen.getByLabelText('Username'), 'olga');
  await user.type(screen.getByLabelText('E-mail'), 'olga@plant.example');
  await user.type(screen.getByLabelText(/^Password/), 'password123');
  await user.click(screen.getByRole('button', { name: 'Create account' }));
  expect(await screen.findByText('password is one of the most common passwords')).toBeInTheDocument();
  expect(screen.getByLabelText(/^Password/)).toHaveAttribute('aria-invalid', 'true');
  expect(screen.getByLabelText(/^Password/)).toHaveAccessibleDescription('password is one of the most common passwords');
  expect(screen.getByLabelText('Username')).toHaveAttribute('aria-invalid', 'false');
});

test('a conflict without details lands on the field its message names, and success leads to sign-in', async () => {
  const user = userEvent.setup();
  let taken = true;
  fakeApi((req) =>
    taken
      ? { status: 409, data: { statusCode: 409, error: 'Conflict', message: 'username olga is already taken' } }
      : { status: 201, data: { id: '1', username: (req.body as { username: string }).username, email: 'x', roles: ['viewer'], disabled: false, created_at: '', last_login_at: null } },
  );
  show();
  await user.type(screen.getByLabelText('Username'), 'olga');
  await user.type(screen.getByLabelText('E-mail'), 'olga@plant.example');
  await user.type(screen.getByLabelText(/^Password/), 'a long enough passphrase');
  await user.click(screen.getByRole('button', { name: 'Create account' }));
  expect(await screen.findByText('username olga is already taken')).toBeInTheDocument();
  expect(screen.getByLabelText('Username')).toHaveAttribute('aria-invalid', 'true');
  taken = false;
  await user.clear(screen.getByLabelText('Username'));
  await user.type(screen.getByLabelText('Username'), 'olga2');
  await user.click(screen.getByRole('button', { name: 'Create account' }));
  // The new user learns their role: later self-registrations are viewers (the first one is the admin).
  expect(await screen.findByText(/Account olga2 created with the viewer role: sign in\./)).toHaveTextContent(
    'Viewers watch but cannot acknowledge alarms; an admin can change your role.',
  );
});
