import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { AxiosError, AxiosHeaders } from 'axios';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { DeviceStatusDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { fakeApi } from '../../../test/fake-api';
import { alarmFixture } from '../../../test/fixtures';
import { sortAlarms } from '../../../lib/live/alarm-state';
import { AlarmList, type AlarmActions } from './AlarmList';
import { sortAlarmsBy } from './alarm-summary';
import { DEVICE_STATUS_REFRESH_MS } from './DeviceCommStatus';
import { NO_SOURCES, type AlarmSources, type TagInfo } from '../../../lib/alarm-sources';

const alarm = alarmFixture;

const ALARMS = sortAlarms([
  alarm('TT-101', { priority: 'low', raised_at: '2026-11-27T10:05:00Z' }),
  alarm('PT-201', { priority: 'critical', raised_at: '2026-11-27T09:00:00Z', state: 'ack_active', acknowledged: true }),
  alarm('LT-301', { priority: 'high', raised_at: '2026-11-27T10:01:00Z' }),
  alarm('FT-401', { priority: 'critical', raised_at: '2026-11-27T10:02:00Z' }),
  alarm('VT-501', { priority: 'medium', state: 'shelved', shelved_until: '2026-11-27T12:00:00Z', acknowledged: true }),
]);

function fakeActions(): AlarmActions & { [K in keyof AlarmActions]: ReturnType<typeof vi.fn> } {
  return { acknowledge: vi.fn().mockResolvedValue({}), shelve: vi.fn().mockResolvedValue({}), unshelve: vi.fn().mockResolvedValue({}), comment: vi.fn().mockResolvedValue({}) };
}

const rows = () => screen.getAllByRole('row').filter((r) => r.hasAttribute('data-alarm-id'));
const show = (actions?: AlarmActions) =>
  render(
    <MemoryRouter>
      <AlarmList alarms={ALARMS} actions={actions} />
    </MemoryRouter>,
  );

test('lists alarms by priority, then newest first', () => {
  show();
  expect(rows().map((r) => r.getAttribute('data-alarm-id'))).toEqual(['FT-401', 'PT-201', 'LT-301', 'VT-501', 'TT-101']);
});

test("a sensor alarm's message cell reads what is wrong first; the full message stays in its tooltip and the buttons", () => {
  const message = 'P03-PT-008 Pressure 8 of PLC 03 (Cooling water): above HiHi 7.387 (10.24 bar)';
  render(
    <MemoryRouter>
      <AlarmList alarms={[alarm('P03-PT-008', { message })]} actions={fakeActions()} />
    </MemoryRouter>,
  );
  const cell = rows()[0].querySelector('td.msg')!;
  expect(cell).toHaveTextContent(/^above HiHi 7\.387 \(10\.24 bar\) · Pressure 8 of PLC 03 \(Cooling water\)$/);
  expect(cell).toHaveAttribute('title', message);
  expect(within(rows()[0]).getByRole('button', { name: `Acknowledge ${message}` })).toBeInTheDocument();
});

test("an equipment-health alarm's source leads to its asset view; a device's is plain text", () => {
  const asset = alarm('asset:plc-03-pump|health', { source_type: 'asset', source_id: 'plc-03-pump', sensor_id: null, message: 'Equipment health: Pump 03 (Cooling water) behaves unlike normal' });
  const device = alarm('device:plc-02|comm_failure', { source_type: 'device', source_id: 'plc-02', sensor_id: null, message: 'Communication failure: PLC 02' });
  fakeApi(() => new Promise(() => {}));
  render(
    <MemoryRouter>
      <AlarmList alarms={[asset, device]} />
    </MemoryRouter>,
  );
  const row = (id: string) => rows().find((r) => r.getAttribute('data-alarm-id') === id)!;
  expect(within(row(asset.id)).getByRole('link', { name: 'plc-03-pump' })).toHaveAttribute('href', '/assets/plc-03-pump');
  expect(within(row(device.id)).queryByRole('link', { name: 'plc-02' })).toBeNull();
});

test('unacknowledged alarms stand out by style and by word, not by colour alone', () => {
  show();
  const [critUnacked, critAcked] = rows();
  expect(critUnacked).toHaveClass('unacked');
  expect(within(critUnacked).getByText('UNACK · active')).toBeInTheDocument();
  expect(within(critUnacked).getByTitle('Critical priority')).toHaveClass('prio-unacked');
  expect(critAcked).not.toHaveClass('unacked');
  expect(within(critAcked).getByText('Acked · active')).toBeInTheDocument();
  expect(within(critAcked).getByTitle('Critical priority')).not.toHaveClass('prio-unacked');
  expect(within(rows()[3]).getByText(/^Shelved until/)).toBeInTheDocument();
});

test('a viewer sees the alarms but no action buttons', () => {
  show(undefined);
  expect(rows()).toHaveLength(5);
  expect(screen.queryByRole('button', { name: /ack/i })).toBeNull();
  expect(screen.queryByRole('button', { name: /shelve/i })).toBeNull();
  expect(screen.queryByRole('checkbox')).toBeNull();
});

test('an operator acknowledges one alarm, or the selected ones in bulk', async () => {
  const user = userEvent.setup();
  const actions = fakeActions();
  show(actions);
  // Only unacknowledged alarms can be acknowledged.
  expect(within(rows()[1]).queryByRole('button', { name: /^acknowledge/i })).toBeNull();
  await user.click(within(rows()[0]).getByRole('button', { name: 'Acknowledge FT-401 high' }));
  expect(actions.acknowledge).toHaveBeenCalledWith(['FT-401']);

  await user.click(screen.getByRole('checkbox', { name: 'Select LT-301 high' }));
  await user.click(screen.getByRole('checkbox', { name: 'Select TT-101 high' }));
  await user.click(screen.getByRole('button', { name: 'Acknowledge selected (2)' }));
  expect(actions.acknowledge).toHaveBeenLastCalledWith(['LT-301', 'TT-101']);
  expect(screen.getByRole('button', { name: 'Acknowledge all (3)' })).toBeInTheDocument();
});

test('acknowledge all asks first, and then covers only the alarms listed when asked', async () => {
  const user = userEvent.setup();
  const actions = fakeActions();
  show(actions);
  await user.click(screen.getByRole('button', { name: 'Acknowledge all (3)' }));
  expect(actions.acknowledge).not.toHaveBeenCalled();
  const confirm = screen.getByRole('group', { name: 'Confirm acknowledge all' });
  expect(confirm).toHaveTextContent('Acknowledge all 3 unacknowledged alarms listed below?');
  await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
  expect(actions.acknowledge).not.toHaveBeenCalled();
  expect(screen.queryByRole('group', { name: 'Confirm acknowledge all' })).toBeNull();

  await user.click(screen.getByRole('button', { name: 'Acknowledge all (3)' }));
  await user.click(screen.getByRole('button', { name: 'Yes, acknowledge 3' }));
  expect(actions.acknowledge).toHaveBeenCalledTimes(1);
  expect([...actions.acknowledge.mock.calls[0][0]].sort()).toEqual(['FT-401', 'LT-301', 'TT-101']);
});

test('shelving asks for a duration and a reason, and shows the server message at the field', async () => {
  const user = userEvent.setup();
  const actions = fakeActions();
  const config = { headers: new AxiosHeaders() };
  actions.shelve.mockRejectedValueOnce(
    new AxiosError('400', '400', config, {}, {
      status: 400,
      statusText: 'Bad Request',
      headers: {},
      config,
      data: { statusCode: 400, error: 'Bad Request', message: 'reason must be longer', details: [{ field: 'reason', rule: 'minLength', message: 'reason must be at least 3 characters' }] },
    }),
  );
  show(actions);
  await user.click(within(rows()[2]).getByRole('button', { name: 'Shelve' }));
  const form = screen.getByRole('form', { name: 'Shelve LT-301 high' });
  await user.selectOptions(within(form).getByLabelText(/Shelve for/), '120');
  await user.type(within(form).getByLabelText(/Reason/), 'n/a');
  await user.click(within(form).getByRole('button', { name: 'Shelve' }));
  expect(await within(form).findByRole('alert')).toHaveTextContent('reason must be at least 3 characters');
  expect(within(form).getByLabelText(/Reason/)).toHaveAttribute('aria-invalid', 'true');

  await user.type(within(form).getByLabelText(/Reason/), ' - sensor being recalibrated');
  await user.click(within(form).getByRole('button', { name: 'Shelve' }));
  expect(actions.shelve).toHaveBeenLastCalledWith('LT-301', 120, 'n/a - sensor being recalibrated');
  expect(screen.queryByRole('form', { name: 'Shelve LT-301 high' })).toBeNull();
});

test('a shelved alarm can be unshelved and any alarm commented', async () => {
  const user = userEvent.setup();
  const actions = fakeActions();
  show(actions);
  await user.click(within(rows()[3]).getByRole('button', { name: 'Unshelve' }));
  expect(actions.unshelve).toHaveBeenCalledWith('VT-501');
  await user.click(within(rows()[1]).getByRole('button', { name: 'Comment' }));
  await user.type(screen.getByRole('textbox', { name: 'Comment' }), 'Field operator sent to PT-201');
  await user.keyboard('{Enter}');
  expect(actions.comment).toHaveBeenCalledWith('PT-201', 'Field operator sent to PT-201');
});

test('anyone can read an alarm’s history with who acknowledged it and their comments', async () => {
  initConfig({});
  const user = userEvent.setup();
  fakeApi((req) => ({
    status: 200,
    data: {
      ...ALARMS[1],
      history: [
        { alarm_id: 'PT-201', kind: 'raised', from: 'normal', to: 'unack_active', at: '2026-11-27T09:00:00Z', by: null, comment: null },
        { alarm_id: 'PT-201', kind: 'acknowledged', from: 'unack_active', to: 'ack_active', at: '2026-11-27T09:01:00Z', by: 'olga', comment: 'valve V-12 closed by hand' },
      ],
      url: req.url,
    },
  }));
  show(undefined);
  await user.click(within(rows()[1]).getByRole('button', { name: 'History' }));
  const history = await screen.findByRole('list', { name: 'History of PT-201 high' });
  expect(history).toHaveTextContent('acknowledged by olga: “valve V-12 closed by hand”');
  expect(history).toHaveTextContent('raised');
});

test('an unacknowledged alarm can be acknowledged with a comment; the list then says who acknowledged', async () => {
  const user = userEvent.setup();
  const actions = fakeActions();
  show(actions);
  await user.click(within(rows()[0]).getByRole('button', { name: 'Comment' }));
  const form = screen.getByRole('form', { name: 'Comment on FT-401 high' });
  await user.type(within(form).getByLabelText('Comment'), 'Pump P-4 tripped, restarted locally');
  await user.click(within(form).getByRole('button', { name: 'Acknowledge with comment' }));
  expect(actions.acknowledge).toHaveBeenCalledWith(['FT-401'], 'Pump P-4 tripped, restarted locally');
  expect(actions.comment).not.toHaveBeenCalled();
  expect(screen.queryByRole('form', { name: 'Comment on FT-401 high' })).toBeNull();

  // An acknowledged alarm's comment form only comments.
  await user.click(within(rows()[1]).getByRole('button', { name: 'Comment' }));
  expect(screen.queryByRole('button', { name: 'Acknowledge with comment' })).toBeNull();

  render(
    <MemoryRouter>
      <AlarmList alarms={[alarm('PT-301', { state: 'ack_active', acknowledged: true, acked_by: 'olga' })]} />
    </MemoryRouter>,
  );
  expect(screen.getByText('Acked by olga · active')).toBeInTheDocument();
});

describe('a device (comm failure) alarm', () => {
  const deviceAlarm = alarm('plc-02|comm_failure', { source_type: 'device', source_id: 'plc-02', sensor_id: null, condition: 'comm_failure', message: 'PLC 2 comm failure', priority: 'high' });
  const status = (over: Partial<DeviceStatusDto> = {}): DeviceStatusDto => ({
    device_id: 'plc-02', name: 'PLC 2', state: 'comm_failure', connected: false, last_good_poll_at: new Date(2026, 10, 27, 10, 1, 0).getTime(),
    last_error: 'connect ECONNREFUSED 10.0.0.2:502', polls: 40, requests: 80, errors: 12, consecutive_failures: 12,
    last_poll_duration_ms: 35, requests_per_poll: 2, tags: 24, next_retry_at: null, ...over,
  });
  const showBoth = () =>
    render(
      <MemoryRouter>
        <AlarmList alarms={[deviceAlarm, ALARMS[0]]} />
      </MemoryRouter>,
    );
  const deviceRow = () => rows().find((r) => r.getAttribute('data-alarm-id') === deviceAlarm.id)!;

  beforeEach(() => initConfig({}));
  afterEach(() => vi.useRealTimers());

  test('shows its device’s poller status after the message (the source name stays whole), asked only for device alarms', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date(2026, 10, 27, 10, 6, 0) });
    const seen = fakeApi(() => ({ status: 200, data: status() }));
    showBoth();
    await waitFor(() =>
      expect(deviceRow()).toHaveTextContent('plc-02PLC 2 comm failure✕ NOT CONNECTED · no good poll since 10:01:00 (5 min 00 s) · 12 failed polls in a row · last error: connect ECONNREFUSED 10.0.0.2:502'),
    );
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /devices/plc-02/status']);
    // One line in the summary cuts it short: the whole status is in its tooltip.
    expect(deviceRow().querySelector('.device-comm')).toHaveAttribute('title', '✕ NOT CONNECTED · no good poll since 10:01:00 (5 min 00 s) · 12 failed polls in a row · last error: connect ECONNREFUSED 10.0.0.2:502');
    // The list sorts itself (the critical sensor alarm on top): the other row by its id.
    expect(within(rows().find((r) => r !== deviceRow())!).queryByText(/connected/i)).toBeNull();
  });

  test('the list does not wait for the status, and a status that cannot be loaded says so', async () => {
    let answer: ((r: { status: number; data?: unknown }) => void) | undefined;
    fakeApi(() => new Promise((resolve) => (answer = resolve)));
    showBoth();
    expect(rows()).toHaveLength(2);
    expect(deviceRow()).toHaveTextContent('Device status loading…');
    await waitFor(() => expect(answer).toBeDefined());
    expect(deviceRow()).toHaveTextContent('Device status loading…');
    answer!({ status: 503, data: { statusCode: 503, error: 'Service Unavailable', message: 'IDM is starting' } });
    await waitFor(() => expect(deviceRow()).toHaveTextContent('Device status cannot be loaded: IDM is starting'));
  });

  test('is re-read while the row is shown, and no more once it is gone', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let answer = status();
    const seen = fakeApi(() => ({ status: 200, data: answer }));
    const view = showBoth();
    await waitFor(() => expect(deviceRow()).toHaveTextContent('NOT CONNECTED'));
    answer = status({ state: 'connected', connected: true, consecutive_failures: 0, last_good_poll_at: new Date(2026, 10, 27, 10, 7, 30).getTime() });
    await act(() => vi.advanceTimersByTimeAsync(DEVICE_STATUS_REFRESH_MS));
    await waitFor(() => expect(deviceRow()).toHaveTextContent('plc-02PLC 2 comm failureconnected · last good poll 10:07:30'));
    expect(deviceRow()).not.toHaveTextContent('ECONNREFUSED');
    view.unmount();
    const calls = seen.length;
    await act(() => vi.advanceTimersByTimeAsync(3 * DEVICE_STATUS_REFRESH_MS));
    expect(seen).toHaveLength(calls);
  });
});

