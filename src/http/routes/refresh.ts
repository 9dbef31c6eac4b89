// POST /v1/refresh — asks for the refresh chain (inbound triage, scores,
// rules, agenda) now: after a sync of reference data, or sooner than the
// sweep when an import says its own refresh could not be queued (refreshError).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requestRefresh } from '../../pipeline/refresh.js';
import { errorResponses } from '../schemas/common.js';
import { QueuedJob, sendQueued } from '../queued.js';

const refreshRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, jobs } = app.services;
  app.post('/v1/refresh', {
    config: { roles: ['platform', 'analyst'], action: 'ask for a refresh' },
    schema: {
      tags: ['jobs'],
      summary: 'Refresh triage, scores, rules and the agenda from the data committed by now',
      description: 'Queues the refresh an import sets off. A refresh that starts after this request and completes answers it, ' +
        'so asking while one is queued costs at most one more run.',
      response: {
        202: QueuedJob,
        ...errorResponses,
      },
    },
  }, async (request, reply) => {
    return sendQueued(reply, await requestRefresh(storage.db, jobs, 'manual', request.log));
  });
};

export default refreshRoutes;
