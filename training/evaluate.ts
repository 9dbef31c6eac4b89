// Evaluate a model version (the active one by default, --version V, or a
// throwaway one trained on the spot with --fresh) on a dataset's holdout, next
// to the active version, and write the HTML report with --report DIR.
//   npm run evaluate -- <model> [--dataset NAME] [--report DIR] [--version V | --fresh] [--from DATE --to DATE]
// Fixed evaluation protocols on public or synthetic data run their own script:
//   npm run evaluate -- payment-delay --dataset ibm-ar
//   npm run evaluate -- drift --dataset world|uci-default [--world DIR]
//   npm run evaluate -- send-time --dataset world [--world DIR]
//   npm run evaluate -- incentives --dataset world [--world DIR]
// Progress on stderr; the last stdout line is JSON with the metrics.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main } from './cli/main.js';
import { MissingDataError } from './datasets/missing.js';
import { runEvaluate } from './cli/run.js';

const PROTOCOLS: Record<string, Record<string, string>> = {
  'payment-delay': { 'ibm-ar': 'payment-delay/evaluate-ibm.ts' },
  drift: { world: 'drift/evaluate-world.ts', 'uci-default': 'drift/evaluate-uci.ts' },
  'send-time': { world: 'send-time/evaluate.ts' },
  incentives: { world: 'incentives/evaluate.ts' },
  inbound: { default: 'inbound/evaluate.ts' },
};

/** The synthetic world the protocols score against (seed 7: not the seed models were tuned on). */
async function defaultWorld(): Promise<string> {
  const dir = path.join(os.tmpdir(), 'ar-eval-world-2000-seed7');
  if (!fs.existsSync(path.join(dir, 'truth.json'))) {
    const { streamWorld } = await import('../src/world/index.js');
    process.stderr.write(`generating the evaluation world (2,000 customers, 24 months, seed 7) in ${dir}\n`);
    streamWorld({ customers: 2000, months: 24, seed: 7, endDate: '2026-10-31' }, dir);
  }
  return dir;
}

const [model, ...rest] = process.argv.slice(2);
const i = rest.indexOf('--dataset');
const dataset = i >= 0 ? rest[i + 1] : 'default';
// Own keys only: "constructor" is no model.
const script = model && Object.hasOwn(PROTOCOLS, model) && Object.hasOwn(PROTOCOLS[model], dataset) ? PROTOCOLS[model][dataset] : undefined;
if (script) {
  const args = rest.filter((_, k) => k !== i && k !== i + 1);
  if (dataset === 'world' && !args.includes('--world')) args.push('--world', await defaultWorld());
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), script);
  process.argv = [process.argv[0], file, ...args];
  try {
    await import(file);
  } catch (err) {
    if (!(err instanceof MissingDataError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
  }
} else {
  await main(runEvaluate);
}
