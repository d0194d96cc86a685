import { expect, test } from 'vitest';
import { ConfigError, loadConfig } from './config';

test('defaults: same-origin API, 10 s stale threshold, 500 ms sample pace', () => {
  expect(loadConfig({})).toEqual({ apiBaseUrl: '', staleAfterMs: 10_000, sampleIntervalMs: 500 });
  expect(loadConfig({ VITE_API_BASE_URL: 'https://idm.plant.example/' }).apiBaseUrl).toBe('https://idm.plant.example');
});

test('a bad setting stops the start with a message naming it', () => {
  expect(() => loadConfig({ VITE_API_BASE_URL: 'idm.local:3000' })).toThrow(new ConfigError('VITE_API_BASE_URL must be an http(s) URL or empty (got "idm.local:3000")'));
  expect(() => loadConfig({ VITE_STALE_AFTER_MS: 'soon' })).toThrow(/VITE_STALE_AFTER_MS must be a number between 1000 and 600000/);
  expect(() => loadConfig({ VITE_SAMPLE_INTERVAL_MS: '10' })).toThrow(/VITE_SAMPLE_INTERVAL_MS/);
});
