// Training as a job (API, scheduler) on the shared runner, with progress, and
// the scheduled retraining: train on the latest window, compare champion and
// challenger on its holdout, promote safely, check the champion's inputs for drift.
import type { JobHandler } from '../../jobs/types.js';
import type { TrainingWindow } from '../model.js';
import { honouredEnds } from './evaluation.js';
import { trainModel, type TrainerDeps, type TrainOutcome } from './trainer.js';
import type { Catalogue, CatalogueEntry } from './types.js';

export const TRAIN_JOB = 'train';

export interface TrainJobData {
  model: string;
  dataset?: string | null;
  /** An explicit window, or 'latest': the entry's rolling window ending today. */
  window?: TrainingWindow | 'latest';
  seed?: number;
  /** The model's settings; the active version's when absent. */
  settings?: Record<string, unknown>;
  promote?: boolean;
  report?: boolean;
  actor?: string | null;
}

/** The entry's rolling window ending today, without an end its datasets do not honour (the inbound corpus has no dates). */
export function latestWindow(entry: CatalogueEntry, today = new Date().toISOString().slice(0, 10)): TrainingWindow {
  const window = entry.latestWindow?.(today) ?? { from: null, to: today };
  const honoured = honouredEnds(entry);
  return { from: honoured.from ? window.from : null, to: honoured.to ? window.to : null };
}

export function makeTrainHandler(deps: TrainerDeps): JobHandler<TrainJobData, TrainOutcome> {
  return async (ctx) => {
    const { data } = ctx;
    const window = data.window === 'latest' ? latestWindow(deps.registry.entry(data.model)) : data.window;
    return trainModel(
      deps,
      { model: data.model, dataset: data.dataset, window, seed: data.seed, settings: data.settings, promote: data.promote, report: data.report, actor: data.actor, jobId: ctx.id },
      { onProgress: (fraction, message) => ctx.progress(fraction, message), signal: ctx.signal },
    );
  };
}

export interface Scheduler {
  schedule(schedulerId: string, cron: string, type: string, data: unknown): Promise<void>;
  unschedule(schedulerId: string): Promise<void>;
}

/**
 * One scheduler entry per model that has a dataset: a safe retraining on the
 * latest window. With no cron (RETRAIN_CRON=off) the entries are removed:
 * BullMQ keeps them in Redis across restarts, and an earlier start's would
 * still fire.
 */
export async function scheduleRetraining(jobs: Scheduler, catalogue: Catalogue, cron: string | null): Promise<string[]> {
  const scheduled: string[] = [];
  for (const [model, entry] of Object.entries(catalogue)) {
    if (Object.keys(entry.datasets).length === 0) continue;
    if (cron === null) {
      await jobs.unschedule(`retrain-${model}`);
      continue;
    }
    const data: TrainJobData = { model, window: 'latest', promote: true, actor: 'scheduler' };
    await jobs.schedule(`retrain-${model}`, cron, TRAIN_JOB, data);
    scheduled.push(model);
  }
  return scheduled;
}
