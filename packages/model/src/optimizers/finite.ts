/** Index of the first NaN or ±Infinity in `values`, or -1 when all are finite. */
export function firstNonFinite(values: Float64Array): number {
  // x * 0 is 0 for finite x and NaN for NaN/±Infinity, so one branch-free pass
  // answers "all finite?"; the index is only searched for in the rare bad case.
  let probe = 0;
  for (let j = 0; j < values.length; j++) probe += (values[j] as number) * 0;
  if (probe === 0) return -1;
  for (let j = 0; j < values.length; j++) if (!Number.isFinite(values[j])) return j;
  return -1;
}
