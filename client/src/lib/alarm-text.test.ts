import { expect, test } from 'vitest';
import { alarmFixture as alarm } from '../test/fixtures';
import { alarmLineParts, alarmLineText } from './alarm-text';

test("a sensor alarm's line puts what is wrong first and leaves out the tag the Source column already names", () => {
  const a = alarm('P03-PT-008', { message: 'P03-PT-008 Pressure 8 of PLC 03 (Cooling water): above HiHi 7.387 (10.24 bar)' });
  expect(alarmLineText(a)).toBe('above HiHi 7.387 (10.24 bar) · Pressure 8 of PLC 03 (Cooling water)');
  // A description with a colon of its own: the problem is what follows the last one.
  expect(alarmLineText(alarm('TT-1', { message: 'TT-1 Reactor: jacket inlet: spike (93.2 °C)' }))).toBe('spike (93.2 °C) · Reactor: jacket inlet');
  // No description: just the problem.
  expect(alarmLineText(alarm('TT-1', { message: 'TT-1: stuck (20 °C)' }))).toBe('stuck (20 °C)');
});

test('any other message reads as written', () => {
  expect(alarmLineText(alarm('TT-1', { message: 'TT-1 high' }))).toBe('TT-1 high');
  const device = alarm('plc-02', { source_type: 'device', sensor_id: null, message: 'Communication failure: PLC 02 (Turbine hall) (Timed out)' });
  expect(alarmLineText(device)).toBe('Communication failure: PLC 02 (Turbine hall) (Timed out)');
  // The id must be the whole first word: TT-10's message is not TT-1's.
  expect(alarmLineText(alarm('TT-1', { message: 'TT-10 Temp: above Hi 5 (6 °C)' }))).toBe('TT-10 Temp: above Hi 5 (6 °C)');
});

test("the summary's two parts: the problem, and the tag's description to cut; a device's message drops the name its Source shows", () => {
  expect(alarmLineParts({ message: 'P03-PT-008 Pressure 8 of PLC 03: above HiHi 7.387 (10.24 bar)', source_id: 'P03-PT-008' })).toEqual({ problem: 'above HiHi 7.387 (10.24 bar)', context: 'Pressure 8 of PLC 03' });
  expect(alarmLineParts({ message: 'Communication failure: PLC 02 (Turbine hall) (Timed out)', source_id: 'plc-02', source_name: 'PLC 02 (Turbine hall)' })).toEqual({ problem: 'Communication failure (Timed out)', context: '' });
  expect(alarmLineParts({ message: 'Communication failure: PLC 02 (Timed out)', source_id: 'plc-02', source_name: null })).toEqual({ problem: 'Communication failure: PLC 02 (Timed out)', context: '' });
});
