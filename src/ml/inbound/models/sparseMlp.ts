// A small TensorFlow.js network over sparse text features: input dropout,
// one ReLU hidden layer (or none: softmax regression), and one or more output
// heads (softmax for one label, sigmoid for several). tfjs trains it; scoring
// reads the same weights in plain JS, because a sparse input touches a few
// hundred rows of the first layer and tfjs' per-call overhead would dominate.
import type * as tfjs from '@tensorflow/tfjs';
import type { Artifact } from '../../model.js';
import { loadTf, type Tf } from '../../tf.js';
import { loadLayersModel, saveLayersModel, type LayersModelState } from '../../tfio.js';
import { Rng } from '../corpus/random.js';
import type { SparseVector } from '../features/vocabulary.js';

export interface HeadSpec {
  name: string;
  units: number;
  activation: 'softmax' | 'sigmoid';
  /** Weight of this head's loss in the total. */
  lossWeight: number;
  /** Label smoothing of this head (0 = none); softer targets, less overconfidence. */
  labelSmoothing: number;
}

export interface SparseMlpSpec {
  inputSize: number;
  /** 0 for a linear (softmax / logistic regression) model. */
  hidden: number;
  inputDropout: number;
  heads: HeadSpec[];
}

/** What every n-gram MLP of the triage is trained with: vocabulary size and training settings. */
export interface SparseMlpTrainingConfig {
  maxFeatures: number;
  minDocs: number;
  hidden: number;
  inputDropout: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  labelSmoothing: number;
}

export interface SparseExample {
  x: SparseVector;
  /** One target vector per head, in head order. */
  targets: Float32Array[];
}

export interface TrainMlpOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  seed: number;
  onProgress?: (fraction: number, message?: string) => void;
}

export function buildSparseMlp(tf: Tf, spec: SparseMlpSpec, seed: number): tfjs.LayersModel {
  const input = tf.input({ shape: [spec.inputSize], name: 'features' });
  let x = tf.layers.dropout({ rate: spec.inputDropout, seed, name: 'feature_dropout' }).apply(input) as tfjs.SymbolicTensor;
  if (spec.hidden > 0) {
    x = tf.layers
      .dense({ units: spec.hidden, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }), name: 'hidden' })
      .apply(x) as tfjs.SymbolicTensor;
  }
  const outputs = spec.heads.map(
    (h, i) =>
      tf.layers
        .dense({ units: h.units, activation: h.activation, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 + i }), name: h.name })
        .apply(x) as tfjs.SymbolicTensor,
  );
  return tf.model({ inputs: input, outputs, name: 'sparse_mlp' });
}

function denseBatch(examples: SparseExample[], order: number[], from: number, to: number, size: number): Float32Array {
  const out = new Float32Array((to - from) * size);
  for (let r = from; r < to; r++) {
    const { indices, values } = examples[order[r]].x;
    const base = (r - from) * size;
    for (let k = 0; k < indices.length; k++) out[base + indices[k]] = values[k];
  }
  return out;
}

/** Trains a fresh network; returns the tfjs model (save it with src/ml/tfio.ts). */
export async function trainSparseMlp(tf: Tf, spec: SparseMlpSpec, examples: SparseExample[], options: TrainMlpOptions): Promise<tfjs.LayersModel> {
  if (examples.length === 0) throw new Error('trainSparseMlp: no training examples');
  const model = buildSparseMlp(tf, spec, options.seed);
  const optimizer = tf.train.adam(options.learningRate);
  const rng = new Rng(options.seed);
  const order = examples.map((_, i) => i);
  const kernels = model.layers.filter((l) => l.name === 'hidden' || spec.heads.some((h) => h.name === l.name)).map((l) => l.getWeights()[0]);
  const steps = Math.ceil(examples.length / options.batchSize) * options.epochs;
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let from = 0; from < order.length; from += options.batchSize) {
      const to = Math.min(order.length, from + options.batchSize);
      const xs = tf.tensor2d(denseBatch(examples, order, from, to, spec.inputSize), [to - from, spec.inputSize]);
      const ys = spec.heads.map((h, hi) => {
        const y = new Float32Array((to - from) * h.units);
        for (let r = from; r < to; r++) y.set(examples[order[r]].targets[hi], (r - from) * h.units);
        return tf.tensor2d(y, [to - from, h.units]);
      });
      optimizer.minimize(() => {
        const predicted = model.apply(xs, { training: true }) as tfjs.Tensor | tfjs.Tensor[];
        const outs = Array.isArray(predicted) ? predicted : [predicted];
        let loss = tf.scalar(0);
        spec.heads.forEach((h, hi) => {
          const p = tf.clipByValue(outs[hi], 1e-7, 1 - 1e-7);
          const ls = h.labelSmoothing;
          const y = tf.add(tf.mul(ys[hi], 1 - ls), h.activation === 'softmax' ? ls / h.units : ls / 2);
          const perExample =
            h.activation === 'softmax'
              ? tf.neg(tf.sum(tf.mul(y, tf.log(p)), 1))
              : tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))), 1));
          loss = tf.add(loss, tf.mul(tf.mean(perExample), h.lossWeight));
        });
        for (const k of kernels) loss = tf.add(loss, tf.mul(options.l2, tf.sum(tf.square(k))));
        return loss as tfjs.Scalar;
      });
      xs.dispose();
      ys.forEach((y) => y.dispose());
      step++;
      if (step % 20 === 0) {
        options.onProgress?.(step / steps, `epoch ${epoch + 1}/${options.epochs}`);
        // Let the event loop breathe: training may run inside the service at start-up.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
  optimizer.dispose();
  return model;
}

