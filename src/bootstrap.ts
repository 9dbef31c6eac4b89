// First start on an empty database: import a seeded demo world through the
// same import path, then train the models. Later starts reuse the data.
import type { FastifyBaseLogger } from 'fastify';
import type { Services } from './services.js';

export async function bootstrap(services: Services, log: FastifyBaseLogger): Promise<void> {
  const [{ n }] = await services.storage.db.query<{ n: number }>('SELECT count(*) AS n FROM customers');
  if (n > 0) {
    log.info({ customers: n }, 'database has data: skipping the demo import');
    return;
  }
  if (!services.config.demoOnEmpty) {
    log.info('empty database and DEMO_ON_EMPTY=false: waiting for imports');
    return;
  }
  log.info('empty database: the demo world will be imported once the world generator is wired');
}
