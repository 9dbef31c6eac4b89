// First start on an empty database: generate a seeded demo world (synthetic,
// with ground truth in its truth.json), import it through the import path,
// train every model on it, install the brief's start-up strategy (saved
// searches and assignment rules), then score, assign and plan the agenda.
// Later starts reuse the data.
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../services.js';
import { streamWorld } from '../world/index.js';
import { importDirectory } from '../ingest/import-dir.js';
import { today } from '../scoring/catalogue.js';
import { installDemoStrategy } from './strategy.js';
import { REFRESH_JOB } from '../pipeline/refresh.js';


async function runJob(services: Services, log: FastifyBaseLogger, what: string, enqueue: () => Promise<string>) {
  const id = await enqueue();
  const info = await services.jobs.waitFor(id, 30 * 60_000);
  if (info.state !== 'completed') log.warn({ job: id, error: info.error }, `${what}: ${info.state}`);
  else log.info({ job: id, result: info.result }, `${what}: done`);
  return info;
}

export async function bootstrap(services: Services, log: FastifyBaseLogger): Promise<void> {
  const { db } = services.storage;
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*) AS n FROM customers');
  if (n > 0) {
    log.info({ customers: n }, 'database has data: no demo import');
    return;
  }
  if (!services.config.demoOnEmpty) {
    log.info('empty database and DEMO_ON_EMPTY=false: waiting for imports');
    return;
  }
  const dir = path.join(services.config.dataDir, 'demo-world');
  const customers = services.config.demoCustomers;
  log.info({ customers, months: 24, dir }, 'empty database: generating the demo world (synthetic, seed 42)');
  let lastLogged = 0;
  const stats = streamWorld({ customers, months: 24, seed: 42, endDate: today() }, dir, ({ done, total }) => {
    if (done - lastLogged >= total / 10 || done === total) {
      lastLogged = done;
      log.info(`demo world: ${done}/${total} customers`);
    }
  });
  log.info({ lateRate: stats.lateRate, over30Rate: stats.over30Rate }, 'demo world generated');
  await importDirectory(db, dir, (r) => log.info(r, `imported ${r.entity}`));
  for (const model of services.config.demoModels ?? services.models.registry.models()) {
    await runJob(services, log, `training ${model}`, () => services.models.train({ model, promote: true }));
  }
  await services.models.server.refresh();
  const rules = await installDemoStrategy(db);
  log.info({ rules: rules.length }, 'demo start-up strategy installed (saved searches and assignment rules)');
  await runJob(services, log, 'scoring, assigning and planning the agenda', () => services.jobs.enqueue(REFRESH_JOB, { trigger: 'manual' }));
}
