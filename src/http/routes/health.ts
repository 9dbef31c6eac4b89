import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProblemRef } from '../schemas/common.js';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, readiness } = app.services;

  app.get('/health/live', {
    config: { public: true },
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
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      await storage.db.query('SELECT 1');
      checks.database = { ok: true, detail: storage.db.kind };
    } catch (err) {
      checks.database = { ok: false, detail: (err as Error).message };
    }
    for (const [name, probe] of Object.entries(readiness)) {
      try {
        await probe();
        checks[name] = { ok: true };
      } catch (err) {
        checks[name] = { ok: false, detail: (err as Error).message };
      }
    }
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
  });
};

export default healthRoutes;
