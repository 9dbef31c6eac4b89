import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProblemRef } from '../schemas/common.js';
import { within } from '../../util/deadline.js';

// A check that has not answered by then is down: a probe of a server that
// stopped answering waited for ever, and the balancer read a timeout, not why.
const CHECK_LIMIT_MS = 5000;
const late = `no answer within ${CHECK_LIMIT_MS / 1000} s`;

async function check(probe: () => Promise<unknown>): Promise<{ ok: boolean; detail?: string }> {
  try {
    await within(probe(), CHECK_LIMIT_MS, late);
    return { ok: true };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, readiness } = app.services;

  app.get('/health/live', {
    config: { public: true, answersOverloaded: true },
    schema: { tags: ['health'], summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/health/ready', {
    config: { public: true },
    schema: {
      tags: ['health'],
      summary: 'Database (and Redis when configured) answer, and the start-up (demo on first start) has finished',
      description: 'While the first start builds the demo, `checks.startup` is not ok and its detail says which stage it is at.',
      response: {
        200: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Check) }),
        503: Type.Union([Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Check) }), ProblemRef]),
      },
    },
  }, async (_request, reply) => {
    // At once, so that the answer takes the limit at most, whatever is down.
    const probes: [string, () => Promise<unknown>][] = [['database', () => storage.db.ping(CHECK_LIMIT_MS)], ...Object.entries(readiness)];
    const checks = Object.fromEntries(await Promise.all(probes.map(async ([name, probe]) => [name, await check(probe)] as const)));
    if (checks.database.ok) checks.database.detail = storage.db.kind;
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
  });
};

export default healthRoutes;
