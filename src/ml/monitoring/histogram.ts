// Feature histograms kept with a model version at training time: the
// reference that later inputs are compared with (population stability).
export type FeatureValue = number | string | boolean | null | undefined;

/** Input features by name, one value per example (typed arrays welcome for numbers). */
export type FeatureColumns = Record<string, ArrayLike<FeatureValue>>;

export interface NumericHistogram {
  feature: string;
  type: 'numeric';
  /** Upper bounds of each bin but the last: bin i holds edges[i-1] < x <= edges[i]. */
  edges: number[];
  /** edges.length + 1 counts. */
  counts: number[];
  missing: number;
  total: number;
}

export interface CategoricalHistogram {
  feature: string;
  type: 'categorical';
  categories: string[];
  /** One count per category. */
  counts: number[];
  /** Values outside `categories`. */
  other: number;
  missing: number;
  total: number;
}

export type FeatureHistogram = NumericHistogram | CategoricalHistogram;

export interface HistogramOptions {
  /** Quantile bins of numeric features (deciles by default). */
  bins?: number;
  /** Categories kept by name; the rarer ones are pooled as "other". */
  maxCategories?: number;
}

const isMissing = (v: FeatureValue): boolean =>
  v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));

function isNumericColumn(values: ArrayLike<FeatureValue>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!isMissing(v) && typeof v !== 'number') return false;
  }
  return true;
}

/** Bin edges at the quantiles of the training values; ties collapse, so a 0/1 feature gets two bins. */
function quantileEdges(sorted: Float64Array, bins: number): number[] {
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const q = sorted[Math.min(sorted.length - 1, Math.floor((b / bins) * sorted.length))];
    if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
  }
  // The largest value closes a bin of its own when it differs from the last edge.
  const max = sorted[sorted.length - 1];
  if (sorted.length && (edges.length === 0 || max > edges[edges.length - 1])) edges.push(max);
  return edges;
}

/** Index of the bin of x: the first edge >= x, or the overflow bin. */
export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function numericHistogram(feature: string, values: ArrayLike<FeatureValue>, bins: number): NumericHistogram {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (!isMissing(values[i])) present.push(values[i] as number);
  const sorted = Float64Array.from(present).sort();
  const edges = quantileEdges(sorted, bins);
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const x of present) counts[binOf(edges, x)]++;
  return { feature, type: 'numeric', edges, counts, missing: values.length - present.length, total: values.length };
}

function categoricalHistogram(feature: string, values: ArrayLike<FeatureValue>, maxCategories: number): CategoricalHistogram {
  const freq = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isMissing(v)) missing++;
    else freq.set(String(v), (freq.get(String(v)) ?? 0) + 1);
  }
  const ranked = [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = ranked.slice(0, maxCategories);
  const other = ranked.slice(maxCategories).reduce((s, [, n]) => s + n, 0);
  return {
    feature, type: 'categorical', categories: kept.map(([c]) => c), counts: kept.map(([, n]) => n), other, missing, total: values.length,
  };
}

/** One histogram per feature of the training data. */
export function buildHistograms(columns: FeatureColumns, options: HistogramOptions = {}): FeatureHistogram[] {
  const bins = options.bins ?? 10;
  const maxCategories = options.maxCategories ?? 20;
  return Object.keys(columns).sort().map((feature) => {
    const values = columns[feature];
    return isNumericColumn(values)
      ? numericHistogram(feature, values, bins)
      : categoricalHistogram(feature, values, maxCategories);
  });
}

/** Where one value falls in a reference's counts (the order countLike gives); `categories` indexes a categorical one's names. */
function slotOf(reference: FeatureHistogram, v: FeatureValue, categories: ReadonlyMap<string, number> | null): number {
  if (reference.type === 'numeric') {
    return isMissing(v) || typeof v !== 'number' ? reference.counts.length : binOf(reference.edges, v);
  }
  if (isMissing(v)) return reference.categories.length + 1;
  return categories!.get(String(v)) ?? reference.categories.length;
}

const emptyCounts = (reference: FeatureHistogram): number[] =>
  new Array<number>(reference.type === 'numeric' ? reference.counts.length + 1 : reference.categories.length + 2).fill(0);

const categoryIndex = (reference: FeatureHistogram): Map<string, number> | null =>
  reference.type === 'categorical' ? new Map(reference.categories.map((c, i) => [c, i])) : null;

/**
 * Counts of new values in the reference's bins, in the same order as the
 * reference's proportions: numeric bins, or categories then "other"; missing last.
 */
export function countLike(reference: FeatureHistogram, values: ArrayLike<FeatureValue>): number[] {
  const counts = emptyCounts(reference);
  const categories = categoryIndex(reference);
  for (let i = 0; i < values.length; i++) counts[slotOf(reference, values[i], categories)]++;
  return counts;
}

/**
 * countLike of every reference feature, fed one row at a time: a rescoring
 * streams its rows slice by slice and keeps none, so memory stays a few
 * counts a feature whatever the portfolio size.
 */
export class FeatureTally {
  private readonly columnOf: number[];
  private readonly categories: (Map<string, number> | null)[];
  private readonly tallies: number[][];
  rows = 0;

  /** `columns` names the values of each row added; a reference feature no column names is left out. */
  constructor(readonly reference: readonly FeatureHistogram[], columns: readonly string[]) {
    const at = new Map(columns.map((c, i) => [c, i]));
    this.columnOf = reference.map((h) => at.get(h.feature) ?? -1);
    this.categories = reference.map(categoryIndex);
    this.tallies = reference.map(emptyCounts);
  }

  add(row: ArrayLike<FeatureValue>): void {
    this.rows++;
    for (let f = 0; f < this.reference.length; f++) {
      const c = this.columnOf[f];
      if (c >= 0) this.tallies[f][slotOf(this.reference[f], row[c], this.categories[f])]++;
    }
  }

  /** Counts by feature, as countLike gives them. */
  counts(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    this.reference.forEach((h, f) => {
      if (this.columnOf[f] >= 0) out.set(h.feature, this.tallies[f]);
    });
    return out;
  }
}

/** The reference's own counts in the order countLike uses. */
export function referenceCounts(reference: FeatureHistogram): number[] {
  return reference.type === 'numeric'
    ? [...reference.counts, reference.missing]
    : [...reference.counts, reference.other, reference.missing];
}

/** A tally against `reference`, or null when there is none to count against (a version trained before references were kept). */
export function tallyAgainst(reference: readonly FeatureHistogram[] | null | undefined, columns: readonly string[]): FeatureTally | null {
  return reference && reference.length > 0 ? new FeatureTally(reference, columns) : null;
}
