import { render, screen } from '@testing-library/react';
import { afterEach, expect, test, vi } from 'vitest';
import { App } from './App';

afterEach(() => vi.restoreAllMocks());

test('shows the components a degraded server names', async () => {
  vi.spyOn(globalThis, 'fetch').mockResolvedValue(
    new Response(
      JSON.stringify({
        status: 'down',
        message: 'mongo is down (not connected)',
        components: { mongo: { status: 'down' }, redis: { status: 'up' } },
        uptime_s: 3,
      }),
    ),
  );
  render(<App />);
  expect(await screen.findByTestId('health-status')).toHaveTextContent('mongo is down');
  expect(screen.getByText('mongo: down')).toHaveClass('abnormal');
  expect(screen.getByText('redis: up')).not.toHaveClass('abnormal');
});
