// Stored data that breaks a rule the import now enforces: what the AR
// platform sends again, and why a balance reads wrong meanwhile.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Role } from '../../config.js';
import { Cursor, Page, errorResponses } from '../schemas/common.js';
import { listOverAllocated, OverAllocatedInvoice, OverAllocatedPayment, type AllocatedKind } from '../../quality/over-allocated.js';
import { listOffShapeJson, OffShapeJson } from '../../quality/json-shapes.js';

const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  after: Cursor(),
}, { additionalProperties: false });

const qualityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage } = app.services;
  // Portfolio-wide: not for a collector key, which reads its own customers only.
  const config = { roles: ['platform', 'analyst'] as Role[], action: 'read data quality' };
  const route = (kind: AllocatedKind, item: typeof OverAllocatedInvoice | typeof OverAllocatedPayment) =>
    app.get(`/v1/data-quality/over-allocated-${kind}`, {
      config,
      schema: {
        tags: ['data quality'],
        summary: `The ${kind} whose allocations sum to more than their amount, with those allocations`,
        description: `Stored before imports refused it: each ${kind.slice(0, -1)} with its amount, what is allocated, the excess and its allocations ` +
          '(largest first); `count` is the whole list\'s, on every page.',
        querystring: PageQuery,
        response: { 200: Type.Object({ count: Type.Integer(), ...Page(item).properties }), ...errorResponses },
      },
    }, async (request) => listOverAllocated(storage.db, kind, request.query));
  route('invoices', OverAllocatedInvoice);
  route('payments', OverAllocatedPayment);

  app.get('/v1/data-quality/json-shapes', {
    config,
    schema: {
      tags: ['data quality'],
      summary: 'Stored JSON values of another shape than their field declares, by entity, field and kind',
      description: 'An offer\'s terms or an event\'s payload stored before imports refused any value but a JSON object (5, "net 30", [2, 10]): ' +
        'read as holding none of the keys the agenda and the models look for. Send those rows again with an object.',
      querystring: Type.Object({}, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(OffShapeJson) }), ...errorResponses },
    },
  }, async () => ({ items: await listOffShapeJson(storage.db) }));
};

export default qualityRoutes;
