// First start on an empty database: generate a seeded demo world (synthetic,
// with ground truth in its truth.json), import it through the import path,
// train every model on it, install the brief's start-up strategy (saved
// searches and assignment rules), then score, assign and plan the agenda.
// Later starts reuse the data.
//
// The demo is recorded in service_state (key `demo`) before the first row is
// imported and marked completed after the last step. A start that finds data
// and a demo started but never completed (the first start was stopped) resumes
// it with the same world: imports upsert, models already active are kept, the
// strategy is installed once. Data without that record was never a demo and is
// left alone.
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../services.js';
import { ident, type Db } from '../db/sql.js';
import type { JobInfo } from '../jobs/types.js';
import { streamWorld } from '../world/index.js';
import { importDirectory } from '../ingest/import-dir.js';
import { ENTITIES } from '../ingest/entities.js';
import { today } from '../scoring/catalogue.js';
import { installDemoStrategy } from './strategy.js';
import { REFRESH_JOB } from '../pipeline/refresh.js';

/** What fixes the demo world: the same values give the same files. */
export interface DemoWorldParams {
  customers: number;
  months: number;
  seed: number;
  endDate: string;
}

export interface DemoRecord extends DemoWorldParams {
  state: 'started' | 'completed';
  startedAt: string;
  completedAt?: string;
}

const DEMO_KEY = 'demo';

export async function readDemoRecord(db: Db): Promise<DemoRecord | null> {
  const [row] = await db.query<{ value: DemoRecord }>('SELECT value FROM service_state WHERE key = $1', [DEMO_KEY]);
  return row?.value ?? null;
}

async function writeDemoRecord(db: Db, record: DemoRecord): Promise<void> {
  await db.query(
    `INSERT INTO service_state (key, value) VALUES ($1, $2::jsonb)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [DEMO_KEY, JSON.stringify(record)],
  );
}

/**
 * What /health/ready says until the first start is over: not ready, with the
 * stage, while the demo is generated, imported, trained and scored (the server
 * listens meanwhile, and answers 503 for models not trained yet).
 */
export class StartupProgress {
  private pending: string | null = 'start-up in progress';

  /** A readiness probe (Services.readiness): throws the reason while not ready. */
  readonly probe = async (): Promise<void> => {
    if (this.pending !== null) throw new Error(this.pending);
  };

  get ready(): boolean {
    return this.pending === null;
  }

  stage(what: string): void {
    this.pending = `demo start-up in progress: ${what}`;
  }

  finished(): void {
    this.pending = null;
  }

  failed(why: string): void {
    this.pending = `demo start-up failed: ${why}`;
  }
}

/** Holds /health/ready at 503 until `bootstrap` is given the returned progress and finishes. */
export function holdReadiness(services: Services): StartupProgress {
  const progress = new StartupProgress();
  services.readiness.startup = progress.probe;
  return progress;
}

async function runJob(services: Services, log: FastifyBaseLogger, what: string, enqueue: () => Promise<string>): Promise<JobInfo> {
  const id = await enqueue();
  const info = await services.jobs.waitFor(id, 30 * 60_000);
  if (info.state !== 'completed') log.warn({ job: id, error: info.error }, `${what}: ${info.state}`);
  else log.info({ job: id, result: info.result }, `${what}: done`);
  return info;
}

/** The advisory lock one process holds while it builds the demo. */
const DEMO_LOCK_KEY = "hashtext('ar-demo-bootstrap')";

/**
 * Several API processes started at once on one PostgreSQL would each find it
 * empty, or each take the other's half-built demo for an interrupted one: one
 * builds it under a transaction-scoped advisory lock, the others wait for it
 * (not ready meanwhile) and then find it complete. PGlite has one process by
 * construction (its folder lock), and one connection a held transaction would block.
 */
async function oneProcessAtATime(services: Services, log: FastifyBaseLogger, progress: StartupProgress, work: () => Promise<void>): Promise<void> {
  if (services.storage.kind !== 'postgres') return work();
  await services.storage.db.transaction(async (tx) => {
    const [{ ok }] = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${DEMO_LOCK_KEY}) AS ok`);
    if (!ok) {
      log.info('another process is building the demo: waiting for it');
      progress.stage('waiting for another process building the demo');
      await tx.query(`SELECT pg_advisory_xact_lock(${DEMO_LOCK_KEY})`);
    }
    await work();
  });
}

export async function bootstrap(services: Services, log: FastifyBaseLogger, progress = new StartupProgress()): Promise<void> {
  try {
    await oneProcessAtATime(services, log, progress, () => run(services, log, progress));
  } catch (err) {
    progress.failed(`${(err as Error).message}; the next start resumes it`);
    throw err;
  }
}

/**
 * The tables the importer writes that hold any row, in import order. Customers
 * alone are not enough: a real database may hold collectors, scenarios or
 * payments imported before its customers (or have had them deleted), and a demo
 * imported there would mix with them.
 */
async function importedTables(db: Db): Promise<string[]> {
  const probes = ENTITIES.map((e, i) => `SELECT ${i} AS o, '${e.table}' AS t WHERE EXISTS (SELECT 1 FROM ${ident(e.table)})`);
  const rows = await db.query<{ t: string }>(`SELECT t FROM (${probes.join(' UNION ALL ')}) x ORDER BY o`);
  return rows.map((r) => r.t);
}

