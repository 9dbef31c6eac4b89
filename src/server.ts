// Reads the config, builds the services and the app, listens, and shuts down
// gracefully: stop taking requests, let jobs finish, close the database and Redis.
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.js';
import { buildServices } from './services.js';
import { buildApp } from './app.js';
import { bootstrap } from './demo/bootstrap.js';

const config = loadConfig();
const services = await buildServices(config, { work: process.env.WORKER_IN_API !== 'false' });
const app = await buildApp(services);
app.log.info({ storage: services.storage.location, jobs: services.jobs.shared.kind }, 'storage and jobs ready');

closeWithGrace({ delay: 30_000 }, async ({ err, signal }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing');
  await app.close();
  await services.close();
});

await app.listen({ port: config.port, host: config.host });
await bootstrap(services, app.log);
