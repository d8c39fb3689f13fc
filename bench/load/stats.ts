/** Order statistics of the load benchmark's samples. */

/** The q-quantile (0 ≤ q ≤ 1) of `xs`, nearest rank; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}
