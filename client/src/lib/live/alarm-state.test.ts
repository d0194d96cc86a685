import { expect, test } from 'vitest';
import type { AlarmDto, AlarmEventDto } from '@idm/contracts';
import { applyEvents, applySnapshot } from './alarm-state';

const a = (id: string, state: AlarmDto['state'] = 'unack_active') => ({ id, state, priority: 'high', raised_at: '2026-11-27T10:00:00Z', updated_at: '2026-11-27T10:00:00Z' }) as AlarmDto;
const ev = (seq: number, alarm: AlarmDto): AlarmEventDto => ({ seq, kind: 'updated', alarm, at: '', by: null });

test('events after the snapshot update the list; replayed ones are ignored; normal alarms leave it', () => {
  let s = applySnapshot({ seq: 10, alarms: [a('x'), a('y')], flood: false });
  ({ state: s } = applyEvents(s, [ev(9, a('z')), ev(10, a('w'))]));
  expect([...s.alarms.keys()]).toEqual(['x', 'y']);
  const r = applyEvents(s, [ev(12, a('y', 'normal')), ev(11, a('x', 'ack_active'))]);
  expect(r.gap).toBe(false);
  expect(r.state.seq).toBe(12);
  expect([...r.state.alarms.values()].map((x) => `${x.id}:${x.state}`)).toEqual(['x:ack_active']);
});

test('a missed event number is reported as a gap so the client asks to resume', () => {
  const s = applySnapshot({ seq: 3, alarms: [], flood: false });
  expect(applyEvents(s, [ev(5, a('x'))]).gap).toBe(true);
});
