// A worker process for the distributed path: consumes the shared BullMQ queue
// (rescoring, training, rule runs). Start as many as you like, on any machine
// that reaches the same PostgreSQL and Redis.
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { loadConfig } from './config.js';
import { buildServices } from './services.js';
import { logOptions } from './log.js';

const config = loadConfig();
const log = pino(logOptions(config));
if (!config.redisUrl || !config.databaseUrl) {
  log.error('npm run worker needs REDIS_URL and DATABASE_URL: without them the API process runs jobs itself');
  process.exit(2);
}
// The logger goes to the model lifecycle too: training, promotions and load failures show in the worker's log.
const services = await buildServices(config, { work: true, log });
log.info({ storage: services.storage.location }, 'worker consuming the shared queue');

closeWithGrace({ delay: 60_000 }, async ({ err, signal }) => {
  if (err) log.error({ err }, 'worker closing after an error');
  else log.info({ signal }, 'worker closing');
  await services.close();
});
