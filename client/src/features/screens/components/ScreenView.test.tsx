import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { ScreenDto } from '@idm/contracts';
import { initConfig } from '../../../config';
import { LiveClient } from '../../../lib/live/live-client';
import { LiveProvider } from '../../../lib/live/LiveProvider';
import { alarmFixture } from '../../../test/fixtures';
import { FakeSocket } from '../../../test/fake-socket';
import { ScreenView } from './ScreenView';

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100">' +
  '<text id="temp" x="10" y="20">--</text>' +
  '<circle id="pump" cx="100" cy="50" r="10"/>' +
  '<rect id="vessel" x="150" y="10" width="20" height="80"/>' +
  '<rect id="to-boiler" x="0" y="90" width="10" height="10"/>' +
  '</svg>';
const SCREEN = {
  id: 'plant', name: 'Plant', area: 'Plant', parent_id: null, version: 1, updated_at: '', updated_by: null, tags: ['TT-1', 'LT-1'],
  binding_count: 4, unknown_tags: [], active_alarms: 0, binding_problems: [], svg: SVG,
  bindings: [
    { element_id: 'temp', kind: 'value', tag: 'TT-1', format: '0.0', unit: '°C', source: 'attributes', known: true },
    { element_id: 'pump', kind: 'state', tag: 'TT-1', source: 'attributes', known: true },
    { element_id: 'vessel', kind: 'level', tag: 'LT-1', min: 0, max: 10, source: 'attributes', known: true },
    { element_id: 'to-boiler', kind: 'link', link: 'screen:boiler', source: 'attributes', known: true },
  ],
} as ScreenDto;

let socket: FakeSocket;
let live: LiveClient;

function Where() {
  return <p data-testid="where">{useLocation().pathname}</p>;
}

beforeEach(() => {
  initConfig({});
  socket = new FakeSocket();
  live = new LiveClient({ url: 'http://idm', staleAfterMs: 60_000, sampleIntervalMs: 500, socketFactory: (() => socket) as never });
  act(() => socket.connect());
  render(
    <MemoryRouter initialEntries={['/graphics/plant']}>
      <LiveProvider client={live}>
        <Routes>
          <Route path="/graphics/plant" element={<ScreenView screen={SCREEN} />} />
          <Route path="*" element={<Where />} />
        </Routes>
      </LiveProvider>
    </MemoryRouter>,
  );
});
afterEach(() => {
  cleanup();
  live.close();
});

const el = (id: string) => document.getElementById(id) as unknown as SVGElement;
const sample = (sensor_id: string, value: number, quality = 'good') => ({ sensor_id, value, timestamp: new Date().toISOString(), quality, status: 'normal' });
const frame = () => act(() => new Promise((r) => setTimeout(r, 40)));

test('subscribes once to the tags on the screen and shows values with format and unit, and the level fill', async () => {
  const subscribed = socket.sentOf('samples:subscribe').flatMap((p) => (p as { sensor_ids: string[] }).sensor_ids);
  expect(subscribed.sort()).toEqual(['LT-1', 'TT-1']);
  act(() => {
    socket.fire('sample', sample('TT-1', 71.26));
    socket.fire('sample', sample('LT-1', 2.5));
  });
  // Polled rather than one fixed wait: under load the screen's frame can come later than 40 ms.
  await waitFor(() => expect(el('temp')).toHaveTextContent('71.3 °C'));
  await waitFor(() => expect(document.querySelector('[data-idm-for="vessel"]')?.getAttribute('data-fraction')).toBe('0.250'));
  expect(document.querySelector('[data-idm-for="vessel"]')?.getAttribute('height')).toBe('20');
});

test('an alarm colours the bound shape and adds the priority shape, number and word; bad quality is hatched and labelled', async () => {
  act(() => socket.fire('sample', sample('TT-1', 95)));
  act(() => socket.fire('alarms:snapshot', { seq: 1, flood: false, alarms: [alarmFixture('a1', { sensor_id: 'TT-1', source_id: 'TT-1', priority: 'critical' })] }));
  await frame();
  expect(el('pump')).toHaveClass('idm-alarm-critical', 'idm-unacked');
  const flag = document.querySelector('[data-idm-flag-for="pump"]')!;
  expect(flag).toHaveClass('idm-flag-critical');
  expect(flag.querySelector('.idm-flag-num')).toHaveTextContent('1');
  expect(flag.querySelector('.idm-flag-word')).toHaveTextContent('UNACK');
  act(() => socket.fire('sample', sample('TT-1', 0, 'bad')));
  await frame();
  expect(el('temp')).toHaveTextContent('BAD');
  expect(el('pump')).toHaveClass('idm-untrusted');
  expect(document.querySelector('[data-idm-flag-for="pump"] .idm-flag-word')).toHaveTextContent('BAD');
});

test("a value that cannot be trusted says so once, in its own text: its flag carries only an alarm", async () => {
  act(() => socket.fire('sample', sample('TT-1', 0, 'comm_failure')));
  await frame();
  expect(el('temp')).toHaveTextContent('COMM FAIL');
  expect(document.querySelector<SVGGElement>('[data-idm-flag-for="temp"]')!.style.display).toBe('none');
  // The shape beside it still takes the word: it has no text of its own.
  expect(document.querySelector('[data-idm-flag-for="pump"] .idm-flag-word')).toHaveTextContent('COMM FAIL');
  act(() => socket.fire('alarms:snapshot', { seq: 1, flood: false, alarms: [alarmFixture('a1', { sensor_id: 'TT-1', source_id: 'TT-1', priority: 'high' })] }));
  await frame();
  const flag = document.querySelector<SVGGElement>('[data-idm-flag-for="temp"]')!;
  expect(flag.style.display).toBe('');
  expect(flag.querySelector('.idm-flag-word')).toHaveTextContent('UNACK');
});

test('clicking a link element opens the linked screen', async () => {
  fireEvent.click(el('to-boiler'));
  expect(await screen.findByTestId('where')).toHaveTextContent('/graphics/boiler');
});

test('clicking a value opens its sensor’s detail', async () => {
  fireEvent.click(el('temp'));
  expect(await screen.findByTestId('where')).toHaveTextContent('/sensors/TT-1');
});