describe('the alarm summary an operator works', () => {
  const FLOOD = [
    ...ALARMS.filter((a) => a.id !== 'TT-101'), // FT-401, PT-201, LT-301, VT-501 (shelved)
    alarm('ZT-900', { priority: 'medium', raised_at: '2026-11-27T10:06:00Z', in_flood: true, message: 'ZT-900 a very long message '.repeat(8) }),
  ];
  const ids = () => rows().map((r) => r.getAttribute('data-alarm-id'));

  test('sorts by a column header, either way, and says so with aria-sort', async () => {
    const user = userEvent.setup();
    render(
      <MemoryRouter>
        <AlarmList alarms={FLOOD} />
      </MemoryRouter>,
    );
    const header = (name: string) => screen.getByRole('button', { name: new RegExp(`^${name}`) }).closest('th')!;
    expect(header('Priority')).toHaveAttribute('aria-sort', 'ascending');
    await user.click(screen.getByRole('button', { name: /^Raised/ }));
    expect(header('Raised')).toHaveAttribute('aria-sort', 'descending');
    expect(header('Priority')).not.toHaveAttribute('aria-sort');
    expect(ids()).toEqual(['ZT-900', 'FT-401', 'LT-301', 'VT-501', 'PT-201']);
    await user.click(screen.getByRole('button', { name: /^Raised/ }));
    expect(header('Raised')).toHaveAttribute('aria-sort', 'ascending');
    expect(ids()).toEqual(['PT-201', 'VT-501', 'LT-301', 'FT-401', 'ZT-900']);
    await user.click(screen.getByRole('button', { name: /^Source/ }));
    expect(ids()).toEqual(['FT-401', 'LT-301', 'PT-201', 'VT-501', 'ZT-900']);
    await user.click(screen.getByRole('button', { name: /^State/ }));
    // Unacknowledged first (by priority within), then acknowledged, then shelved.
    expect(ids()).toEqual(['FT-401', 'LT-301', 'ZT-900', 'PT-201', 'VT-501']);
  });

  test('marks the first-out alarm, keeps a long message on one line with its full text in the title', () => {
    render(
      <MemoryRouter>
        <AlarmList alarms={FLOOD} firstOut={new Set(['PT-201'])} />
      </MemoryRouter>,
    );
    const pt = rows().find((r) => r.getAttribute('data-alarm-id') === 'PT-201')!;
    expect(within(pt).getByText('1st')).toHaveAttribute('title', 'First out: the first alarm of the flood');
    expect(screen.getAllByText('1st')).toHaveLength(1);
    const zt = rows().find((r) => r.getAttribute('data-alarm-id') === 'ZT-900')!;
    expect(zt.querySelector('td.msg')).toHaveAttribute('title', FLOOD[4].message);
  });

  test('rows work from the keyboard: arrows move, Enter opens the history, A acknowledges', async () => {
    initConfig({});
    fakeApi((req) => ({ status: 200, data: { ...ALARMS[0], history: [], url: req.url } }));
    const user = userEvent.setup();
    const actions = fakeActions();
    show(actions);
    rows()[0].focus();
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(rows()[1]);
    await user.keyboard('{ArrowDown}{ArrowUp}{ArrowUp}{ArrowUp}');
    expect(document.activeElement).toBe(rows()[0]);
    await user.keyboard('a');
    expect(actions.acknowledge).toHaveBeenCalledWith(['FT-401']);
    // An acknowledged alarm is not acknowledged again.
    rows()[1].focus();
    await user.keyboard('A');
    expect(actions.acknowledge).toHaveBeenCalledTimes(1);
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('list', { name: 'History of PT-201 high' })).toBeInTheDocument();
  });
});

