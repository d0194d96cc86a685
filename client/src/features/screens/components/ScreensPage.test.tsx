import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { beforeEach, expect, test } from 'vitest';
import { initConfig } from '../../../config';
import { AuthProvider } from '../../../lib/auth';
import { sessionFromTokens, setSession } from '../../../lib/session';
import { fakeApi, fakeToken } from '../../../test/fake-api';
import { ScreensPage } from './ScreensPage';

beforeEach(() => {
  initConfig({});
  fakeApi(() => ({ status: 200, data: [] }));
});

function showAs(role: string) {
  setSession(sessionFromTokens({ access_token: fakeToken('sam', [role]), refresh_token: 'r', expires_in: 900 }));
  render(
    <AuthProvider>
      <MemoryRouter>
        <ScreensPage />
      </MemoryRouter>
    </AuthProvider>,
  );
}

test('with no screens an operator is told who adds them and where', async () => {
  showAs('operator');
  expect(await screen.findByText(/^No screens yet/)).toHaveTextContent('No screens yet. An admin adds screens under Graphics → Upload a screen.');
  expect(screen.queryByRole('link', { name: 'Upload a screen' })).toBeNull();
});

test('with no screens an admin gets the upload link and what it is for', async () => {
  showAs('admin');
  expect(await screen.findByText(/^No screens yet/)).toHaveTextContent('Upload an SVG drawing to make the first one');
  expect(screen.getByRole('link', { name: 'Upload a screen' })).toHaveAttribute('href', '/graphics/new/edit');
});
