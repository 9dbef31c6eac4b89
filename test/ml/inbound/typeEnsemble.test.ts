import { beforeAll, describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/ml/model.js';
import { generateEmails } from '../../../src/ml/inbound/corpus/index.js';
import { TypeClassifier, loadTypeClassifier, trainTypeClassifier } from '../../../src/ml/inbound/models/typeClassifier.js';
import { prepareMessage } from '../../../src/ml/inbound/text/prepare.js';
import { INBOUND_TYPES } from '../../../src/ml/inbound/types.js';

// Small networks: enough to check how they are averaged.
const data = generateEmails({ n: 300, seed: 41 });
const small = { epochs: 1, maxFeatures: 800 };
let artifacts: Artifact[];
let singles: TypeClassifier[];

beforeAll(async () => {
  artifacts = await Promise.all([7, 8].map((seed) => trainTypeClassifier(data, { seed }, small)));
  singles = await Promise.all(artifacts.map(loadTypeClassifier));
});

describe('when classifiers trained with different seeds are put together', () => {
  it('averages their probabilities', () => {
    const ensemble = TypeClassifier.ensemble(singles);
    expect(ensemble.size).toBe(2);
    for (const e of generateEmails({ n: 10, seed: 43 })) {
      const message = prepareMessage(e);
      const got = ensemble.classify(message);
      const [a, b] = singles.map((c) => c.classify(message));
      for (const t of INBOUND_TYPES) {
        expect(got.scores[t]).toBeCloseTo((a.scores[t] + b.scores[t]) / 2, 6);
        expect(got.present[t]).toBeCloseTo((a.present[t] + b.present[t]) / 2, 6);
      }
    }
  });

  it('refuses classifiers that read different vocabularies', async () => {
    const other = await loadTypeClassifier(await trainTypeClassifier(generateEmails({ n: 300, seed: 42 }), { seed: 7 }, small));
    expect(() => TypeClassifier.ensemble([singles[0], other])).toThrow(/share one vocabulary/);
  });
});