test('a value reads as on its tile: with its unit, a bool in its state words, a bad or non-number reading BAD, NaN or +Inf, never its placeholder 0.000', () => {
  const tag = (sensor_id: string, over: Partial<TagInfo> = {}): [string, TagInfo] => [sensor_id, { sensor_id, device_id: 'plc-1', area: 'Boiler house', unit: 'bar', description: '', ...over }];
  const sources: AlarmSources = {
    ...NO_SOURCES,
    tags: new Map([tag('TT-BAD'), tag('TT-NAN'), tag('TT-INF'), tag('TT-OK'), tag('PT-7'), tag('RUN-1', { source: { register_type: 'coil', address: 1, data_type: 'bool', word_order: 'big', byte_order: 'big' } as never, unit: '' }), tag('RUN-2', { source: { register_type: 'coil', address: 2, data_type: 'bool', word_order: 'big', byte_order: 'big' } as never, state_words: { '0': 'STOP', '1': 'RUN' } })]),
  };
  render(
    <MemoryRouter>
      <AlarmList
        alarms={[
          alarm('TT-BAD', { last_value: 0, last_reading: 'bad' }),
          alarm('TT-NAN', { last_value: null, last_reading: 'NaN' }),
          alarm('TT-INF', { last_value: null, last_reading: '+Inf' }),
          alarm('TT-OK', { last_value: 0, last_reading: 'good' }),
          alarm('PT-7', { last_value: 7.3871, last_reading: 'good' }),
          alarm('RUN-1', { last_value: 1, last_reading: 'good' }),
          alarm('RUN-2', { last_value: 0, last_reading: 'good' }),
          alarm('NO-TAG', { last_value: 12.5, last_reading: 'good' }), // posted over REST: no tag, no unit
        ]}
        sources={sources}
      />
    </MemoryRouter>,
  );
  const value = (id: string) => rows().find((r) => r.getAttribute('data-alarm-id') === id)!.querySelector('td.value')!.textContent;
  expect(['TT-BAD', 'TT-NAN', 'TT-INF', 'TT-OK', 'PT-7', 'RUN-1', 'RUN-2', 'NO-TAG'].map(value)).toEqual(['BAD', 'NaN', '+Inf', '0.000 bar', '7.39 bar', 'ON', 'STOP', '12.50']);
});

