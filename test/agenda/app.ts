// The test app with the agenda and report routes and the planning job, whether
// or not app.ts / services.ts wire them yet.
import { buildTestApp, KEYS, type TestApp } from '../helpers/app.js';
import agendaRoutes from '../../src/http/routes/agenda.js';
import reportRoutes from '../../src/http/routes/reports.js';
import { AGENDA_PLAN_JOB, DEFAULT_AGENDA_POLICY, makeAgendaPlanHandler } from '../../src/agenda/index.js';

/**
 * Lets overdue timers run before the next request. On PGlite a chain of
 * injected requests is one long run of microtasks: under-pressure's sampler
 * then sees no event-loop sample in its interval, counts the delay as
 * infinite and answers 503 to the next request. A real server always yields.
 */
export const letTimersRun = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The collector the test collector key is bound to. */
export const BOUND_COLLECTOR = 'alice';

export async function buildAgendaTestApp(backend: 'pglite' | 'postgres'): Promise<TestApp> {
  const t = await buildTestApp(backend);
  // What API_KEYS "k-collector:collector@alice" does once the auth plugin binds collector keys.
  t.app.addHook('onRequest', async (request) => {
    if (request.role === 'collector' && request.headers.authorization === `Bearer ${KEYS.collector}`) {
      request.collectorExternalId ??= BOUND_COLLECTOR;
    }
  });
  if (!t.app.hasRoute({ method: 'GET', url: '/v1/agenda' })) await t.app.register(agendaRoutes);
  if (!t.app.hasRoute({ method: 'GET', url: '/v1/reports/aging' })) await t.app.register(reportRoutes);
  t.services.jobs.register(AGENDA_PLAN_JOB, makeAgendaPlanHandler(t.storage.db, DEFAULT_AGENDA_POLICY));
  return t;
}
