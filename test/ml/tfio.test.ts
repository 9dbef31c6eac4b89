import { describe, expect, it } from 'vitest';
import { loadTf } from '../../src/ml/tf.js';
import { WEIGHTS_FILE, artifactLoadHandler, loadLayersModel, saveLayersModel } from '../../src/ml/tfio.js';

async function smallModel() {
  const tf = await loadTf();
  const input = tf.input({ shape: [4] });
  const hidden = tf.layers.dense({ units: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
  const output = tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(hidden);
  return { tf, model: tf.model({ inputs: input, outputs: output as never }) };
}

describe('when a LayersModel is saved into an Artifact', () => {
  it('keeps the topology in the state and the weights in weights.bin', async () => {
    const { model } = await smallModel();
    const artifact = await saveLayersModel(model);
    const state = artifact.state as { format: string; weightSpecs: unknown[]; weightDataBytes: number };
    expect(state.format).toBe('tfjs-layers');
    expect(state.weightSpecs).toHaveLength(4);
    // 4×3 + 3 + 3×2 + 2 float32 values
    expect(artifact.files?.[WEIGHTS_FILE]?.byteLength).toBe((12 + 3 + 6 + 2) * 4);
    expect(state.weightDataBytes).toBe(artifact.files?.[WEIGHTS_FILE]?.byteLength);
    model.dispose();
  });

  it('loads back a model that predicts exactly the same', async () => {
    const { tf, model } = await smallModel();
    const artifact = await saveLayersModel(model);
    // Through JSON and a copied buffer, as a registry would store it.
    const stored = { state: JSON.parse(JSON.stringify(artifact.state)), files: { [WEIGHTS_FILE]: Uint8Array.from(artifact.files![WEIGHTS_FILE]) } };
    const loaded = await loadLayersModel(tf, stored);
    const x = tf.tensor2d([[0.1, -0.4, 2, 0.7], [1, 1, -1, 0]]);
    expect(Array.from((loaded.predict(x) as never as { dataSync(): Float32Array }).dataSync())).toEqual(
      Array.from((model.predict(x) as never as { dataSync(): Float32Array }).dataSync()),
    );
    const again = await saveLayersModel(loaded);
    expect(Buffer.from(again.files![WEIGHTS_FILE]).equals(Buffer.from(artifact.files![WEIGHTS_FILE]))).toBe(true);
    model.dispose();
    loaded.dispose();
  });

  it('reads weights from a view on a larger buffer', async () => {
    const { tf, model } = await smallModel();
    const artifact = await saveLayersModel(model);
    const bytes = artifact.files![WEIGHTS_FILE];
    const pool = new Uint8Array(bytes.byteLength + 16);
    pool.set(bytes, 8);
    const loaded = await loadLayersModel(tf, { state: artifact.state, files: { [WEIGHTS_FILE]: pool.subarray(8, 8 + bytes.byteLength) } });
    expect(Array.from(loaded.getWeights()[0].dataSync())).toEqual(Array.from(model.getWeights()[0].dataSync()));
    model.dispose();
    loaded.dispose();
  });

  it('refuses an artifact whose weights were truncated', async () => {
    const { model } = await smallModel();
    const artifact = await saveLayersModel(model);
    const broken = { state: artifact.state, files: { [WEIGHTS_FILE]: artifact.files![WEIGHTS_FILE].slice(0, 10) } };
    await expect(artifactLoadHandler(broken).load!()).rejects.toThrow(/bytes, expected/);
    model.dispose();
  });
});
