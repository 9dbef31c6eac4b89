// TensorFlow.js, loaded once. tfjs-node is an optional native backend: its
// install script downloads libtensorflow, which some machines cannot reach, so
// the portable wasm backend is the default and tfjs-node is used only if present.
import * as tfjs from '@tensorflow/tfjs';

export type Tf = typeof tfjs;

let ready: Promise<Tf> | undefined;

async function tryNode(): Promise<boolean> {
  try {
    const name = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

async function init(): Promise<Tf> {
  if (process.env.TF_BACKEND !== 'wasm' && (await tryNode())) {
    await tfjs.setBackend('tensorflow');
  } else {
    await import('@tensorflow/tfjs-backend-wasm');
    const ok = await tfjs.setBackend('wasm');
    if (!ok) await tfjs.setBackend('cpu');
  }
  await tfjs.ready();
  return tfjs;
}

/** The tfjs namespace with a backend ready. */
export function loadTf(): Promise<Tf> {
  ready ??= init();
  return ready;
}
