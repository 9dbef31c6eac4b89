// The OpenAPI document against the answers the service really gives: a client
// generated from /docs/json must be able to call each route as documented and
// read each answer, errors included.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { buildTestApp, auth, importRows, type TestApp } from '../helpers/app.js';
import { customer, invoice } from '../ingest/factories.js';
import { eventually } from '../helpers/eventually.js';

const PROBLEM = JSON.stringify({ $ref: '#/components/schemas/Problem' });

type Operation = {
  parameters?: { in: string; name: string; required: boolean; schema: { default?: unknown } }[];
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
};

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };
  const operation = (path: string, method = 'get') => doc.paths[path][method];

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    const post = (entity: string, rows: object[]) => importRows(t, entity, rows);
    await post('customers', [customer(1, { currency: 'EUR' })]);
    await post('invoices', [
      invoice(1, 1, { currency: 'EUR' }),
      invoice(2, 1, { currency: 'USD' }),
      invoice(3, 1, { kind: 'credit_note', amount: 40, currency: 'EUR' }),
    ]);
    doc = (await t.app.inject('/docs/json')).json();
  });
  afterAll(async () => t.close());

  describe('when a query parameter has a default', () => {
    it('documents it as optional: the service answers without it', async () => {
      const limit = operation('/v1/customers').parameters!.find((p) => p.name === 'limit')!;
      expect(limit.schema.default).toBe(50);
      expect(limit.required).toBe(false);
      expect((await t.app.inject({ url: '/v1/customers', headers: auth('platform') })).statusCode).toBe(200);
      const invoices = operation('/v1/customers/{externalId}/invoices').parameters!.filter((p) => p.in === 'query');
      expect(invoices.map((p) => [p.name, p.required])).toEqual(expect.arrayContaining([['state', false], ['limit', false]]));
    });

    it('keeps a path parameter required', () => {
      expect(operation('/v1/customers/{externalId}').parameters).toMatchObject([{ in: 'path', name: 'externalId', required: true }]);
    });
  });

  describe('when the service refuses a request', () => {
    it('documents every problem under the media type it is sent as', async () => {
      const res = await t.app.inject({ url: '/v1/customers/NOPE', headers: auth('platform') });
      expect(res.statusCode).toBe(404);
      const sentAs = String(res.headers['content-type']).split(';')[0];
      expect(sentAs).toBe('application/problem+json');
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          for (const [status, response] of Object.entries(op.responses)) {
            const schemas = Object.values(response.content ?? {}).map((c) => c.schema);
            if (!schemas.some((schema) => JSON.stringify(schema) === PROBLEM)) continue;
            expect(Object.keys(response.content!), `${method} ${path} ${status}`).toEqual([sentAs]);
          }
        }
      }
    });
  });

  describe('when real answers are read with it', () => {
    const validator = () => {
      // Ajv reads OpenAPI 3.0's `nullable` itself.
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema({ components: doc.components }, 'doc');
      return (schema: object) => ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));
    };
    const schemaOf = (path: string, status: string) => Object.values(operation(path).responses[status].content!)[0].schema;

    it.each([
      ['/v1/customers', '/v1/customers', '200'],
      ['/v1/customers/{externalId}', '/v1/customers/C1', '200'],
      ['/v1/customers/{externalId}/invoices', '/v1/customers/C1/invoices?state=all', '200'],
      ['/v1/invoices/{externalId}', '/v1/invoices/INV1', '200'],
      ['/v1/invoices/{externalId}', '/v1/invoices/NOPE', '404'],
      ['/v1/jobs/{id}', '/v1/jobs/NOPE', '404'],
    ])('%s answers %s as documented', async (path, url, status) => {
      const res = await t.app.inject({ url, headers: auth('platform') });
      expect(String(res.statusCode)).toBe(status);
      const validate = validator()(schemaOf(path, status));
      expect(validate(res.json()), JSON.stringify(validate.errors)).toBe(true);
    });

    it('/v1/jobs/{id} answers a finished import as documented', async () => {
      const queued = await t.app.inject({
        method: 'POST', url: '/v1/import/customers', payload: '{"externalId":"C9","name":"Late"}\n',
        headers: { ...auth('platform'), 'content-type': 'application/x-ndjson', prefer: 'respond-async' },
      });
      const job = await eventually(async () => {
        const res = await t.app.inject({ url: `/v1/jobs/${queued.json().jobId}`, headers: auth('platform') });
        expect(res.json().state).toBe('completed');
        return res.json();
      });
      const validate = validator()(schemaOf('/v1/jobs/{id}', '200'));
      expect(validate(job), JSON.stringify(validate.errors)).toBe(true);
    });
  });
  describe('when a report names the columns of its CSV', () => {
    // A client reading the file by the document's header would miss the credit columns the file ends with.
    it.each([
      '/v1/reports/aged-balance?currency=EUR',
      '/v1/reports/dso?currency=EUR&netCredits=true',
      '/v1/reports/cei?currency=EUR&netCredits=true',
    ])('%s: lists every column the file has', async (url) => {
      const res = await t.app.inject({ url: `${url}&format=csv`, headers: auth('analyst') });
      expect(res.statusCode).toBe(200);
      const header = res.body.split('\r\n')[0].split(',');
      const documented = operation(url.split('?')[0]).responses['200'].content!['text/csv'].schema as { description: string };
      const named = new Set(documented.description.split(/[\s,[\]]+/));
      expect(header.filter((column) => !named.has(column))).toEqual([]);
    });
  });
});
