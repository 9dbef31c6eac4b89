// Everything the HTTP layer and the workers need, built once from the config.
// Tests build it with their own storage and runners.
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import { silentLogger, type Catalogue, type Logger } from './ml/registry/types.js';
import { openStorage, type Storage } from './db/open.js';
import { recordReportingCurrency } from './fields/reporting-currency.js';
import { canonicaliseStoredZones } from './ingest/stored-zones.js';
import { Jobs } from './jobs/jobs.js';
import { makeImportHandler } from './ingest/import-job.js';
import { createModelLifecycle, type ModelLifecycle } from './ml/registry/index.js';
import { serviceCatalogue } from './scoring/catalogue.js';
import { AGENDA_PLAN_JOB, agendaPolicy, makeAgendaPlanHandler, type AgendaPolicy } from './agenda/index.js';
import { ASSIGN_RUN_JOB, makeAssignRunHandler } from './assign/jobs.js';
import { startRunSweeper } from './assign/sweep.js';
import { REFRESH_JOB, importRefreshes, makeRefreshHandler, requestRefresh, scheduleNightlyRefresh } from './pipeline/refresh.js';
import type { ImportResult } from './ingest/load.js';
import type { Queryable } from './db/sql.js';
import { markRefreshWanted } from './pipeline/refresh-requests.js';
import { startRefreshSweeper } from './pipeline/refresh-sweep.js';
import { importTriage } from './inbound/import-triage.js';

export interface Services {
  config: Config;
  storage: Storage;
  jobs: Jobs;
  models: ModelLifecycle;
  /** What the plan job, the refresh and the agenda routes plan with. */
  agendaPolicy: AgendaPolicy;
  /** Extra readiness probes (Redis when configured). */
  readiness: Record<string, () => Promise<void>>;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export interface BuildServicesOptions {
  /** Run shared-queue workers in this process (API processes may leave that to `npm run worker`). */
  work?: boolean;
  storage?: Storage;
  /** Job runners of the caller's own (tests: a queue of their own on Redis). */
  jobs?: Jobs;
  log?: Logger;
  /** The models the lifecycle knows (tests use small ones). */
  catalogue?: Catalogue;
}

export async function buildServices(config: Config, options: BuildServicesOptions = {}): Promise<Services> {
  const storage = options.storage ?? (await openStorage({
    databaseUrl: config.databaseUrl,
    pgliteDir: path.join(config.dataDir, 'pglite'),
  }));
  await recordReportingCurrency(storage.db, config.reportingCurrency, options.log);
  await canonicaliseStoredZones(storage.db, options.log);
  const jobs = options.jobs ?? new Jobs({ redisUrl: config.redisUrl, work: options.work ?? true, log: options.log, db: storage.db });
  const readiness: Services['readiness'] = {};
  let redis: Redis | null = null;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    // The readiness probe reports an outage (and the job queue logs it): not ioredis's "Unhandled error event".
    redis.on('error', () => undefined);
    readiness.redis = async () => {
      if (redis!.status === 'wait') await redis!.connect();
      await redis!.ping();
    };
  }
  // Data that moves scores, rules or the agenda sets off a refresh; the
  // requests of a sync of many files are answered by one or two (refresh-requests.ts).
  // The import route checked the queue before the upload; lost since, the
  // import stands and its outcome says the refresh was not queued.
  const wantsRefresh = (result: ImportResult) => result.inserted + result.updated > 0 && importRefreshes(result.entity);
  const afterImport = async (result: ImportResult) => {
    if (!wantsRefresh(result)) return null;
    try {
      return await requestRefresh(storage.db, jobs, 'import', options.log);
    } catch (err) {
      // The import's outcome says so to its caller; the operator sees why.
      (options.log ?? silentLogger).error({ err, entity: result.entity }, 'the refresh after an import could not be queued');
      throw err;
    }
  };
  // The outbox: the mark commits with the rows, and the refresh sweep queues the refresh a lost hand-over did not.
  const markImport = (tx: Queryable, result: ImportResult) => (wantsRefresh(result) ? markRefreshWanted(tx) : Promise.resolve());
  // Handlers are registered before BullMQ workers start taking jobs.
  const models = await createModelLifecycle({
    db: storage.db,
    jobs,
    modelsDir: config.modelsDir,
    catalogue: options.catalogue ?? serviceCatalogue(storage.db, undefined, { inboundCorpusSize: config.inboundCorpusSize, inboundThreads: config.inboundThreads }),
    retrainCron: config.retrainCron,
    psiThreshold: config.inputDriftPsiThreshold,
    log: options.log,
  });
  // After the models: a small email import triages its emails with the one served here.
  jobs.registerLocal('import', makeImportHandler(storage.db, afterImport, markImport,
    importTriage(storage.db, models.server, config.inboundImportTriageMax, options.log)));
  const policy = agendaPolicy({ reportingCurrency: config.reportingCurrency });
  jobs.register(AGENDA_PLAN_JOB, makeAgendaPlanHandler(storage.db, policy));
  jobs.register(ASSIGN_RUN_JOB, makeAssignRunHandler(storage.db));
  jobs.register(REFRESH_JOB, makeRefreshHandler(storage.db, models.server, policy, models.monitor));
  await scheduleNightlyRefresh(jobs, config.nightlyCron);
  await jobs.start();
  // Rule runs their job left unfinished for good (a worker gone, a job given up) are marked failed, now and every 10 minutes.
  const sweepers = [
    startRunSweeper(storage.db, jobs, { staleAfterMs: config.assignRunStaleMinutes * 60_000, log: options.log }),
    startRefreshSweeper(storage.db, jobs, { log: options.log }),
  ];
  return {
    config,
    storage,
    jobs,
    models,
    agendaPolicy: policy,
    readiness,
    async close() {
      await Promise.all(sweepers.map((s) => s.stop()));
      // Jobs first: a worker's close waits for the jobs it runs, which score with the models served.
      await jobs.close();
      await models.close();
      redis?.disconnect();
      await storage.close();
    },
  };
}
