// Input checks against serving references held in memory, recorded nowhere:
// the rescore bench tallies what it scores as the nightly refresh does without
// a registry to read references from or a table to write checks to.
import { tallyAgainst, type FeatureHistogram, type FeatureTally } from './histogram.js';
import { DEFAULT_PSI_THRESHOLD } from './psi.js';
import { tallyPsi, verdictOf, versionOf, type DriftCheck, type InputMonitor } from './monitor.js';

export class MemoryMonitor implements InputMonitor {
  /** `references` by model: what servingReference made of each version's holdout; a model without one is not checked. */
  constructor(private readonly references: Readonly<Record<string, readonly FeatureHistogram[] | null | undefined>>, readonly threshold = DEFAULT_PSI_THRESHOLD) {}

  async servingTally(model: string, _served: string, columns: readonly string[]): Promise<FeatureTally | null> {
    return tallyAgainst(this.references[model], columns);
  }

  async checkTally(model: string, served: string, tally: FeatureTally, source: string): Promise<DriftCheck | null> {
    const features = tallyPsi(tally, this.threshold);
    if (!features) return null;
    return {
      id: 0, model, version: versionOf(served), source, rows: tally.rows, threshold: this.threshold, ...verdictOf(features), features, checkedAt: new Date().toISOString(),
    };
  }
}
