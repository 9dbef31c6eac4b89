// Invoices with their qualification and the model outputs stored on them:
// what the platform shows next to its own invoice, and what a collector
// opens before a call.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AR_ERR } from '../../errors.js';
import { Cursor, Page, errorResponses } from '../schemas/common.js';
import { portfolioOf } from '../portfolio.js';
import { getInvoice, InvoiceDetailSchema, InvoiceSchema, listCustomerInvoices } from '../../invoices/queries.js';

const ExternalIdParams = Type.Object({ externalId: Type.String({ minLength: 1, maxLength: 200 }) });

const invoiceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage } = app.services;

  app.get('/v1/customers/:externalId/invoices', {
    schema: {
      tags: ['customers'],
      summary: "A customer's invoices with their qualification, late probabilities and expected payment date",
      params: ExternalIdParams,
      querystring: Type.Object({
        state: Type.Union([Type.Literal('open'), Type.Literal('settled'), Type.Literal('all')], { default: 'open' }),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        after: Cursor(),
      }, { additionalProperties: false }),
      response: {
        200: Page(InvoiceSchema),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const page = await listCustomerInvoices(storage.db, request.params.externalId, request.query, portfolioOf(request));
    if (!page) throw AR_ERR.NOT_FOUND(['Customer', request.params.externalId]);
    return page;
  });

  app.get('/v1/invoices/:externalId', {
    schema: {
      tags: ['customers'],
      summary: 'One invoice with its qualification, the model outputs stored on it and the payments applied to it',
      params: ExternalIdParams,
      response: { 200: InvoiceDetailSchema, ...errorResponses },
    },
  }, async (request) => {
    const invoice = await getInvoice(storage.db, request.params.externalId, portfolioOf(request));
    if (!invoice) throw AR_ERR.NOT_FOUND(['Invoice', request.params.externalId]);
    return invoice;
  });
};

export default invoiceRoutes;
