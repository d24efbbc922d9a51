/** Shares `total` among groups in proportion to their sizes (Hamilton's method). */
export function largestRemainder(sizes: readonly number[], total: number): number[] {
  if (!(Number.isSafeInteger(total) && total >= 0)) throw new Error(`largestRemainder: total must be a non-negative integer, got ${total}`);
  const n = sizes.reduce((sum, size) => sum + size, 0);
  if (n === 0) return sizes.map(() => 0);
  const exact = sizes.map((size) => (size * total) / n);
  const quotas = exact.map(Math.floor);
  let missing = total - quotas.reduce((sum, q) => sum + q, 0);
  const byRemainder = sizes
    .map((size, c) => ({ c, size, remainder: (exact[c] as number) - (quotas[c] as number) }))
    .sort((a, b) => b.remainder - a.remainder || b.size - a.size || a.c - b.c);
  for (const { c } of byRemainder) {
    if (missing === 0) break;
    quotas[c] = (quotas[c] as number) + 1;
    missing--;
  }
  return quotas;
}
