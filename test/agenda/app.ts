// The test app with the agenda and report routes and the planning job, whether
// or not app.ts / services.ts wire them yet.
import { buildTestApp, KEYS, type TestApp } from '../helpers/app.js';
import agendaRoutes from '../../src/http/routes/agenda.js';
import reportRoutes from '../../src/http/routes/reports.js';
import { AGENDA_PLAN_JOB, DEFAULT_AGENDA_POLICY, makeAgendaPlanHandler } from '../../src/agenda/index.js';

/**
 * Waits (polling, with a deadline) until under-pressure would let a request
 * through. PGlite runs queries synchronously: on a loaded machine one can block
 * the event loop long enough for under-pressure to answer 503 for its next
 * sample interval, which a real client would retry. Tests wait instead.
 */
export async function whenCalm(app: TestApp['app'], deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  const pressured = () => (app as unknown as { isUnderPressure?: () => boolean }).isUnderPressure?.() ?? false;
  do {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (!pressured()) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
  } while (Date.now() < until);
  throw new Error(`the app stayed under pressure for ${deadlineMs} ms`);
}

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
