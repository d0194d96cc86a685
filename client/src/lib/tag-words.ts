import type { TagStateWords } from '@idm/contracts';

/** A bool tag's words when it has none of its own (the tiles and the alarm list say the same). */
export const DEFAULT_STATE_WORDS: TagStateWords = { '0': 'OFF', '1': 'ON' };
