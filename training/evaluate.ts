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
import { parseOptions, UsageError } from './cli/options.js';
import { PROTOCOL_OPTIONS } from './cli/protocol-options.js';

type Options = (typeof PROTOCOL_OPTIONS)[keyof typeof PROTOCOL_OPTIONS];

/**
 * Each protocol's script, and the options it takes where they are checked
 * before it runs: before the default world is generated for it, which takes
 * longer than any mistyped option is worth.
 */
const PROTOCOLS: Record<string, Record<string, { script: string; options?: Options }>> = {
  'payment-delay': { 'ibm-ar': { script: 'payment-delay/evaluate-ibm.ts' } },
  drift: {
    world: { script: 'drift/evaluate-world.ts', options: PROTOCOL_OPTIONS.driftWorld },
    'uci-default': { script: 'drift/evaluate-uci.ts' },
  },
  'send-time': { world: { script: 'send-time/evaluate.ts', options: PROTOCOL_OPTIONS.sendTime } },
  incentives: { world: { script: 'incentives/evaluate.ts', options: PROTOCOL_OPTIONS.incentives } },
  inbound: { default: { script: 'inbound/evaluate.ts' } },
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

/** Why the world a protocol is pointed at cannot be read, or null: the protocols found out with a stack. */
function worldProblem(args: string[]): string | null {
  const at = args.indexOf('--world');
  if (at < 0) return null;
  const dir = args[at + 1];
  if (dir === undefined || dir.startsWith('--')) return '--world needs a folder';
  if (fs.existsSync(path.join(dir, 'truth.json'))) return null;
  return `${dir} is not a world folder (no truth.json): make one with npx tsx training/world.ts --out ${dir}, or leave --world out for the default world (seed 7)`;
}

/** A mistyped option, found before minutes of world generation rather than after. */
function optionsProblem(args: string[], options: Options): string | null {
  try {
    parseOptions(args, options);
    return null;
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
}

const [model, ...rest] = process.argv.slice(2);
const i = rest.indexOf('--dataset');
const dataset = i >= 0 ? rest[i + 1] : 'default';
// Own keys only: "constructor" is no model.
const protocol = model && Object.hasOwn(PROTOCOLS, model) && Object.hasOwn(PROTOCOLS[model], dataset) ? PROTOCOLS[model][dataset] : undefined;

/** Runs a protocol script as if called itself; the exit code of what failed before it ran. */
async function runProtocol({ script, options }: { script: string; options?: Options }): Promise<number> {
  const args = rest.filter((_, k) => k !== i && k !== i + 1);
  const usage = options ? optionsProblem(args, options) : null;
  if (!usage && dataset === 'world' && !args.includes('--world')) args.push('--world', await defaultWorld());
  const problem = usage ?? (dataset === 'world' ? worldProblem(args) : null);
  if (problem) {
    process.stderr.write(`error: ${problem}\n`);
    return 2;
  }
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), script);
  process.argv = [process.argv[0], file, ...args];
  try {
    await import(file);
  } catch (err) {
    if (!(err instanceof MissingDataError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return 1;
  }
  return 0;
}

if (protocol) {
  // A protocol that failed sets its own exit code, which stays.
  const code = await runProtocol(protocol);
  if (code !== 0) process.exitCode = code;
} else {
  await main(runEvaluate);
}
