import type { RegisterType } from '@idm/contracts';
import { isBitArea, MAX_READ_BITS, MAX_READ_REGISTERS } from './data-types';

/** What the planner needs to know of a tag: where it is and how many registers/bits it spans. */
export interface PlannableTag {
  key: string;
  register_type: RegisterType;
  address: number;
  width: number;
}

/** One read request: a contiguous span of one area, and where each tag sits in it. */
export interface ReadBlock {
  register_type: RegisterType;
  address: number;
  count: number;
  tags: Array<{ key: string; offset: number }>;
}

export interface PlanOptions {
  /** Unused registers (bits, for coils/inputs) that may be read over to merge two spans. */
  gap: number;
  maxRegisters?: number;
  maxBits?: number;
}

const AREA_ORDER: RegisterType[] = ['coil', 'discrete_input', 'holding', 'input'];

/**
 * Plans the fewest read requests for a device's tags: per area, tags sorted by address are merged into one
 * block while the hole between them is at most `gap` and the block stays within the protocol maximum
 * (125 registers / 2000 bits). Greedy left-to-right is optimal here: a block can only end early because of
 * the size cap or a hole larger than the gap, and starting the next block at the next tag is never worse.
 */
export function planBlocks(tags: readonly PlannableTag[], opts: PlanOptions): ReadBlock[] {
  const gap = Math.max(0, Math.floor(opts.gap));
  const blocks: ReadBlock[] = [];
  for (const area of AREA_ORDER) {
    const max = isBitArea(area) ? (opts.maxBits ?? MAX_READ_BITS) : (opts.maxRegisters ?? MAX_READ_REGISTERS);
    const inArea = tags.filter((t) => t.register_type === area).sort((a, b) => a.address - b.address || b.width - a.width);
    let cur: ReadBlock | null = null;
    for (const t of inArea) {
      if (t.width > max) throw new RangeError(`tag ${t.key} spans ${t.width}, more than one request can read (${max})`);
      const end = t.address + t.width; // exclusive
      if (cur) {
        const curEnd = cur.address + cur.count;
        const hole = t.address - curEnd;
        const newCount = Math.max(curEnd, end) - cur.address;
        if (hole <= gap && newCount <= max) {
          cur.count = newCount;
          cur.tags.push({ key: t.key, offset: t.address - cur.address });
          continue;
        }
      }
      cur = { register_type: area, address: t.address, count: t.width, tags: [{ key: t.key, offset: 0 }] };
      blocks.push(cur);
    }
  }
  return blocks;
}
