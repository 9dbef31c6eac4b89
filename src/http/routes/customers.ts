import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AR_ERR } from '../../errors.js';
import { Cursor, Page, errorResponses } from '../schemas/common.js';
import { listCustomers, getCustomer, CustomerSummary, CustomerDetail } from '../../customers/queries.js';
import { portfolioOf } from '../portfolio.js';

const customerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage } = app.services;

  app.get('/v1/customers', {
    schema: {
      tags: ['customers'],
      summary: 'List customers with their open and overdue balances',
      description: 'A collector key bound to a collector lists its own customers only; another collector asked for is a 403.',
      querystring: Type.Object({
        // Not empty: an empty filter would be dropped and list everyone.
        segment: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        collector: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'collector externalId' })),
        country: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })),
        q: Type.Optional(Type.String({ maxLength: 200, description: 'name or externalId contains, ignoring case (saved-search criteria do not ignore it)' })),
        overdueOnly: Type.Optional(Type.Boolean()),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
        after: Cursor(),
      }),
      response: {
        200: Page(CustomerSummary),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const collector = portfolioOf(request, request.query.collector) ?? undefined;
    return listCustomers(storage.db, { ...request.query, collector });
  });

  app.get('/v1/customers/:externalId', {
    schema: {
      tags: ['customers'],
      summary: 'One customer with its assignments, groups, balances and computed fields',
      description: "To a collector key bound to a collector, another collector's customer is a 404, as an unknown one.",
      params: Type.Object({ externalId: Type.String({ minLength: 1, maxLength: 200 }) }),
      response: { 200: CustomerDetail, ...errorResponses },
    },
  }, async (request) => {
    const customer = await getCustomer(storage, request.params.externalId, portfolioOf(request));
    if (!customer) throw AR_ERR.NOT_FOUND(['Customer', request.params.externalId]);
    return customer;
  });
};

export default customerRoutes;
