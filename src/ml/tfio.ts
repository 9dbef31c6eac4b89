// A tfjs IO handler that keeps a LayersModel inside our Artifact instead of on
// disk or in the browser: topology and weight specs go into the JSON state, the
// weights into `files['weights.bin']`. The registry then stores every model the
// same way, whatever library trained it.
import type * as tfjs from '@tensorflow/tfjs';
import type { Artifact } from './model.js';
import type { Tf } from './tf.js';

export const WEIGHTS_FILE = 'weights.bin';

/** What a saved LayersModel looks like in `Artifact.state`. */
export interface LayersModelState {
  format: 'tfjs-layers';
  modelTopology: unknown;
  weightSpecs: tfjs.io.WeightsManifestEntry[];
  /** Name of the file in `Artifact.files` holding the concatenated weights. */
  weightsFile: string;
  /** Present so a loader can check the bytes before trusting the specs. */
  weightDataBytes: number;
}

function toBytes(data: tfjs.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    bytes.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return bytes;
}

/**
 * A save handler collecting the model into an Artifact. Call `artifact()` after
 * `await model.save(handler)`.
 */
export function artifactSaveHandler(): tfjs.io.IOHandler & { artifact(): Artifact } {
  let saved: Artifact | undefined;
  return {
    async save(modelArtifacts: tfjs.io.ModelArtifacts): Promise<tfjs.io.SaveResult> {
      if (modelArtifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('tfio: graph models (binary topology) are not supported, only LayersModel');
      }
      const weights = toBytes(modelArtifacts.weightData);
      const state: LayersModelState = {
        format: 'tfjs-layers',
        modelTopology: modelArtifacts.modelTopology,
        weightSpecs: modelArtifacts.weightSpecs ?? [],
        weightsFile: WEIGHTS_FILE,
        weightDataBytes: weights.byteLength,
      };
      saved = { state, files: { [WEIGHTS_FILE]: weights } };
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(modelArtifacts.modelTopology ?? null).length,
          weightSpecsBytes: JSON.stringify(state.weightSpecs).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
    artifact(): Artifact {
      if (!saved) throw new Error('tfio: nothing saved yet; call model.save(handler) first');
      return saved;
    },
  };
}

function isLayersModelState(state: unknown): state is LayersModelState {
  const s = state as Partial<LayersModelState> | null;
  return !!s && s.format === 'tfjs-layers' && Array.isArray(s.weightSpecs) && typeof s.weightsFile === 'string';
}

/** A load handler reading a LayersModel back from an Artifact (like `tf.io.fromMemory`). */
export function artifactLoadHandler(artifact: Artifact): tfjs.io.IOHandler {
  return {
    async load(): Promise<tfjs.io.ModelArtifacts> {
      const state = artifact.state;
      if (!isLayersModelState(state)) throw new Error('tfio: artifact state is not a saved tfjs LayersModel');
      const bytes = artifact.files?.[state.weightsFile];
      if (!bytes) throw new Error(`tfio: artifact has no file '${state.weightsFile}'`);
      if (bytes.byteLength !== state.weightDataBytes) {
        throw new Error(`tfio: '${state.weightsFile}' has ${bytes.byteLength} bytes, expected ${state.weightDataBytes}`);
      }
      // Copy into a fresh ArrayBuffer: the Uint8Array may be a view on a larger
      // (e.g. Node Buffer pool) buffer, and tfjs reads the whole buffer.
      const weightData = bytes.slice().buffer as ArrayBuffer;
      return { modelTopology: state.modelTopology as object, weightSpecs: state.weightSpecs, weightData };
    },
  };
}

/** Saves a LayersModel into a fresh Artifact. */
export async function saveLayersModel(model: tfjs.LayersModel): Promise<Artifact> {
  const handler = artifactSaveHandler();
  await model.save(handler);
  return handler.artifact();
}

/** Loads a LayersModel saved by `saveLayersModel`. */
export async function loadLayersModel(tf: Tf, artifact: Artifact): Promise<tfjs.LayersModel> {
  return tf.loadLayersModel(artifactLoadHandler(artifact));
}
