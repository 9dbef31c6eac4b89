// `npm run train` and `npm run evaluate`, as functions over injected
// dependencies (tests run them on a test database and catalogue). Progress
// goes to stderr; the last line on stdout is one JSON object with the metrics.
import fs from 'node:fs/promises';
import path from 'node:path';
import { isArError } from '../../src/errors.js';
import type { Artifact, Metrics } from '../../src/ml/model.js';
import type { ModelMonitor } from '../../src/ml/monitoring/monitor.js';
import { buildReport } from '../../src/ml/reports/html.js';
import { REPORT } from '../../src/ml/registry/artifact-store.js';
import { checkWindow, datasetOf, evaluateWith, holdoutFingerprintOf } from '../../src/ml/registry/evaluation.js';
import { trainModel, type ModelRegistry, type ModelVersion } from '../../src/ml/registry/index.js';
import { parseEvaluateArgs, parseTrainArgs } from './args.js';
import { UsageError } from './options.js';
import { MissingDataError } from '../datasets/missing.js';
import { makeProgress, type ProgressStream } from './progress.js';
import { EXIT, trainExitCode } from './exit-codes.js';

export interface CliDeps {
  registry: ModelRegistry;
  monitor?: ModelMonitor;
  out: { write(text: string): unknown };
  err: ProgressStream;
}

/** What a command prints as its last stdout line, and the code it exits with. */
interface Finished {
  result: object;
  code: number;
}

async function guarded(deps: CliDeps, fn: () => Promise<Finished>): Promise<number> {
  try {
    const { result, code } = await fn();
    deps.out.write(`${JSON.stringify(result)}\n`);
    return code;
  } catch (err) {
    if (err instanceof UsageError) {
      deps.err.write(`${err.message}\n`);
      return EXIT.USAGE;
    }
    const e = err as Error & { code?: string };
    deps.err.write(`${isArError(err) ? `${e.code}: ` : ''}${e.message}\n`);
    if (!isArError(err) && !(err instanceof MissingDataError)) deps.err.write(`${e.stack ?? ''}\n`);
    return EXIT.FAILED;
  }
}

export function runTrain(argv: string[], deps: CliDeps): Promise<number> {
  return guarded(deps, async () => {
    const args = parseTrainArgs(argv);
    const progress = makeProgress(`train ${args.model}`, deps.err);
    try {
      const outcome = await trainModel(
        { registry: deps.registry, monitor: deps.monitor },
        { model: args.model, dataset: args.dataset, window: args.window, seed: args.seed, settings: args.settings, promote: args.promote, report: args.report, actor: 'cli' },
        { onProgress: (fraction, message) => progress.update(fraction, message) },
      );
      const version = await deps.registry.get(args.model, outcome.version);
      const report = version.hasReport ? path.join(deps.registry.store.dirOf(args.model, outcome.version), REPORT) : null;
      return { result: { ...outcome, report }, code: trainExitCode(args.promote, outcome) };
    } finally {
      progress.stop();
    }
  });
}

/** The report's folder, made and checked before the evaluation: failing after it wasted the run. */
async function prepareReportDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.access(dir, fs.constants.W_OK);
  } catch (err) {
    throw new UsageError(`--report ${dir} cannot hold the report: ${(err as Error).message}`);
  }
}

export function runEvaluate(argv: string[], deps: CliDeps): Promise<number> {
  return guarded(deps, async () => {
    const started = performance.now();
    const args = parseEvaluateArgs(argv);
    if (args.reportDir) await prepareReportDir(args.reportDir);
    const { registry } = deps;
    const entry = registry.entry(args.model);
    const dataset = datasetOf(args.model, entry, args.dataset);
    // As training: a window end the datasets ignore would be printed beside metrics it did not shape.
    checkWindow(args.model, entry, args.window);
    const progress = makeProgress(`evaluate ${args.model}`, deps.err);
    try {
      progress.update(0, `loading ${dataset.name}`);
      const split = await dataset.loader(args.window);
      const active = await registry.active(args.model);
      let artifact: Artifact;
      let evaluated: ModelVersion | null = null;
      if (args.fresh) {
        progress.update(0.2, 'training a throwaway model (not registered)');
        artifact = await entry.kind.train(split.train, { window: args.window, onProgress: (f, m) => progress.update(0.2 + 0.5 * f, m ?? 'training') });
      } else {
        evaluated = args.version ? await registry.get(args.model, args.version) : active;
        if (!evaluated) throw new UsageError(`"${args.model}" has no active version: name one with --version, train one with npm run train, or pass --fresh`);
        progress.update(0.2, `loading ${evaluated.id}`);
        const opened = await registry.open(args.model, evaluated.version);
        opened.predictor.dispose?.();
        artifact = opened.artifact;
      }
      progress.update(0.7, 'evaluating on the holdout');
      const evaluation = await evaluateWith(entry, artifact, split.holdout);
      let baseline: { label: string; metrics: Metrics } | undefined;
      if (active && active.version !== evaluated?.version) {
        progress.update(0.8, `evaluating the active ${active.id} on the same holdout`);
        const champion = await registry.open(args.model, active.version);
        champion.predictor.dispose?.();
        baseline = { label: `active ${active.id}`, metrics: await entry.kind.evaluate(champion.artifact, split.holdout) };
      }
      const holdoutFingerprint = holdoutFingerprintOf(split);
      let report: string | null = null;
      if (args.reportDir) {
        progress.update(0.9, 'rendering the report');
        const label = evaluated?.version ?? 'fresh';
        const { html } = await buildReport({
          model: args.model,
          subject: evaluated ? evaluated.id : `${args.model}, trained for this evaluation (not registered)`,
          evaluation,
          primaryMetric: entry.kind.primaryMetric,
          baseline,
          facts: [
            ['dataset', dataset.name],
            ['window', `${args.window.from ?? 'start'} → ${args.window.to ?? 'now'}`],
            ['holdout sha256', holdoutFingerprint],
            ...(evaluated ? [['trained on', `${evaluated.dataset ?? '?'} ${evaluated.window.from ?? 'start'} → ${evaluated.window.to ?? 'now'}`] as [string, string]] : []),
          ],
        });
        report = path.resolve(args.reportDir, `${args.model}-${label}.html`);
        await fs.writeFile(report, html);
      }
      progress.update(1, 'done');
      const result = {
        model: args.model,
        version: evaluated?.id ?? null,
        dataset: dataset.name,
        window: args.window,
        holdoutFingerprint,
        primaryMetric: entry.kind.primaryMetric,
        metrics: evaluation.metrics,
        activeMetrics: baseline?.metrics ?? null,
        report,
        seconds: Math.round((performance.now() - started) / 100) / 10,
      };
      return { result, code: EXIT.OK };
    } finally {
      progress.stop();
    }
  });
}