test('device and asset sources read by name with the id in the tooltip, and sort by that name', async () => {
  const user = userEvent.setup();
  const asset = alarm('asset:pump-p101|multivariate', { source_type: 'asset', source_id: 'pump-p101', sensor_id: null, raised_at: '2026-11-27T10:03:00Z' });
  const device = alarm('device:dev-7f3a|comm_failure', { source_type: 'device', source_id: 'dev-7f3a', sensor_id: null, raised_at: '2026-11-27T10:02:00Z', message: 'Communication failure: PLC 03 (Timed out)' });
  const sensor = alarm('TT-101', { raised_at: '2026-11-27T10:01:00Z' });
  fakeApi(() => new Promise(() => {}));
  const sources: AlarmSources = { ...NO_SOURCES, devices: new Map([['dev-7f3a', { name: 'PLC 03' }]]), assets: new Map([['pump-p101', { name: 'Pump P-101', area: 'Tank farm' }]]) };
  render(
    <MemoryRouter>
      <AlarmList alarms={[asset, device, sensor]} sources={sources} />
    </MemoryRouter>,
  );
  const row = (id: string) => rows().find((r) => r.getAttribute('data-alarm-id') === id)!;
  expect(within(row(asset.id)).getByRole('link', { name: 'Pump P-101' })).toHaveAttribute('title', 'asset id pump-p101');
  expect(within(row(device.id)).getByText('PLC 03')).toHaveAttribute('title', 'device id dev-7f3a');
  expect(row(device.id)).not.toHaveTextContent('dev-7f3a');
  await user.click(screen.getByRole('button', { name: /^Source/ }));
  expect(rows().map((r) => r.querySelector('.src-line')!.firstChild!.textContent)).toEqual(['PLC 03', 'Pump P-101', 'TT-101']);
});

