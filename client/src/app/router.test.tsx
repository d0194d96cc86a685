import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { initConfig } from '../config';
import { fakeApi } from '../test/fake-api';
import { App } from './App';

beforeEach(() => {
  initConfig({});
  fakeApi(() => ({ status: 200, data: [] }));
});
afterEach(() => vi.restoreAllMocks());

test('the first load of a lazy screen shows that it is loading, with no react-router warning', async () => {
  const warn = vi.spyOn(console, 'warn');
  window.location.hash = '#/login';
  render(<App />);
  expect(screen.getByRole('status')).toHaveTextContent('Loading…');
  expect(await screen.findByRole('heading', { name: 'IDM sign in' })).toBeInTheDocument();
  expect(warn.mock.calls.flat().join('\n')).not.toMatch(/HydrateFallback/);
});
