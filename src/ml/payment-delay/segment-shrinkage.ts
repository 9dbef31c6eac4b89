// How far a segment's own mean may move its prior away from the portfolio's
// (empirical Bayes, one quantity at a time). What differs between segments is
// their customers, so the evidence of a segment is counted in customers, not in
// invoices: a segment of 3 customers and 600 invoices is 3 draws of customer
// behaviour, and its mean is mostly which 3 customers it happened to get.

/** One customer's evidence on a quantity: the sum of its per-invoice values and how many there were. */
export interface CustomerEvidence {
  sum: number;
  count: number;
}

/**
 * Weight w of each segment's mean (prior = portfolio + w × (segment − portfolio)),
 * w = T / (T + V): T the variance of the true segment means (method of moments
 * from the observed ones), V the sampling variance of one segment's
 * invoice-weighted mean, v / Ceff: v the variance of customer means within a
 * segment, Ceff = (Σ nᵢ)² / Σ nᵢ² its effective number of customers (a segment
 * dominated by one big customer counts as about one). With fewer than two
 * segments to compare, or segments no more different than their customers
 * would make them by chance, T = 0 and every segment takes the portfolio's value.
 */
export function segmentWeights(segments: readonly (readonly CustomerEvidence[])[]): number[] {
  const stats = segments.map((customers) => {
    const seen = customers.filter((c) => c.count > 0);
    const total = seen.reduce((a, c) => a + c.count, 0);
    const squares = seen.reduce((a, c) => a + c.count * c.count, 0);
    const means = seen.map((c) => c.sum / c.count);
    const plain = means.reduce((a, b) => a + b, 0) / Math.max(means.length, 1);
    return {
      mean: total ? seen.reduce((a, c) => a + c.sum, 0) / total : NaN,
      effectiveCustomers: total ? (total * total) / squares : 0,
      deviation: means.reduce((a, m) => a + (m - plain) ** 2, 0),
      df: Math.max(means.length - 1, 0),
    };
  });
  const df = stats.reduce((a, s) => a + s.df, 0);
  const compared = stats.filter((s) => s.effectiveCustomers > 0);
  if (df === 0 || compared.length < 2) return segments.map(() => 0);
  const withinVariance = stats.reduce((a, s) => a + s.deviation, 0) / df;
  const centre = compared.reduce((a, s) => a + s.mean, 0) / compared.length;
  const observed = compared.reduce((a, s) => a + (s.mean - centre) ** 2, 0) / (compared.length - 1);
  const sampling = compared.reduce((a, s) => a + withinVariance / s.effectiveCustomers, 0) / compared.length;
  const between = Math.max(observed - sampling, 0);
  return stats.map((s) => (s.effectiveCustomers > 0 && between > 0 ? between / (between + withinVariance / s.effectiveCustomers) : 0));
}
