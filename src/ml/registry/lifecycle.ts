// The model lifecycle as one service: registry, serving, drift monitoring, the
// train job and the retraining schedule, built once from the storage and the
// job runner (services.ts) and closed with them.
import type { Db } from '../../db/sql.js';
import type { JobHandler } from '../../jobs/types.js';
import { ModelMonitor } from '../monitoring/monitor.js';
import { catalogue as defaultCatalogue } from './catalogue.js';
import { ModelRegistry } from './registry.js';
import { ModelServer } from './server.js';
import { TRAIN_JOB, makeTrainHandler, scheduleRetraining, type TrainJobData } from './train-job.js';
import { silentLogger, type Catalogue, type Logger } from './types.js';

export interface LifecycleJobs {
  register<D, R>(type: string, handler: JobHandler<D, R>): void;
  enqueue<D>(type: string, data: D): Promise<string>;
  schedule(schedulerId: string, cron: string, type: string, data: unknown): Promise<void>;
  unschedule(schedulerId: string): Promise<void>;
}

export interface ModelLifecycleOptions {
  db: Db;
  modelsDir: string;
  jobs: LifecycleJobs;
  catalogue?: Catalogue;
  log?: Logger;
  /** Absolute tolerance on the primary metric at promotion (default 0.001). */
  tolerance?: number;
  /** PSI above which an input feature raises a drift alert (default 0.2). */
  psiThreshold?: number;
  /** Serving processes look for activations made elsewhere this often (default 10 s; 0 = never). */
  pollMs?: number;
  /** Cron of the scheduled retraining of every model with a dataset; null = off. */
  retrainCron?: string | null;
}

export interface ModelLifecycle {
  catalogue: Catalogue;
  registry: ModelRegistry;
  server: ModelServer;
  monitor: ModelMonitor;
  /** Enqueues a training run on the shared runner; returns the job id. */
  train(data: TrainJobData): Promise<string>;
  close(): Promise<void>;
}

/** Call before `jobs.start()`: the train handler must be registered when BullMQ workers start. */
export async function createModelLifecycle(options: ModelLifecycleOptions): Promise<ModelLifecycle> {
  const catalogue = options.catalogue ?? defaultCatalogue;
  const log = options.log ?? silentLogger;
  const registry = new ModelRegistry({ db: options.db, modelsDir: options.modelsDir, catalogue, tolerance: options.tolerance, log });
  const monitor = new ModelMonitor({ db: options.db, registry, threshold: options.psiThreshold, log });
  const server = new ModelServer({ registry, pollMs: options.pollMs, log });
  options.jobs.register(TRAIN_JOB, makeTrainHandler({ registry, monitor, log }));
  const models = await scheduleRetraining(options.jobs, catalogue, options.retrainCron ?? null);
  if (options.retrainCron) log.info({ cron: options.retrainCron, models }, 'scheduled retraining');
  const kept = await registry.keepLocalFiles();
  if (kept > 0) log.info({ versions: kept }, 'model version files copied into the database');
  // Housekeeping: a folder that cannot be removed must not stop the service from starting.
  const swept = await registry.store.sweepTemporary().catch((err: Error) => {
    log.warn({ err: err.message }, 'the temporary folders of unfinished version writes could not be removed');
    return 0;
  });
  if (swept > 0) log.info({ folders: swept }, 'removed the temporary folders of version writes that never finished');
  await server.start();
  return {
    catalogue,
    registry,
    server,
    monitor,
    train: (data) => {
      registry.entry(data.model);
      return options.jobs.enqueue(TRAIN_JOB, data);
    },
    close: () => server.close(),
  };
}
