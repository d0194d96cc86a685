/** Small deterministic hashing and PRNG: the plant must produce the same values for the same seed. */

/** 32-bit integer hash of several integers (a mix of xorshift-multiply rounds, well distributed). */
export function hash32(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p | 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    h = Math.imul(h, 0x297a2d39);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Uniform in [0, 1) from a hash. */
export function unit(...parts: number[]): number {
  return hash32(...parts) / 4294967296;
}

/** Roughly standard-normal (Irwin-Hall of 4 uniforms, scaled): enough for sensor noise, bounded tails. */
export function gauss(...parts: number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) s += unit(...parts, i);
  return (s - 2) * Math.sqrt(3);
}
