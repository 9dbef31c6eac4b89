import { beforeAll, describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/ml/model.js';
import { generateEmails } from '../../../src/ml/inbound/corpus/index.js';
import { loadTypeClassifier, trainTypeClassifier } from '../../../src/ml/inbound/models/typeClassifier.js';
import { loadSentimentModel } from '../../../src/ml/inbound/models/sentiment.js';
import { loadLanguageDetector, trainLanguageDetector } from '../../../src/ml/inbound/models/language.js';

// A small network: enough to check what the loaders accept.
let type: Artifact;
beforeAll(async () => {
  type = await trainTypeClassifier(generateEmails({ n: 300, seed: 41 }), { seed: 7 }, { epochs: 1, maxFeatures: 800 });
});

const withState = (artifact: Artifact, state: unknown): Artifact => ({ state, files: { ...artifact.files } });
const typeState = () => JSON.parse(JSON.stringify(type.state)) as Record<string, unknown> & { spec: { inputSize: number } };

describe('when an inbound artifact is not what this code reads', () => {
  it('refuses another version of the type format', async () => {
    await expect(loadTypeClassifier(withState(type, { ...typeState(), version: 2 }))).rejects.toThrow(/version 2, this code reads version 1; retrain/);
  });

  it('refuses a type state without its network', async () => {
    const { network: _network, ...rest } = typeState();
    await expect(loadTypeClassifier(withState(type, rest))).rejects.toThrow(/incomplete artifact/);
  });

  it('refuses a network that reads another vocabulary', async () => {
    const s = typeState();
    s.spec.inputSize += 1;
    await expect(loadTypeClassifier(withState(type, s))).rejects.toThrow(/the vocabulary has/);
  });

  it('refuses one model’s artifact given to another’s loader', async () => {
    await expect(loadSentimentModel(type)).rejects.toThrow(/not an artifact of kind 'inbound-sentiment'/);
  });

  it('refuses a language profile of another version', () => {
    const language = trainLanguageDetector(generateEmails({ n: 50, seed: 5 }));
    expect(() => loadLanguageDetector({ state: { ...(language.state as object), version: 0 } })).toThrow(/version 0, this code reads version 1/);
    expect(() => loadLanguageDetector(language)).not.toThrow();
  });
});
