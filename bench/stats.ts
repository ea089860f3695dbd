/** Median and spread of one figure over several runs. */
export interface Spread {
  runs: number;
  median: number;
  min: number;
  max: number;
  p25: number;
  p75: number;
}

/** The q-quantile (0..1) of values, interpolated between the two nearest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);

  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function spreadOf(values: readonly number[]): Spread {
  return {
    runs: values.length,
    median: quantile(values, 0.5),
    min: Math.min(...values),
    max: Math.max(...values),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
  };
}
