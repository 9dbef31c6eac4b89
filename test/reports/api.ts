// The reports' routes on a test app seeded with one portfolio, for one
// describe block: the app is built before its tests and closed after them.
import { beforeAll, afterAll } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Db } from '../../src/db/sql.js';
import { auth, type TestApp } from '../helpers/app.js';
import { buildAgendaTestApp, whenCalm } from '../agenda/app.js';

export interface ReportsApi {
  /** Set once the block's beforeAll has run. */
  t: TestApp;
  /** GET `url` with the key of `role` (analyst by default; the collector key is bound to alice). */
  get(url: string, role?: 'collector' | 'analyst'): Promise<LightMyRequestResponse>;
}

export function reportsApi(backend: 'pglite' | 'postgres', seed: (db: Db) => Promise<void>): ReportsApi {
  const api: ReportsApi = {
    t: undefined as unknown as TestApp,
    async get(url, role = 'analyst') {
      await whenCalm(api.t.app);
      return api.t.app.inject({ url, headers: auth(role) });
    },
  };
  beforeAll(async () => {
    api.t = await buildAgendaTestApp(backend);
    await seed(api.t.storage.db);
  });
  afterAll(async () => api.t.close());
  return api;
}