describe('a flood of a thousand alarms', () => {
  const MANY = Array.from({ length: 1000 }, (_, i) =>
    alarm(`S-${String(i).padStart(4, '0')}`, { priority: (['critical', 'high', 'medium', 'low'] as const)[i % 4], raised_at: new Date(Date.parse('2026-11-27T08:00:00Z') + i * 1000).toISOString() }),
  );
  afterEach(() => vi.restoreAllMocks());

  test('renders only the rows near the viewport, with the rest as spacer height; sorting and first-out still cover all of them', async () => {
    const user = userEvent.setup();
    render(
      <MemoryRouter>
        <AlarmList alarms={MANY} actions={fakeActions()} firstOut={new Set(['S-0000'])} />
      </MemoryRouter>,
    );
    const shown = rows();
    expect(shown.length).toBeGreaterThan(20);
    expect(shown.length).toBeLessThan(100);
    const spacer = document.querySelector<HTMLElement>('tr.row-spacer')!;
    expect(parseFloat(spacer.style.height)).toBe((1000 - shown.length) * 30);
    // "Acknowledge all" covers every alarm, not just the rendered ones.
    expect(screen.getByRole('button', { name: 'Acknowledge all (1000)' })).toBeInTheDocument();
    // Oldest first: the first-out alarm (the oldest) comes to the top, marked.
    await user.click(screen.getByRole('button', { name: /^Raised/ }));
    await user.click(screen.getByRole('button', { name: /^Raised/ }));
    expect(rows()[0]).toHaveAttribute('data-alarm-id', 'S-0000');
    expect(within(rows()[0]).getByText('1st')).toBeInTheDocument();
  }, 20_000);

  test('scrolling renders the rows then in view, and the arrow keys walk past the rendered ones', async () => {
    const user = userEvent.setup();
    render(
      <MemoryRouter>
        <AlarmList alarms={MANY} />
      </MemoryRouter>,
    );
    const body = document.querySelector('tbody')!;
    // jsdom has no layout: the page scrolled 3 000 px (row 100 at the top) stands in for scrolling.
    let scrollY = 3000;
    vi.spyOn(window, 'scrollY', 'get').mockImplementation(() => scrollY);
    vi.spyOn(body, 'getBoundingClientRect').mockImplementation(() => ({ top: -scrollY }) as DOMRect);
    window.scrollTo = vi.fn((opts?: ScrollToOptions | number) => {
      scrollY = (opts as ScrollToOptions).top ?? 0;
    }) as typeof window.scrollTo;
    await act(async () => {
      window.dispatchEvent(new Event('scroll'));
      await new Promise((r) => requestAnimationFrame(r));
    });
    const ids = rows().map((r) => r.getAttribute('data-alarm-id'));
    const sorted = sortAlarmsBy(MANY, { key: 'priority', dir: 'asc' }).map((a) => a.id);
    expect(ids).toContain(sorted[100]);
    expect(ids).not.toContain(sorted[0]);
    // The last rendered row, then one more down: a row not rendered a moment ago gets the focus.
    const last = rows().at(-1)!;
    const i = sorted.indexOf(last.getAttribute('data-alarm-id')!);
    last.focus();
    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(document.activeElement?.getAttribute('data-alarm-id')).toBe(sorted[i + 1]));
    expect(window.scrollTo).toHaveBeenCalled();
  }, 20_000);
});
