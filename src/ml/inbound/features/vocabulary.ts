// A vocabulary chosen on the training set: features seen in enough documents,
// ranked by how much they tell the labels apart (chi-square), weighted by IDF.
// A fixed vocabulary keeps the tfjs input small enough to train in a minute on
// two cores; unknown features at scoring time are simply ignored.
import type { PreparedMessage } from '../text/prepare.js';
import { FeatureList, NgramIndex } from './ngramIndex.js';
import type { NgramOptions } from './ngrams.js';

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
  private readonly idf: Float64Array;
  private readonly concept: Uint8Array;
  private readonly ngramIndexes = new Map<string, NgramIndex>();
  // Scratch of a vectorisation (scoring is synchronous): count per feature, features in order of first sight, their weights.
  private readonly counts: Int32Array;
  private readonly weights: Float64Array;
  private readonly seen: Int32Array;
  private nSeen = 0;
  private readonly found = new FeatureList();

  constructor(readonly vocabulary: Vocabulary) {
    this.index = new Map(vocabulary.features.map((f, i) => [f, i]));
    this.idf = Float64Array.from(vocabulary.idf);
    this.concept = Uint8Array.from(vocabulary.features, (f) => (isConceptFeature(f) ? 1 : 0));
    this.counts = new Int32Array(vocabulary.features.length);
    this.weights = new Float64Array(vocabulary.features.length);
    this.seen = new Int32Array(vocabulary.features.length);
  }

  get size(): number {
    return this.vocabulary.features.length;
  }

  /**
   * Sublinear TF × IDF, features in order of first occurrence. The hand-written concepts and flags
   * ("k:", "sk:", "f:") are L2-normalised apart from the n-grams: a dozen
   * concepts would otherwise weigh nothing next to hundreds of n-grams.
   */
  vectorize(counts: Map<string, number>): SparseVector {
    this.nSeen = 0;
    for (const [f, count] of counts) {
      const i = this.index.get(f);
      if (i === undefined) continue;
      this.counts[i] = count;
      this.seen[this.nSeen++] = i;
    }
    return this.weigh();
  }

  /** The same vector as vectorize(ngramCounts(message, options)), without naming every n-gram of the message. */
  vectorizeMessage(message: PreparedMessage, options: NgramOptions): SparseVector {
    const key = `${options.charLengths.join(',')}|${options.bigrams}`;
    let ngrams = this.ngramIndexes.get(key);
    if (!ngrams) this.ngramIndexes.set(key, (ngrams = new NgramIndex(this.vocabulary.features, options)));
    const found = this.found;
    found.length = 0;
    ngrams.collect(message, found);
    const { counts, seen } = this;
    let n = 0;
    for (let k = 0; k < found.length; k++) {
      const i = found.indices[k];
      if (counts[i]++ === 0) seen[n++] = i;
    }
    this.nSeen = n;
    return this.weigh();
  }

  /** Weighs the counted features, then clears the scratch. */
  private weigh(): SparseVector {
    const { counts, weights, idf, concept } = this;
    const n = this.nSeen;
    const indices = this.seen.slice(0, n);
    let ngramNorm = 0;
    let conceptNorm = 0;
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      const count = counts[i];
      const v = (count === 1 ? 1 : 1 + Math.log(count)) * idf[i];
      weights[k] = v;
      counts[i] = 0;
      if (concept[i]) conceptNorm += v * v;
      else ngramNorm += v * v;
    }
    const ngramScale = ngramNorm > 0 ? 1 / Math.sqrt(ngramNorm) : 0;
    const conceptScale = conceptNorm > 0 ? CONCEPT_WEIGHT / Math.sqrt(conceptNorm) : 0;
    const values = new Float32Array(n);
    for (let k = 0; k < n; k++) values[k] = weights[k] * (concept[indices[k]] ? conceptScale : ngramScale);
    return { indices, values };
  }
}
