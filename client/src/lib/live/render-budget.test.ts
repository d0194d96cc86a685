import { expect, test } from 'vitest';
import { FrameBatcher } from './frame-batcher';
import { RenderBudget } from './render-budget';

/** Frames the test steps by hand. */
function frames() {
  const pending: (() => void)[] = [];
  return {
    schedule: (cb: () => void) => void pending.push(cb),
    next: () => pending.splice(0).forEach((cb) => cb()),
    get armed() {
      return pending.length;
    },
  };
}

test('at most perFrame renders run in a frame; the rest run in order over the next frames', () => {
  const f = frames();
  const budget = new RenderBudget(4, f.schedule);
  const ran: number[] = [];
  for (let i = 0; i < 10; i++) budget.schedule(() => ran.push(i));
  expect(ran).toEqual([0, 1, 2, 3]); // the first ones at once: no added latency for a small change
  expect(budget.waiting).toBe(6);
  f.next();
  expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  f.next();
  expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(budget.waiting).toBe(0);
  // The frame after resets the budget and then nothing is armed any more (no idle frame loop).
  f.next();
  expect(f.armed).toBe(0);
  budget.schedule(() => ran.push(10));
  expect(ran.at(-1)).toBe(10);
});

test('a view queued twice renders once, in its first place; a render never overtakes one waiting', () => {
  const f = frames();
  const budget = new RenderBudget(2, f.schedule);
  const ran: string[] = [];
  const view = (name: string) => () => ran.push(name);
  const a = view('a');
  const b = view('b');
  const c = view('c');
  const d = view('d');
  budget.schedule(a);
  budget.schedule(b);
  budget.schedule(c);
  budget.schedule(d);
  budget.schedule(c);
  expect(ran).toEqual(['a', 'b']);
  f.next();
  expect(ran).toEqual(['a', 'b', 'c', 'd']);
  // Budget left in this frame, but something still waits: a new render queues behind it.
  budget.schedule(a);
  budget.schedule(b);
  budget.schedule(c);
  expect(ran).toEqual(['a', 'b', 'c', 'd']);
  f.next();
  expect(ran).toEqual(['a', 'b', 'c', 'd', 'a', 'b']);
  f.next();
  expect(ran).toEqual(['a', 'b', 'c', 'd', 'a', 'b', 'c']);
});

test('a frame batcher with maxPerFrame hands a burst over in order across frames', () => {
  const f = frames();
  const got: number[][] = [];
  const batcher = new FrameBatcher<number>((items) => got.push(items), 2, f.schedule);
  [1, 2, 3, 4, 5].forEach((n) => batcher.push(n));
  expect(got).toEqual([]);
  f.next();
  expect(got).toEqual([[1, 2]]);
  batcher.push(6);
  f.next();
  expect(got).toEqual([[1, 2], [3, 4]]);
  f.next();
  expect(got).toEqual([[1, 2], [3, 4], [5, 6]]);
  f.next();
  expect(f.armed).toBe(0);
});
