/** Metrics compare two parallel sequences; a length mismatch is a caller bug. */
export function checkSameLength(metric: string, labels: ArrayLike<number>, other: ArrayLike<number>, otherName: string): void {
  if (labels.length !== other.length) {
    throw new Error(`${metric}: ${labels.length} labels but ${other.length} ${otherName}`);
  }
}
