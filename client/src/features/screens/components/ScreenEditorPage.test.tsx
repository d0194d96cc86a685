import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { ScreenDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { AuthProvider } from '../../../lib/auth';
import { sessionFromTokens, setSession } from '../../../lib/session';
import { fakeApi, fakeToken, type FakeRequest } from '../../../test/fake-api';
import { ScreenEditorPage } from './ScreenEditorPage';

const SCREEN = {
  id: 'plant', name: 'Plant', area: 'Plant', parent_id: null, version: 2, updated_at: '', updated_by: 'a', tags: ['TT-1', 'NOPE-9'],
  binding_count: 2, unknown_tags: ['NOPE-9'], active_alarms: 0, binding_problems: [{ element_id: 'bad', message: 'data-idm-show="level" needs data-idm-tag' }],
  svg: '<svg xmlns="http://www.w3.org/2000/svg"><text id="t1">--</text><rect id="idm-1" width="10" height="10"/><text id="ghost">--</text></svg>',
  bindings: [
    { element_id: 't1', kind: 'value', tag: 'TT-1', format: '0.0', source: 'attributes', known: true },
    { element_id: 'ghost', kind: 'value', tag: 'NOPE-9', source: 'attributes', known: false },
  ],
} as ScreenDto;

let calls: FakeRequest[];

beforeEach(() => {
  initConfig({});
  setSession(sessionFromTokens({ access_token: fakeToken('admin', ['admin']), refresh_token: 'r', expires_in: 900 }));
  calls = fakeApi((req) => {
    if (req.method === 'GET' && req.url === '/screens/plant') return { status: 200, data: SCREEN };
    if (req.method === 'GET' && req.url === '/screens/plant/versions') return { status: 200, data: [{ version: 2, at: '2026-12-07T05:00:00Z', by: 'a', note: 'n', restored_from: null }, { version: 1, at: '2026-12-07T04:00:00Z', by: 'a', note: 'first', restored_from: null }] };
    if (req.method === 'PATCH') return { status: 200, data: SCREEN };
    if (req.method === 'POST' && req.url === '/screens/plant/rollback') return { status: 200, data: SCREEN };
    return { status: 404, data: { statusCode: 404, error: 'Not Found', message: 'no' } };
  });
  render(
    <AuthProvider>
      <MemoryRouter initialEntries={['/graphics/plant/edit']}>
        <Routes>
          <Route path="/graphics/:id/edit" element={<ScreenEditorPage />} />
        </Routes>
      </MemoryRouter>
    </AuthProvider>,
  );
});
afterEach(cleanup);

test('lists every binding, flags unknown tags and malformed bindings', async () => {
  expect(await screen.findByText('Unknown tags: NOPE-9')).toBeInTheDocument();
  expect(screen.getByText(/NOPE-9 \(unknown tag\)/)).toHaveClass('unknown');
  expect(screen.getByText(/bad: data-idm-show="level" needs data-idm-tag/)).toBeInTheDocument();
});

test('clicking an element of the drawing selects it, and saving sends its binding', async () => {
  await screen.findByText('Unknown tags: NOPE-9');
  const drawing = screen.getByTestId('editor-drawing');
  await waitFor(() => expect(drawing.querySelector('#idm-1')).not.toBeNull());
  fireEvent.click(drawing.querySelector('#idm-1')!);
  expect(await screen.findByText('Element idm-1')).toBeInTheDocument();
  fireEvent.change(screen.getByLabelText('Shows'), { target: { value: 'level' } });
  fireEvent.change(screen.getByLabelText('Tag (sensor id)'), { target: { value: 'LT-1' } });
  fireEvent.change(screen.getByLabelText('Level max'), { target: { value: '5' } });
  fireEvent.click(screen.getByRole('button', { name: 'Save binding' }));
  await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
  expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({ url: '/screens/plant/bindings', body: { element_id: 'idm-1', kind: 'level', tag: 'LT-1', max: 5 } });
});

test('rolls back to an earlier version', async () => {
  fireEvent.click(await screen.findByRole('button', { name: 'Roll back to v1' }));
  await waitFor(() => expect(calls.find((c) => c.url === '/screens/plant/rollback')?.body).toEqual({ version: 1 }));
});