/** A trained network as stored in an artifact: its shape, its topology, its weights file. */
export interface SavedSparseMlp {
  spec: SparseMlpSpec;
  network: LayersModelState;
}

/** Trains with tfjs and returns the network ready to nest in a model's artifact. */
export async function trainAndSaveSparseMlp(spec: SparseMlpSpec, examples: SparseExample[], options: TrainMlpOptions): Promise<{ saved: SavedSparseMlp; files: Artifact['files'] }> {
  const model = await trainSparseMlp(await loadTf(), spec, examples, options);
  const artifact = await saveLayersModel(model);
  model.dispose();
  return { saved: { spec, network: artifact.state as LayersModelState }, files: artifact.files };
}

/** Loads a saved network through tfjs and keeps only its weights for scoring. */
export async function loadSparseMlpRunner(saved: SavedSparseMlp, files: Artifact['files']): Promise<SparseMlpRunner> {
  const model = await loadLayersModel(await loadTf(), { state: saved.network, files });
  const runner = new SparseMlpRunner(model, saved.spec);
  model.dispose();
  return runner;
}

interface DenseLayer {
  /** inSize × outSize, row by input: a sparse input reads only its rows. */
  kernel: Float32Array;
  /** outSize × inSize, row by output, for a layer with a dense input: one dot product per output. */
  kernelByOutput: Float32Array | null;
  bias: Float32Array;
  inSize: number;
  outSize: number;
  activation: 'relu' | 'softmax' | 'sigmoid';
}

function byOutput(kernel: Float32Array, inSize: number, outSize: number): Float32Array {
  const t = new Float32Array(kernel.length);
  for (let i = 0; i < inSize; i++) for (let j = 0; j < outSize; j++) t[j * inSize + i] = kernel[i * outSize + j];
  return t;
}

/** The trained network as plain arrays, for sub-millisecond scoring. */
export class SparseMlpRunner {
  readonly hidden: DenseLayer | null;
  readonly heads: DenseLayer[];
  // Scratch sums of each layer (scoring is synchronous); the outputs are fresh arrays.
  private readonly hiddenSums: Float64Array | null;
  private readonly headSums: Float64Array[];

  constructor(model: tfjs.LayersModel, readonly spec: SparseMlpSpec) {
    const read = (name: string, activation: DenseLayer['activation'], denseInput: boolean): DenseLayer => {
      const [k, b] = model.getLayer(name).getWeights();
      const [inSize, outSize] = k.shape as [number, number];
      // Copies: the tensors are disposed with the model once read.
      const kernel = Float32Array.from(k.dataSync());
      return { kernel, kernelByOutput: denseInput ? byOutput(kernel, inSize, outSize) : null, bias: Float32Array.from(b.dataSync()), inSize, outSize, activation };
    };
    this.hidden = spec.hidden > 0 ? read('hidden', 'relu', false) : null;
    this.heads = spec.heads.map((h) => read(h.name, h.activation, spec.hidden > 0));
    this.hiddenSums = this.hidden ? new Float64Array(this.hidden.outSize) : null;
    this.headSums = this.heads.map((h) => new Float64Array(h.outSize));
  }

  /** Output of every head for one sparse input. */
  forward(x: SparseVector): Float32Array[] {
    const hidden = this.hidden;
    let dense: Float64Array | null = null;
    if (hidden) {
      dense = sparseLayer(hidden, x, this.hiddenSums!);
      for (let j = 0; j < dense.length; j++) if (dense[j] < 0) dense[j] = 0;
    }
    const outputs: Float32Array[] = [];
    for (let h = 0; h < this.heads.length; h++) {
      const head = this.heads[h];
      const sums = dense ? denseLayer(head, dense, this.headSums[h]) : sparseLayer(head, x, this.headSums[h]);
      outputs.push(activate(sums, head.activation));
    }
    return outputs;
  }
}

