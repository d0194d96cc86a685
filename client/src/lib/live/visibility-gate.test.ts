import { expect, test } from 'vitest';
import { VisibilityGate } from './visibility-gate';

test('a closed gate holds changes back, says so once, and lets the view catch up when it opens', () => {
  const marks: boolean[] = [];
  const gate = new VisibilityGate((behind) => marks.push(behind));
  let renders = 0;
  gate.connect(() => renders++);
  gate.changed(true);
  expect(renders).toBe(1); // open by default: nothing is held back before the observer has said otherwise
  gate.setOpen(false);
  gate.changed(true);
  gate.changed(true);
  expect(renders).toBe(1);
  expect(marks).toEqual([true]);
  gate.setOpen(true);
  expect(renders).toBe(2);
  gate.rendered();
  expect(marks).toEqual([true, false]);
  // Opening with nothing held back costs no render.
  gate.setOpen(false);
  gate.setOpen(true);
  expect(renders).toBe(2);
});

test('a first value passes a closed gate, and a render for another reason clears what was held back', () => {
  const marks: boolean[] = [];
  const gate = new VisibilityGate((behind) => marks.push(behind));
  let renders = 0;
  gate.connect(() => renders++);
  gate.setOpen(false);
  gate.changed(false);
  expect(renders).toBe(1);
  gate.changed(true);
  expect(marks).toEqual([true]);
  gate.rendered(); // e.g. a new alarm re-rendered the view with the current value
  expect(marks).toEqual([true, false]);
  gate.setOpen(true);
  expect(renders).toBe(1);
});

test('a change on screen goes through the render budget; a first value and catching up on coming near do not', () => {
  const deferred: (() => void)[] = [];
  const gate = new VisibilityGate(undefined, (render) => deferred.push(render));
  let renders = 0;
  gate.connect(() => renders++);
  gate.changed(false); // first value: at once
  expect(renders).toBe(1);
  gate.changed(true);
  gate.changed(true);
  expect(renders).toBe(1);
  // The same render function each time, so a budget that dedupes renders the view once.
  expect(deferred).toHaveLength(2);
  expect(deferred[0]).toBe(deferred[1]);
  deferred[0]();
  expect(renders).toBe(2);
  gate.setOpen(false);
  gate.changed(true);
  gate.setOpen(true); // held back while off screen: shown at once when near again, not deferred
  expect(renders).toBe(3);
  expect(deferred).toHaveLength(2);
});
