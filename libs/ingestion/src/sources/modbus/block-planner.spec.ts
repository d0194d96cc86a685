import { planBlocks, PlannableTag } from './block-planner';

const reg = (key: string, address: number, width = 1, register_type: PlannableTag['register_type'] = 'holding'): PlannableTag => ({
  key, address, width, register_type,
});

describe('planBlocks', () => {
  it('reads contiguous tags in one request', () => {
    const plan = planBlocks([reg('a', 0, 2), reg('b', 2, 2), reg('c', 4, 1)], { gap: 0 });
    expect(plan).toEqual([{ register_type: 'holding', address: 0, count: 5, tags: [{ key: 'a', offset: 0 }, { key: 'b', offset: 2 }, { key: 'c', offset: 4 }] }]);
  });

  it('reads over a hole no larger than the gap, and splits on a larger one', () => {
    expect(planBlocks([reg('a', 0), reg('b', 5)], { gap: 4 })).toHaveLength(1);
    expect(planBlocks([reg('a', 0), reg('b', 6)], { gap: 4 })).toHaveLength(2);
    expect(planBlocks([reg('a', 0), reg('b', 2)], { gap: 0 })).toHaveLength(2);
  });

  it('never exceeds 125 registers per request and never splits a tag', () => {
    const tags = Array.from({ length: 100 }, (_, i) => reg(`t${i}`, i * 2, 2)); // 200 registers
    const plan = planBlocks(tags, { gap: 0 });
    expect(plan.map((b) => b.count)).toEqual([124, 76]);
    expect(plan.flatMap((b) => b.tags).length).toBe(100);
    for (const b of plan) for (const t of b.tags) expect(t.offset + 2).toBeLessThanOrEqual(b.count);
  });

  it('caps bit areas at 2000 bits and keeps areas apart', () => {
    const coils = Array.from({ length: 2500 }, (_, i) => reg(`c${i}`, i, 1, 'coil'));
    const plan = planBlocks([...coils, reg('h', 0, 1), reg('i', 0, 1, 'input')], { gap: 0 });
    expect(plan.map((b) => [b.register_type, b.count])).toEqual([['coil', 2000], ['coil', 500], ['holding', 1], ['input', 1]]);
  });

  it('sorts by address whatever the input order', () => {
    const plan = planBlocks([reg('b', 10), reg('a', 0)], { gap: 20 });
    expect(plan[0]).toMatchObject({ address: 0, count: 11, tags: [{ key: 'a', offset: 0 }, { key: 'b', offset: 10 }] });
  });
});
