import { describe, expect, it } from 'vitest';
import type * as tfjs from '@tensorflow/tfjs';
import { SparseMlpEnsemble, SparseMlpRunner, buildSparseMlp, loadSparseMlpRunner, trainAndSaveSparseMlp, type SparseMlpSpec } from '../../../src/ml/inbound/models/sparseMlp.js';
import { loadTf } from '../../../src/ml/tf.js';

const spec: SparseMlpSpec = {
  inputSize: 12,
  hidden: 5,
  inputDropout: 0.2,
  heads: [
    { name: 'primary', units: 3, activation: 'softmax', lossWeight: 1, labelSmoothing: 0 },
    { name: 'present', units: 3, activation: 'sigmoid', lossWeight: 1, labelSmoothing: 0 },
  ],
};
const sparse = { indices: Int32Array.from([1, 4, 9]), values: Float32Array.from([0.5, -1.2, 0.8]) };

describe('when scoring with the plain-JS copy of a tfjs network', () => {
  it('gives the same outputs as tfjs on the dense input', async () => {
    const tf = await loadTf();
    const model = buildSparseMlp(tf, spec, 3);
    const dense = new Float32Array(spec.inputSize);
    sparse.indices.forEach((i, k) => (dense[i] = sparse.values[k]));
    const [primary, present] = model.predict(tf.tensor2d(dense, [1, spec.inputSize])) as tfjs.Tensor[];
    const [p, q] = new SparseMlpRunner(model, spec).forward(sparse);
    Array.from(primary.dataSync()).forEach((v, i) => expect(p[i]).toBeCloseTo(v, 5));
    Array.from(present.dataSync()).forEach((v, i) => expect(q[i]).toBeCloseTo(v, 5));
    model.dispose();
  });

  it('learns a separable toy problem and survives saving', async () => {
    const examples = Array.from({ length: 60 }, (_, n) => {
      const c = n % 3;
      return { x: { indices: Int32Array.from([c, 3 + c]), values: Float32Array.from([1, 1]) }, targets: [Float32Array.from([0, 1, 2].map((k) => +(k === c))), Float32Array.from([0, 1, 2].map((k) => +(k === c)))] };
    });
    const { saved, files } = await trainAndSaveSparseMlp(spec, examples, { epochs: 25, batchSize: 30, learningRate: 0.1, l2: 0, seed: 5 });
    const runner = await loadSparseMlpRunner(JSON.parse(JSON.stringify(saved)), files);
    for (let c = 0; c < 3; c++) {
      const [p] = runner.forward({ indices: Int32Array.from([c, 3 + c]), values: Float32Array.from([1, 1]) });
      expect(Array.from(p).indexOf(Math.max(...p))).toBe(c);
    }
  });
});

describe('when several networks of one shape are averaged', () => {
  it('gives the mean of each network’s outputs', async () => {
    const tf = await loadTf();
    const models = [3, 4, 5].map((seed) => buildSparseMlp(tf, spec, seed));
    const runners = models.map((m) => new SparseMlpRunner(m, spec));
    const [p, q] = new SparseMlpEnsemble(runners).forward(sparse);
    const each = runners.map((r) => r.forward(sparse));
    for (let j = 0; j < 3; j++) {
      expect(p[j]).toBeCloseTo(each.reduce((s, o) => s + o[0][j], 0) / 3, 6);
      expect(q[j]).toBeCloseTo(each.reduce((s, o) => s + o[1][j], 0) / 3, 6);
    }
    models.forEach((m) => m.dispose());
  });

  it('refuses networks of different shapes', async () => {
    const tf = await loadTf();
    const wider = { ...spec, hidden: 6 };
    const models = [buildSparseMlp(tf, spec, 3), buildSparseMlp(tf, wider, 4)];
    expect(() => new SparseMlpEnsemble([new SparseMlpRunner(models[0], spec), new SparseMlpRunner(models[1], wider)])).toThrow(/same shape/);
    models.forEach((m) => m.dispose());
  });
});
