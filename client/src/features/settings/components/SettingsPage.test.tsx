import { memo } from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { initConfig } from '../../../config';
import { AuthProvider } from '../../../lib/auth';
import { clock, DEFAULT_DATE_TIME, setDateTimeSettings } from '../../../lib/format';
import { sessionFromTokens, setSession } from '../../../lib/session';
import { useDateTimeVersion } from '../../../lib/user-settings';
import { fakeApi, fakeToken, type FakeRequest } from '../../../test/fake-api';
import { SettingsPage } from './SettingsPage';

const ME = { id: 'id-ada', username: 'ada', email: 'ada@plant.example', roles: ['operator'], disabled: false, created_at: '2026-01-01T00:00:00Z', last_login_at: null, locale: null, time_zone: null };
let seen: FakeRequest[];

/** A memoised cell like the alarm list's rows (client features stay independent, so not the list itself;
 *  the Chromium test checks the real alarm list). */
const RaisedCell = memo(function RaisedCell({ at }: { at: string }) {
  return (
    <table>
      <tbody>
        <tr>
          <td className="raised">{clock(at)}</td>
        </tr>
      </tbody>
    </table>
  );
});

/** What the shell does: a new date-time format re-renders the screens (memoised rows included). */
function Screens() {
  const version = useDateTimeVersion();
  return (
    <div key={version}>
      <SettingsPage />
      <RaisedCell at="2026-12-07T20:15:30Z" />
    </div>
  );
}

beforeEach(() => {
  initConfig({});
  localStorage.clear();
  setSession(sessionFromTokens({ access_token: fakeToken('ada', ['operator']), refresh_token: 'r', expires_in: 900 }));
  seen = fakeApi((req) => {
    if (req.method === 'GET' && req.url === '/auth/me') return { status: 200, data: ME };
    if (req.method === 'PATCH' && req.url === '/auth/me') {
      const body = req.body as { locale: string | null; time_zone: string | null };
      if (body.locale === 'en_US!')
        return { status: 400, data: { statusCode: 400, message: 'locale must be a language tag such as en-GB, en-US or de-DE (or null for ISO-like 24 h)', details: [{ field: 'locale', rule: 'isDateLocale', message: 'locale must be a language tag such as en-GB, en-US or de-DE (or null for ISO-like 24 h)' }] } };
      return { status: 200, data: { ...ME, ...body } };
    }
    return { status: 404, data: {} };
  });
});
afterEach(() => setDateTimeSettings(DEFAULT_DATE_TIME));

test('times read ISO-like 24 h by default; a saved locale and time zone change them on every screen, and stay with the user', async () => {
  const user = userEvent.setup();
  render(
    <AuthProvider>
      <MemoryRouter>
        <Screens />
      </MemoryRouter>
    </AuthProvider>,
  );
  const raised = () => document.querySelector('td.raised')!.textContent;
  expect(screen.getByTestId('date-time-sample').textContent).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  expect(raised()).toMatch(/^\d{2}:\d{2}:\d{2}$/);

  // A locale Intl does not know: the server's 400 shows at the field, nothing changes.
  await user.type(screen.getByLabelText(/Date and time format/), 'en_US!');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  expect(await screen.findByText(/locale must be a language tag/)).toBeInTheDocument();
  expect(raised()).toMatch(/^\d{2}:\d{2}:\d{2}$/);

  await user.clear(screen.getByLabelText(/Date and time format/));
  await user.type(screen.getByLabelText(/Date and time format/), 'en-US');
  await user.type(screen.getByLabelText(/Time zone/), 'UTC');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(() => expect(raised()).toBe('8:15:30 PM'));
  expect(screen.getByTestId('date-time-sample').textContent).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/);
  expect(seen.filter((r) => r.method === 'PATCH').at(-1)!.body).toEqual({ locale: 'en-US', time_zone: 'UTC' });
  expect(JSON.parse(localStorage.getItem('idm.dateTime.id-ada')!)).toEqual({ locale: 'en-US', time_zone: 'UTC' });
});

test('stored settings that arrive after the user started typing do not overwrite what was typed', async () => {
  const user = userEvent.setup();
  let answerMe: () => void = () => undefined;
  const meLoaded = new Promise<void>((resolve) => (answerMe = resolve));
  seen = fakeApi(async (req) => {
    if (req.method === 'GET' && req.url === '/auth/me') {
      await meLoaded;
      return { status: 200, data: { ...ME, locale: 'de-DE' } };
    }
    if (req.method === 'PATCH' && req.url === '/auth/me') return { status: 200, data: { ...ME, ...(req.body as object) } };
    return { status: 404, data: {} };
  });
  render(
    <AuthProvider>
      <MemoryRouter>
        <SettingsPage />
      </MemoryRouter>
    </AuthProvider>,
  );
  await user.type(screen.getByLabelText(/Date and time format/), 'en-US');
  answerMe();
  await waitFor(() => expect(seen.some((r) => r.method === 'GET' && r.url === '/auth/me')).toBe(true));
  await new Promise((r) => setTimeout(r, 0));
  expect(screen.getByLabelText<HTMLInputElement>(/Date and time format/).value).toBe('en-US');
  await user.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(() => expect(seen.filter((r) => r.method === 'PATCH').at(-1)?.body).toEqual({ locale: 'en-US', time_zone: null }));
});
