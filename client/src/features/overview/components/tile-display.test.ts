import { expect, test } from 'vitest';
import type { DeviceStatusDto } from '@idm/contracts';
import { analogPosition, analogScale, commOkText, deviceHeadState, outsideLimits, valueText } from './tile-display';

const good = (value: number) => ({ value, quality: 'good' });

test('a bad reading reads BAD and a non-number its name, never a number; bools read their state words', () => {
  expect(valueText({ value: 0, quality: 'bad' }, {})).toBe('BAD');
  expect(valueText(good(Number.NaN), {})).toBe('NaN');
  expect(valueText(good(Number.POSITIVE_INFINITY), {})).toBe('+Inf');
  expect(valueText({ value: Number.NEGATIVE_INFINITY, quality: 'bad' }, {})).toBe('-Inf');
  expect(valueText(good(0.5), {})).toBe('0.500');
  expect(valueText(undefined, {})).toBe('—');
  expect(valueText(good(1), { source: { register_type: 'coil', address: 0, data_type: 'bool', word_order: 'big', byte_order: 'big' } })).toBe('ON');
  expect(valueText(good(0), { source: { register_type: 'coil', address: 0, data_type: 'bool', word_order: 'big', byte_order: 'big' } })).toBe('OFF');
  const words = { '0': 'STOP', '1': 'RUN' };
  expect(valueText(good(1), { source: { register_type: 'coil', address: 0, data_type: 'bool', word_order: 'big', byte_order: 'big' }, state_words: words })).toBe('RUN');
  expect(valueText(good(0), { source: { register_type: 'coil', address: 0, data_type: 'bool', word_order: 'big', byte_order: 'big' }, state_words: words })).toBe('STOP');
});

test('a comm-failure placeholder is never shown: the last good value received, or — without one', () => {
  expect(valueText({ value: 0, quality: 'comm_failure', lastGood: null }, {})).toBe('—');
  expect(valueText({ value: 0, quality: 'comm_failure' }, {})).toBe('—');
  expect(valueText({ value: 0, quality: 'comm_failure', lastGood: 7.25 }, {})).toBe('7.25');
  expect(valueText({ value: 3, quality: 'stale', lastGood: 3 }, {})).toBe('3.00');
});

const tag = { sensor_id: 'TT-1', device_id: 'plc', area: '', unit: '', description: '' };

test('the analog scale spans the physical range with a mark per limit; none without two ends', () => {
  const s = analogScale({ ...tag, physical_min: 0, physical_max: 200, limits: { lo: 20, hi: 150, hihi: 180 } })!;
  expect([s.min, s.max]).toEqual([0, 200]);
  expect(s.marks).toEqual([
    { kind: 'lo', at: 0.1 },
    { kind: 'hi', at: 0.75 },
    { kind: 'hihi', at: 0.9 },
  ]);
  expect(analogPosition(s, 50)).toEqual({ at: 0.25, past: null });
  expect(analogPosition(s, 250)).toEqual({ at: 1, past: 'high' });
  expect(analogPosition(s, -5)).toEqual({ at: 0, past: 'low' });
  // Only limits: room beyond them, so a value past hihi is not drawn at the very end.
  const l = analogScale({ ...tag, limits: { lo: 10, hi: 20 } })!;
  expect(l.min).toBeLessThan(10);
  expect(l.max).toBeGreaterThan(20);
  expect(analogScale(tag)).toBeNull();
  expect(analogScale({ ...tag, limits: { hi: 5 } })).toBeNull();
  expect(analogScale({ ...tag, source: { register_type: 'coil', address: 0, data_type: 'bool', word_order: 'big', byte_order: 'big' }, physical_min: 0, physical_max: 1 })).toBeNull();
});

test('the indicator is abnormal beyond lo/hi (or lolo/hihi when those are all there is)', () => {
  expect(outsideLimits({ limits: { lo: 10, hi: 20 } }, 21)).toBe(true);
  expect(outsideLimits({ limits: { lo: 10, hi: 20 } }, 15)).toBe(false);
  expect(outsideLimits({ limits: { lolo: 5 } }, 4)).toBe(true);
  expect(outsideLimits({}, 1e9)).toBe(false);
});

test('the device header agrees with its tiles and says when the screen itself has no link', () => {
  const ok = { device_id: 'plc', state: 'connected', last_poll_duration_ms: 4, last_good_poll_at: 1000 } as DeviceStatusDto;
  expect(deviceHeadState(ok, { failed: 0, withValue: 3 }, false)).toEqual({ kind: 'ok', pollMs: 4 });
  // The status answer lags: every tile already says COMM FAIL.
  expect(deviceHeadState(ok, { failed: 3, withValue: 3 }, false)).toMatchObject({ kind: 'comm_failure' });
  expect(deviceHeadState(ok, { failed: 1, withValue: 3 }, false)).toEqual({ kind: 'partial', failed: 1, of: 3 });
  expect(deviceHeadState({ ...ok, state: 'comm_failure' }, { failed: 0, withValue: 0 }, false)).toMatchObject({ kind: 'comm_failure', since: 1000 });
  expect(deviceHeadState(ok, { failed: 0, withValue: 3 }, true)).toEqual({ kind: 'no_link' });
  expect(deviceHeadState(undefined, { failed: 0, withValue: 0 }, false)).toEqual({ kind: 'unknown' });
});

test('comm OK reads per protocol: Modbus polls, OPC UA publishes a subscription, MQTT pushes; no placeholders', () => {
  expect(commOkText({ id: 'p', protocol: 'modbus', poll_interval_ms: 500 }, 4)).toBe('comm OK · poll every 500 ms, last took 4 ms');
  expect(commOkText({ id: 'p', protocol: 'modbus', poll_interval_ms: 500 }, null)).toBe('comm OK · poll every 500 ms');
  // A device stored before protocols existed is Modbus; a device the client does not know has neither.
  expect(commOkText({ id: 'p' }, null)).toBe('comm OK');
  expect(commOkText({ id: 'o', protocol: 'opcua', publishing_interval_ms: 1000 }, null)).toBe('comm OK · subscription, publishing 1000 ms');
  expect(commOkText({ id: 'm', protocol: 'mqtt' }, null)).toBe('comm OK · values on publish');
});
