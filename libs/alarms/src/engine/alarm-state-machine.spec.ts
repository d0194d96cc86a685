import { AlarmStateMachine, newAlarmRecord, readingKind } from './alarm-state-machine';

const S = 1000;

describe('AlarmStateMachine (ISA-18.2)', () => {
  it('goes normal → unack_active → ack_active → normal', () => {
    const m = new AlarmStateMachine({ on_delay_ms: 0, off_delay_ms: 0 });
    const r = newAlarmRecord('high');
    expect(m.evaluate(r, true, 1 * S, 101).map((t) => [t.kind, t.to])).toEqual([['raised', 'unack_active']]);
    const ack = m.acknowledge(r, 2 * S, 'olga');
    expect(ack.ok && ack.transitions.map((t) => [t.kind, t.to, t.by])).toEqual([['acknowledged', 'ack_active', 'olga']]);
    expect(m.evaluate(r, false, 3 * S).map((t) => [t.kind, t.to])).toEqual([['cleared', 'normal']]);
    expect(r.activation_count).toBe(1);
  });

  it('keeps what kind of reading its value is: a bad reading keeps its quality, a non-number keeps no value', () => {
    const m = new AlarmStateMachine({ on_delay_ms: 0, off_delay_ms: 0 });
    const r = newAlarmRecord('high');
    expect(r).toMatchObject({ last_value: null, last_reading: null });
    m.evaluate(r, true, S, 0, 'bad');
    expect(r).toMatchObject({ last_value: 0, last_reading: 'bad' });
    m.evaluate(r, true, 2 * S, Number.NaN, 'good');
    expect(r).toMatchObject({ last_value: null, last_reading: 'NaN' });
    m.evaluate(r, true, 3 * S, Number.POSITIVE_INFINITY);
    expect(r).toMatchObject({ last_value: null, last_reading: '+Inf' });
    m.evaluate(r, true, 4 * S, 101.5);
    expect(r).toMatchObject({ last_value: 101.5, last_reading: 'good' });
    // No reading (a device's comm failure): the last one stays.
    m.evaluate(r, true, 5 * S);
    expect(r).toMatchObject({ last_value: 101.5, last_reading: 'good' });
    expect([readingKind(Number.NEGATIVE_INFINITY, 'good'), readingKind(3, 'comm_failure'), readingKind(3, 'stale')]).toEqual(['-Inf', 'comm_failure', 'stale']);
  });

  it('returns to normal unacknowledged and needs an acknowledgement to become normal', () => {
    const m = new AlarmStateMachine({ on_delay_ms: 0, off_delay_ms: 0 });
    const r = newAlarmRecord('medium');
    m.evaluate(r, true, 0);
    expect(m.evaluate(r, false, S).map((t) => t.to)).toEqual(['unack_rtn']);
    const ack = m.acknowledge(r, 2 * S, 'ivan');
    expect(ack.ok && ack.transitions[0].to).toBe('normal');
  });

  it('retires an alarm whose source was deleted: normal at once from any state, reason in the transition', () => {
    const m = new AlarmStateMachine({ on_delay_ms: 0, off_delay_ms: 10 * S });
    const active = newAlarmRecord('high');
    m.evaluate(active, true, 0);
    expect(m.retire(active, S, 'tag removed')).toEqual([{ kind: 'cleared', from: 'unack_active', to: 'normal', at: S, by: 'system', comment: 'tag removed' }]);
    expect(active).toMatchObject({ state: 'normal', active: false, acked: true, condition_active: false, cleared_at: S });
    expect(m.tick(active, 60 * S)).toEqual([]); // stays normal

    const shelved = newAlarmRecord('low');
    m.evaluate(shelved, true, 0);
    m.shelve(shelved, S, 'olga', 3600 * S, 'maintenance');
    expect(m.retire(shelved, 2 * S, 'device removed').map((t) => [t.from, t.to, t.comment])).toEqual([['shelved', 'normal', 'device removed']]);
    expect(shelved).toMatchObject({ state: 'normal', shelved_until: null });

    // A condition still inside its on-delay is dropped without a transition: nothing was annunciated.
    const slow = new AlarmStateMachine({ on_delay_ms: 10 * S, off_delay_ms: 0 });
    const pending = newAlarmRecord('medium');
    slow.evaluate(pending, true, 0);
    expect(slow.retire(pending, S, 'tag removed')).toEqual([]);
    expect(slow.tick(pending, 20 * S)).toEqual([]);
  });

  it('refuses to acknowledge an alarm that is not waiting for it', () => {
    const m = new AlarmStateMachine({ on_delay_ms: 0, off_delay_ms: 0 });
    const r = newAlarmRecord('low');
    expect(m.acknowledge(r, 0, 'x')).toEqual({ ok: false, reason: 'alarm is not awaiting acknowledgement' });
  });

  it('on-delay: a condition shorter than the delay raises nothing; a longer one raises once', () => {
    const m = new AlarmStateMachine({ on_delay_ms: 5 * S, off_delay_ms: 0 });
    const r = newAlarmRecord('high');
    expect(m.evaluate(r, true, 0)).toEqual([]);
    expect(m.evaluate(r, false, 3 * S)).toEqual([]);
    expect(m.evaluate(r, true, 4 * S)).toEqual([]);
    expect(m.tick(r, 8 * S)).toEqual([]);
    expect(m.tick(r, 9 * S).map((t) => t.kind)).toEqual(['raised']);
    expect(m.tick(r, 20 * S)).toEqual([]);
  });

  it('off-delay: brief returns to normal do not clear and re-raise (no chattering)', () => {
    const m = new AlarmStateMachine({ on_delay_ms: 0, off_delay_ms: 10 * S });
    const r = newAlarmRecord('high');
    const kinds: string[] = [];
    for (let i = 0; i < 60; i++) kinds.push(...m.evaluate(r, i % 2 === 0, i * S).map((t) => t.kind));
    expect(kinds).toEqual(['raised']);
    kinds.push(...m.evaluate(r, false, 61 * S).map((t) => t.kind));
    kinds.push(...m.tick(r, 72 * S).map((t) => t.kind));
    expect(kinds).toEqual(['raised', 'cleared']);
  });

  it('shelved alarms stay silent and re-annunciate unacknowledged when the shelf ends', () => {
    const m = new AlarmStateMachine({ on_delay_ms: 0, off_delay_ms: 0 });
    const r = newAlarmRecord('high');
    const shelf = m.shelve(r, 0, 'olga', 60 * S, 'sensor being replaced');
    expect(shelf.ok && shelf.transitions[0]).toMatchObject({ kind: 'shelved', to: 'shelved', comment: 'sensor being replaced' });
    expect(m.evaluate(r, true, 10 * S)).toEqual([]);
    expect(m.evaluate(r, false, 20 * S)).toEqual([]);
    expect(m.evaluate(r, true, 30 * S)).toEqual([]);
    expect(r.state).toBe('shelved');
    const back = m.tick(r, 60 * S);
    expect(back.map((t) => [t.kind, t.to])).toEqual([['unshelved', 'unack_active']]);
  });

  it('refuses a shelve without a reason or with an end in the past', () => {
    const m = new AlarmStateMachine({ on_delay_ms: 0, off_delay_ms: 0 });
    const r = newAlarmRecord('high');
    expect(m.shelve(r, 10, 'a', 5, 'x')).toEqual({ ok: false, reason: 'shelve end must be in the future' });
    expect(m.shelve(r, 10, 'a', 50, ' ')).toEqual({ ok: false, reason: 'a reason is required to shelve an alarm' });
  });

  it('out of service: silent while out, starts clean when back and raises after the on-delay', () => {
    const m = new AlarmStateMachine({ on_delay_ms: 2 * S, off_delay_ms: 0 });
    const r = newAlarmRecord('critical');
    expect(m.removeFromService(r, 0, 'eng', 'calibration').ok).toBe(true);
    expect(m.evaluate(r, true, S)).toEqual([]);
    expect(m.tick(r, 10 * S)).toEqual([]);
    expect(m.acknowledge(r, 10 * S, 'x')).toEqual({ ok: false, reason: 'alarm is out of service' });
    const back = m.returnToService(r, 11 * S, 'eng');
    expect(back.ok && back.transitions.map((t) => t.kind)).toEqual(['returned_to_service']);
    expect(m.tick(r, 13 * S).map((t) => [t.kind, t.to])).toEqual([['raised', 'unack_active']]);
  });
});