/**
 * Networks of one shape (a hidden layer, the same heads) over the same
 * inputs, their outputs averaged. Their hidden layers are stored side by side,
 * so that each feature of a sparse input reads one row of members × hidden
 * weights rather than one short row per network.
 */
export class SparseMlpEnsemble {
  private readonly hidden: DenseLayer;
  /** Each member's heads, reading its own slice of the side-by-side hidden sums. */
  private readonly heads: DenseLayer[][];
  private readonly hiddenSums: Float64Array;
  private readonly slices: Float64Array[];
  private readonly headSums: Float64Array[];

  constructor(runners: readonly SparseMlpRunner[]) {
    const [first] = runners;
    if (!first?.hidden) throw new Error('SparseMlpEnsemble: needs at least one network with a hidden layer');
    const { inSize, outSize: width } = first.hidden;
    const sameShape = (r: SparseMlpRunner) =>
      r.hidden?.inSize === inSize &&
      r.hidden.outSize === width &&
      r.heads.length === first.heads.length &&
      r.heads.every((h, i) => h.outSize === first.heads[i].outSize && h.activation === first.heads[i].activation);
    if (!runners.every(sameShape)) throw new Error('SparseMlpEnsemble: the networks do not all have the same shape');
    const total = width * runners.length;
    const kernel = new Float32Array(inSize * total);
    const bias = new Float32Array(total);
    runners.forEach((r, m) => {
      const h = r.hidden!;
      for (let i = 0; i < inSize; i++) kernel.set(h.kernel.subarray(i * width, (i + 1) * width), i * total + m * width);
      bias.set(h.bias, m * width);
    });
    this.hidden = { kernel, kernelByOutput: null, bias, inSize, outSize: total, activation: 'relu' };
    this.heads = runners.map((r) => r.heads);
    this.hiddenSums = new Float64Array(total);
    this.slices = runners.map((_, m) => this.hiddenSums.subarray(m * width, (m + 1) * width));
    this.headSums = first.heads.map((h) => new Float64Array(h.outSize));
  }

  get members(): number {
    return this.heads.length;
  }

  /** Mean output of every head over the networks, for one sparse input. */
  forward(x: SparseVector): Float32Array[] {
    const dense = sparseLayer(this.hidden, x, this.hiddenSums);
    for (let j = 0; j < dense.length; j++) if (dense[j] < 0) dense[j] = 0;
    const outputs = this.headSums.map((s) => new Float32Array(s.length));
    for (let m = 0; m < this.heads.length; m++) {
      for (let h = 0; h < outputs.length; h++) {
        const head = this.heads[m][h];
        const out = activate(denseLayer(head, this.slices[m], this.headSums[h]), head.activation);
        for (let j = 0; j < out.length; j++) outputs[h][j] += out[j] / this.heads.length;
      }
    }
    return outputs;
  }
}

// Sums in float64, rounded to float32 once at the output: within float32
// precision of tfjs, with no rounding at every step. The inner loop of the
// first layer, most of the cost of scoring an email, is unrolled by four by
// hand (V8 does not).

function sparseLayer(layer: DenseLayer, x: SparseVector, out: Float64Array): Float64Array {
  const { kernel, bias, outSize } = layer;
  const { indices, values } = x;
  out.set(bias);
  const end = outSize - (outSize % 4);
  for (let k = 0; k < indices.length; k++) {
    const row = indices[k] * outSize;
    const v = values[k];
    let j = 0;
    for (; j < end; j += 4) {
      out[j] += v * kernel[row + j];
      out[j + 1] += v * kernel[row + j + 1];
      out[j + 2] += v * kernel[row + j + 2];
      out[j + 3] += v * kernel[row + j + 3];
    }
    for (; j < outSize; j++) out[j] += v * kernel[row + j];
  }
  return out;
}

function denseLayer(layer: DenseLayer, input: Float64Array, out: Float64Array): Float64Array {
  const { bias, inSize, outSize } = layer;
  const kernelByOutput = layer.kernelByOutput!;
  for (let j = 0; j < outSize; j++) {
    const row = j * inSize;
    let sum = bias[j];
    for (let i = 0; i < inSize; i++) sum += input[i] * kernelByOutput[row + i];
    out[j] = sum;
  }
  return out;
}

function activate(z: Float64Array, activation: DenseLayer['activation']): Float32Array {
  const out = new Float32Array(z.length);
  if (activation === 'sigmoid') {
    for (let j = 0; j < z.length; j++) out[j] = 1 / (1 + Math.exp(-z[j]));
    return out;
  }
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let j = 0; j < z.length; j++) sum += z[j] = Math.exp(z[j] - max);
  for (let j = 0; j < z.length; j++) out[j] = z[j] / sum;
  return out;
}
