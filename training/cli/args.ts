// Command-line arguments of `npm run train` and `npm run evaluate`.
import type { ParseArgsConfig } from 'node:util';
import type { TrainingWindow } from '../../src/ml/model.js';
import { MAX_YEAR, MIN_YEAR } from '../../src/util/bounds.js';
import { MAX_SEED } from '../../src/ml/registry/types.js';
import { parseOptions, UsageError } from './options.js';

export const TRAIN_USAGE = [
  'usage: npm run train -- <model> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--dataset NAME] [--no-promote] [--no-report] [--seed N] [--settings JSON]',
  'exits 0 when the version serves (or is left a candidate, with --no-promote), 1 when the training failed, 2 for a usage error,',
  '3 when it was trained and registered but the promotion gate kept it out of service (why: promotion.reason in the last line)',
].join('\n');
export const EVALUATE_USAGE = 'usage: npm run evaluate -- <model> [--dataset NAME] [--report DIR] [--version V | --fresh] [--from YYYY-MM-DD] [--to YYYY-MM-DD]';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface CommonArgs {
  model: string;
  dataset: string | null;
  window: TrainingWindow;
}

export interface TrainArgs extends CommonArgs {
  promote: boolean;
  report: boolean;
  seed: number | undefined;
  /** The model's settings (drift: alert thresholds), as a JSON object. */
  settings: Record<string, unknown> | undefined;
}

export interface EvaluateArgs extends CommonArgs {
  reportDir: string | null;
  version: string | null;
  fresh: boolean;
}

function windowOf(from: string | undefined, to: string | undefined): TrainingWindow {
  for (const [name, d] of [['--from', from], ['--to', to]] as const) {
    // Date.parse rolls 2026-02-30 over to March: only a date that reads back the same is one.
    const real = d !== undefined && DATE.test(d) && !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().slice(0, 10) === d;
    if (d !== undefined && !real) throw new UsageError(`${name} must be a date YYYY-MM-DD, not "${d}"`);
    // As the API: PostgreSQL refuses year 0 only when the version is written, after the whole training.
    const year = d === undefined ? null : Number(d.slice(0, 4));
    if (year !== null && (year < MIN_YEAR || year > MAX_YEAR)) {
      throw new UsageError(`${name} must be a day from ${MIN_YEAR}-01-01 to ${MAX_YEAR}-12-31, not "${d}"`);
    }
  }
  if (from && to && from >= to) throw new UsageError(`the window is empty: --from ${from} is not before --to ${to}`);
  return { from: from ?? null, to: to ?? null };
}

const common = {
  from: { type: 'string' },
  to: { type: 'string' },
  dataset: { type: 'string' },
} as const;

function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, usage: string) {
  try {
    const parsed = parseOptions(argv, options, true);
    if (parsed.positionals.length !== 1) throw new UsageError('name exactly one model');
    return parsed;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new UsageError(`${err.message}\n${usage}`);
  }
}

export function parseTrainArgs(argv: string[]): TrainArgs {
  const { values, positionals } = parse(argv, {
    ...common,
    promote: { type: 'boolean', default: true },
    report: { type: 'boolean', default: true },
    seed: { type: 'string' },
    settings: { type: 'string' },
  }, TRAIN_USAGE);
  const v = values as { from?: string; to?: string; dataset?: string; promote: boolean; report: boolean; seed?: string; settings?: string };
  if (v.seed !== undefined && !(/^\d+$/.test(v.seed) && Number(v.seed) <= MAX_SEED)) throw new UsageError(`--seed must be a whole number from 0 to ${MAX_SEED}`);
  return {
    model: positionals[0], dataset: v.dataset ?? null, window: windowOf(v.from, v.to),
    promote: v.promote, report: v.report, seed: v.seed === undefined ? undefined : Number(v.seed),
    settings: v.settings === undefined ? undefined : settingsOf(v.settings),
  };
}

function settingsOf(json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UsageError(`--settings must be a JSON object, not "${json}"`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--settings must be a JSON object, not ${json}`);
  return value as Record<string, unknown>;
}

export function parseEvaluateArgs(argv: string[]): EvaluateArgs {
  const { values, positionals } = parse(argv, {
    ...common,
    report: { type: 'string' },
    version: { type: 'string' },
    fresh: { type: 'boolean', default: false },
  }, EVALUATE_USAGE);
  const v = values as { from?: string; to?: string; dataset?: string; report?: string; version?: string; fresh: boolean };
  if (v.fresh && v.version) throw new UsageError('--fresh trains a throwaway model: it cannot be combined with --version');
  return {
    model: positionals[0], dataset: v.dataset ?? null, window: windowOf(v.from, v.to),
    reportDir: v.report ?? null, version: v.version ?? null, fresh: v.fresh,
  };
}
