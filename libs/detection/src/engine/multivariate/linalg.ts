/**
 * Small dense linear algebra for the multivariate detector: symmetric matrices as row-major `number[]`
 * (k×k), so states serialise as plain JSON and nothing allocates per sample.
 */

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: eigenvalues descending, vectors as columns. */
export function symmetricEigen(matrix: readonly number[], k: number): { values: number[]; vectors: number[] } {
  const a = matrix.slice();
  const v = new Array<number>(k * k).fill(0);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < k; p++) {
      diag += a[p * k + p] * a[p * k + p];
      for (let q = p + 1; q < k; q++) off += a[p * k + q] * a[p * k + q];
    }
    if (off <= 1e-22 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p];
          const arq = a[r * k + q];
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r];
          const aqr = a[q * k + r];
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p];
          const vrq = v[r * k + q];
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((i, j) => a[j * k + j] - a[i * k + i]);
  const values = order.map((i) => a[i * k + i]);
  const vectors = new Array<number>(k * k);
  order.forEach((src, dst) => {
    for (let r = 0; r < k; r++) vectors[r * k + dst] = v[r * k + src];
  });
  return { values, vectors };
}

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
