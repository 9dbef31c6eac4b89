// Reads the config, builds the services and the app, listens, and shuts down
// gracefully: stop taking requests, let jobs finish, close the database and Redis.
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.js';
import { startServer, stopServer } from './start.js';
import { bootstrap } from './demo/bootstrap.js';

const config = loadConfig();
const { app, services, startup } = await startServer(config, { work: config.workerInApi });
app.log.info({ storage: services.storage.location, jobs: services.jobs.shared.kind }, 'storage and jobs ready');

let closing = false;
closeWithGrace({ delay: 30_000 }, async ({ err, signal }) => {
  closing = true;
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing');
  await stopServer({ app, services });
});

await app.listen({ port: config.port, host: config.host });
try {
  await bootstrap(services, app.log, startup);
} catch (err) {
  // The service keeps answering; /health/ready says the start-up failed until a restart finishes it.
  if (closing) app.log.warn('demo start-up stopped by the shutdown: the next start resumes it');
  else app.log.error({ err }, 'demo start-up failed: the next start resumes it');
}
