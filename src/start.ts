// What a serving process builds from its config: one pino logger shared by the
// app and the services (so the model lifecycle, the jobs and the requests all
// log, with the same redaction), the services, the app, and /health/ready held
// at 503 until the first-start bootstrap has run. server.ts listens and runs
// the bootstrap; tests build the same thing.
import pino, { type DestinationStream } from 'pino';
import type { Config } from './config.js';
import { buildServices, type Services } from './services.js';
import { buildApp } from './app.js';
import { logOptions } from './log.js';
import { holdReadiness, type StartupProgress } from './demo/bootstrap.js';

export interface StartOptions {
  /** Run shared-queue workers in this process. */
  work: boolean;
  /** Where the logs go (stdout by default). */
  destination?: DestinationStream;
}

export interface Started {
  app: Awaited<ReturnType<typeof buildApp>>;
  services: Services;
  /** Give it to bootstrap(): /health/ready answers 503 until it has finished. */
  startup: StartupProgress;
}

export async function startServer(config: Config, options: StartOptions): Promise<Started> {
  const log = options.destination ? pino(logOptions(config), options.destination) : pino(logOptions(config));
  const services = await buildServices(config, { work: options.work, log });
  const startup = holdReadiness(services);
  const app = await buildApp(services, { loggerInstance: log });
  return { app, services, startup };
}

/**
 * The shutdown: stop taking requests and the jobs under way, then close the
 * database and Redis. At once, not one after the other: app.close() waits for
 * the requests in flight, and a synchronous import's request waits for its
 * job, which only the jobs' close stops; the shutdown waited for the whole
 * import, past close-with-grace's delay, which then exited with the embedded
 * database open.
 */
export async function stopServer({ app, services }: Pick<Started, 'app' | 'services'>): Promise<void> {
  await Promise.all([app.close(), services.jobs.close()]);
  await services.close();
}
