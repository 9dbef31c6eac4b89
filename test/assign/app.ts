// A Fastify instance with the Search & Assign routes and job handler,
// registered as app.ts and services.ts do (problem+json errors, API-key roles),
// without the load-shedding plugins: PGlite's synchronous queries on a busy
// test machine would trip under-pressure's event-loop check.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { loadConfig } from '../../src/config.js';
import { buildServices, type Services } from '../../src/services.js';
import problem from '../../src/http/plugins/problem.js';
import authPlugin from '../../src/http/plugins/auth.js';
import { Problem } from '../../src/http/schemas/common.js';
import searchRoutes from '../../src/http/routes/searches.js';
import assignRoutes from '../../src/http/routes/assign.js';
import criteriaRoutes from '../../src/http/routes/criteria.js';
import { ASSIGN_RUN_JOB, makeAssignRunHandler } from '../../src/assign/jobs.js';
import { KEYS } from '../helpers/app.js';
import { openTestStorage, type TestStorage } from '../helpers/storage.js';

/** A collector key bound to col-a (factories' first collector). */
export const COL_A_KEY = 'k-collector-col-a';

export interface AssignTestApp {
  app: Awaited<ReturnType<typeof build>>;
  services: Services;
  storage: TestStorage;
  close(): Promise<void>;
}

async function build(services: Services) {
  const app = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } } })
    .withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('services', services);
  await app.register(problem);
  app.addSchema(Problem);
  await app.register(authPlugin, { keys: services.config.apiKeys });
  await app.register(searchRoutes);
  await app.register(assignRoutes);
  await app.register(criteriaRoutes);
  return app;
}

export async function buildAssignTestApp(backend: 'pglite' | 'postgres'): Promise<AssignTestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-assign-'));
  const config = loadConfig({
    API_KEYS: [...Object.entries(KEYS).map(([role, key]) => `${key}:${role}`), `${COL_A_KEY}:collector@col-a`].join(','),
    DATA_DIR: dataDir,
    NIGHTLY_CRON: 'off',
    DEMO_ON_EMPTY: 'false',
  });
  const storage = await openTestStorage(backend);
  const services = await buildServices(config, { storage });
  services.jobs.register(ASSIGN_RUN_JOB, makeAssignRunHandler(storage.db));
  const app = await build(services);
  return {
    app,
    services,
    storage,
    async close() {
      await app.close();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
