import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { expect, test } from 'vitest';
import { initConfig } from '../config';
import { AuthProvider } from '../lib/auth';
import { sessionFromTokens, setSession } from '../lib/session';
import { fakeToken } from '../test/fake-api';
import { ScreenNav } from './Shell';

function navFor(roles: string[]): string[] {
  initConfig({});
  setSession(sessionFromTokens({ access_token: fakeToken('u', roles), refresh_token: 'r', expires_in: 900 }));
  const { unmount } = render(
    <AuthProvider>
      <MemoryRouter>
        <ScreenNav />
      </MemoryRouter>
    </AuthProvider>,
  );
  const links = screen.getAllByRole('link').map((l) => l.textContent ?? '');
  unmount();
  return links;
}

test('the top bar offers only the screens the role may use (no Reports link that only says "not for you")', () => {
  expect(navFor(['viewer'])).toEqual(['Overview', 'Graphics', 'Alarms', 'Journal', 'Trends', 'Anomalies']);
  expect(navFor(['operator'])).toEqual(['Overview', 'Graphics', 'Alarms', 'Journal', 'Trends', 'Anomalies']);
  expect(navFor(['supervisor'])).toEqual(['Overview', 'Graphics', 'Alarms', 'Journal', 'Trends', 'Anomalies', 'Reports']);
  expect(navFor(['admin'])).toEqual(['Overview', 'Graphics', 'Alarms', 'Journal', 'Trends', 'Anomalies', 'Reports', 'Users', 'Devices']);
});