async function run(services: Services, log: FastifyBaseLogger, progress: StartupProgress): Promise<void> {
  const { db } = services.storage;
  const { config } = services;
  const tables = await importedTables(db);
  const hasData = tables.length > 0;
  const record = await readDemoRecord(db);
  const interrupted = record?.state === 'started';
  if (hasData && !interrupted) {
    log.info({ tables, demo: record ? `completed ${record.completedAt}` : 'never' }, 'database has data: no demo import');
    progress.finished();
    return;
  }
  if (!config.demoOnEmpty) {
    if (hasData) {
      log.warn(
        { tables, startedAt: record!.startedAt },
        'the demo start-up was stopped before it finished (models untrained, no saved searches) and DEMO_ON_EMPTY=false: ' +
          'not resuming it; start once without DEMO_ON_EMPTY=false to finish it',
      );
    } else {
      log.info('empty database and DEMO_ON_EMPTY=false: waiting for imports');
    }
    progress.finished();
    return;
  }

  // Checked before anything is written: a misspelt model failed only at its
  // training, after the whole world was imported, and again at every restart.
  const unknown = (config.demoModels ?? []).filter((m) => !services.models.registry.models().includes(m));
  if (unknown.length > 0) {
    throw new Error(`DEMO_MODELS: unknown model ${unknown.map((m) => `"${m}"`).join(', ')} (this service has ${services.models.registry.models().join(', ')})`);
  }

  // An interrupted demo is finished with the world it started with (not today's,
  // not a new DEMO_CUSTOMERS): a different world would mix with the rows already in.
  const params: DemoWorldParams = interrupted
    ? { customers: record.customers, months: record.months, seed: record.seed, endDate: record.endDate }
    : { customers: config.demoCustomers, months: 24, seed: 42, endDate: today() };
  const started: DemoRecord = { state: 'started', ...params, startedAt: interrupted ? record.startedAt : new Date().toISOString() };
  if (interrupted) {
    log.warn({ ...params, tablesWithRows: tables, startedAt: started.startedAt }, 'the demo start-up was stopped before it finished: resuming it');
  }
  await writeDemoRecord(db, started);

  const dir = path.join(config.dataDir, 'demo-world');
  log.info({ ...params, dir }, `${interrupted ? 'regenerating' : 'empty database: generating'} the demo world (synthetic, seed ${params.seed})`);
  progress.stage('generating the demo world');
  let lastLogged = 0;
  const stats = streamWorld(params, dir, ({ done, total }) => {
    if (done - lastLogged >= total / 10 || done === total) {
      lastLogged = done;
      log.info(`demo world: ${done}/${total} customers`);
    }
  });
  log.info({ lateRate: stats.lateRate, over30Rate: stats.over30Rate }, 'demo world generated');
  progress.stage('importing the demo world');
  await importDirectory(db, dir, (r) => {
    log.info(r, `imported ${r.entity}`);
    progress.stage(`imported ${r.entity}`);
  });

  const failures: string[] = [];
  const registry = services.models.registry;
  const wanted = config.demoModels ?? registry.models();
  const active = await registry.activeVersions();
  const toTrain = wanted.filter((m) => !active.has(m));
  if (toTrain.length < wanted.length) log.info({ kept: wanted.filter((m) => active.has(m)) }, 'models already active are kept');
  for (const [i, model] of toTrain.entries()) {
    progress.stage(`training ${model} (${i + 1}/${toTrain.length})`);
    const info = await runJob(services, log, `training ${model}`, () => services.models.train({ model, promote: true }));
    if (info.state !== 'completed') failures.push(`training ${model}: ${info.error?.message ?? info.state}`);
  }
  await services.models.server.refresh();

  progress.stage('installing saved searches and assignment rules');
  const rules = await installDemoStrategy(db);
  log.info({ rules: rules.length }, 'demo start-up strategy installed (saved searches and assignment rules)');
  progress.stage('scoring, assigning and planning the agenda');
  const refresh = await runJob(services, log, 'scoring, assigning and planning the agenda', () => services.jobs.enqueue(REFRESH_JOB, { trigger: 'manual' }));
  if (refresh.state !== 'completed') failures.push(`scoring: ${refresh.error?.message ?? refresh.state}`);

  const summary = await demoSummary(services);
  if (failures.length > 0) {
    // Not marked completed: the next start retries what failed and keeps the rest.
    log.warn({ failures, ...summary }, 'demo start-up finished with failures: the next start retries them');
  } else {
    await writeDemoRecord(db, { ...started, state: 'completed', completedAt: new Date().toISOString() });
    log.info(summary, `demo ready: ${summary.customers} customers, ${summary.models.length} models served, ` +
      `${summary.rules} assignment rules, ${summary.plannedActions} planned actions`);
  }
  progress.finished();
}

async function demoSummary(services: Services) {
  const [row] = await services.storage.db.query<{ customers: number; invoices: number; payments: number; rules: number; plannedActions: number }>(
    `SELECT (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM invoices) AS invoices,
            (SELECT count(*)::int FROM payments) AS payments, (SELECT count(*)::int FROM assignment_rules) AS rules,
            (SELECT count(*)::int FROM actions WHERE status = 'planned') AS "plannedActions"`,
  );
  const server = services.models.server;
  const models = services.models.registry.models().map((m) => server.versionOf(m)).filter((v): v is string => v !== null);
  return { ...row, models };
}
