// A vocabulary chosen on the training set: features seen in enough documents,
// ranked by how much they tell the labels apart (chi-square), weighted by IDF.
// A fixed vocabulary keeps the tfjs input small enough to train in a minute on
// two cores; unknown features at scoring time are simply ignored.

export interface Vocabulary {
  features: string[];
  idf: number[];
}

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface VocabularyOptions {
  maxFeatures: number;
  minDocs: number;
}

/** Picks the features that best separate `labels` (one class index per document). */
export function buildVocabulary(docs: Array<Map<string, number>>, labels: number[], classes: number, options: VocabularyOptions): Vocabulary {
  const n = docs.length;
  const df = new Map<string, number>();
  const dfByClass = new Map<string, Float64Array>();
  const classDocs = new Float64Array(classes);
  docs.forEach((doc, d) => {
    const c = labels[d];
    classDocs[c]++;
    for (const f of doc.keys()) {
      df.set(f, (df.get(f) ?? 0) + 1);
      let row = dfByClass.get(f);
      if (!row) dfByClass.set(f, (row = new Float64Array(classes)));
      row[c]++;
    }
  });
  const scored: Array<[string, number]> = [];
  for (const [f, total] of df) {
    if (total < options.minDocs) continue;
    const row = dfByClass.get(f)!;
    let best = 0;
    for (let c = 0; c < classes; c++) {
      const a = row[c];
      const b = total - a;
      const cc = classDocs[c] - a;
      const d = n - total - cc;
      const den = (a + cc) * (b + d) * (a + b) * (cc + d);
      if (den > 0) best = Math.max(best, (n * (a * d - b * cc) ** 2) / den);
    }
    scored.push([f, best]);
  }
  scored.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  const features = scored.slice(0, options.maxFeatures).map(([f]) => f).sort();
  const idf = features.map((f) => Math.log((1 + n) / (1 + df.get(f)!)) + 1);
  return { features, idf };
}

const CONCEPT_WEIGHT = 1;

function isConceptFeature(feature: string): boolean {
  return feature.startsWith('k:') || feature.startsWith('sk:') || feature.startsWith('f:');
}

export class Vectorizer {
  private readonly index: Map<string, number>;

  constructor(readonly vocabulary: Vocabulary) {
    this.index = new Map(vocabulary.features.map((f, i) => [f, i]));
  }

  get size(): number {
    return this.vocabulary.features.length;
  }

  /**
   * Sublinear TF × IDF, sorted by index. The hand-written concepts and flags
   * ("k:", "sk:", "f:") are L2-normalised apart from the n-grams: a dozen
   * concepts would otherwise weigh nothing next to hundreds of n-grams.
   */
  vectorize(counts: Map<string, number>): SparseVector {
    const pairs: Array<[number, number, boolean]> = [];
    let ngramNorm = 0;
    let conceptNorm = 0;
    for (const [f, count] of counts) {
      const i = this.index.get(f);
      if (i === undefined) continue;
      const v = (1 + Math.log(count)) * this.vocabulary.idf[i];
      const concept = isConceptFeature(f);
      pairs.push([i, v, concept]);
      if (concept) conceptNorm += v * v;
      else ngramNorm += v * v;
    }
    pairs.sort((a, b) => a[0] - b[0]);
    const ngramScale = ngramNorm > 0 ? 1 / Math.sqrt(ngramNorm) : 0;
    const conceptScale = conceptNorm > 0 ? CONCEPT_WEIGHT / Math.sqrt(conceptNorm) : 0;
    return { indices: Int32Array.from(pairs, (p) => p[0]), values: Float32Array.from(pairs, (p) => p[1] * (p[2] ? conceptScale : ngramScale)) };
  }
}
