import { rng } from '../../libs/detection/src/engine/testing/signals';

/** Deterministic standard normals: the same samples, hence the same verdicts, on every run. */
export function normals(seed: number): () => number {
  const uniform = rng(seed);
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

/** A pump: a common load drives flow, pressure (against flow) and current; `broken` turns pressure the wrong way. */
export function pump(seed: number): (broken?: boolean) => [number, number, number] {
  const n = normals(seed);
  let load = 0;
  return (broken = false) => {
    load = 0.98 * load + 0.2 * n();
    const l = Math.max(-1, Math.min(1, load));
    return [50 + 10 * l + 0.3 * n(), 4 + (broken ? 1 : -1) * 0.8 * l + 0.03 * n(), 12 + 2 * l + 0.08 * n()];
  };
}
