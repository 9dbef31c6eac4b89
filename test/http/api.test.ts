import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { ndjson, customer, invoice } from '../ingest/factories.js';

describe('the HTTP API conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    const post = (entity: string, rows: object[]) => t.app.inject({
      method: 'POST', url: `/v1/import/${entity}`,
      headers: { ...auth('platform'), 'content-type': 'application/x-ndjson' }, payload: ndjson(rows),
    });
    await post('collectors', [{ externalId: 'col-1', name: 'Alice' }]);
    await post('customers', Array.from({ length: 7 }, (_, i) => customer(i + 1, i === 0 ? { collectorExternalId: 'col-1' } : {})));
    await post('invoices', [
      invoice(1, 1, { issueDate: '2025-12-15', dueDate: '2026-01-15' }),
      invoice(2, 1, { dueDate: '2199-01-01' }),
      // An unallocated credit note: credit the customer has, not a balance it owes.
      invoice(3, 1, { kind: 'credit_note', issueDate: '2025-12-20', dueDate: '2025-12-20', amount: 40, openAmount: 40 }),
      // C2's account currency defaulted to USD; it owes yen only.
      invoice(4, 2, { dueDate: '2199-01-01', amount: 150000, currency: 'JPY' }),
    ]);
  });
  afterAll(async () => t.close());

  describe('when nobody is authenticated', () => {
    it('answers health and metrics', async () => {
      expect((await t.app.inject('/health/live')).json()).toEqual({ status: 'ok' });
      const ready = await t.app.inject('/health/ready');
      expect(ready.statusCode).toBe(200);
      expect(ready.json().checks.database.ok).toBe(true);
      const metrics = await t.app.inject('/metrics');
      expect(metrics.body).toMatch(/http_request_duration_seconds/);
    });

    it('serves the OpenAPI document with the import row schemas', async () => {
      const doc = (await t.app.inject('/docs/json')).json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths['/v1/import/{entity}'].post.requestBody.content).sort()).toEqual(['application/x-ndjson', 'text/csv']);
      expect(doc.paths['/v1/import/{entity}']).toBeDefined();
      expect(doc.components.schemas.ImportInvoices.properties.dueDate).toBeDefined();
      for (const entity of ['ImportCommunications', 'ImportIncentiveOffers']) {
        expect(doc.components.schemas[entity].properties.invoiceExternalIds.anyOf[0])
          .toMatchObject({ type: 'array', maxItems: 1000, description: expect.stringMatching(/\(at most 1000 items\)$/) });
      }
    });

    it('documents the refusals the framework answers before any handler, where they can happen', async () => {
      const paths = (await t.app.inject('/docs/json')).json().paths;
      const statuses = (path: string, method: string) => Object.keys(paths[path][method].responses);
      expect(statuses('/v1/searches', 'post')).toEqual(expect.arrayContaining(['413', '415', '503']));
      expect(statuses('/v1/customers/{externalId}', 'get')).toEqual(expect.arrayContaining(['414', '503']));
      expect(statuses('/v1/customers', 'get')).not.toContain('415');
      expect(statuses('/v1/customers', 'get')).not.toContain('414');
    });

    it('documents the 504 of a workbook past its time limit on every route that exports one, and only there', async () => {
      const paths = (await t.app.inject('/docs/json')).json().paths;
      for (const [path, methods] of Object.entries(paths as Record<string, Record<string, { responses: Record<string, { content?: object }> }>>)) {
        for (const [method, operation] of Object.entries(methods)) {
          const exportsWorkbooks = Object.keys(operation.responses['200']?.content ?? {}).some((type) => type.includes('spreadsheetml'));
          expect(Object.keys(operation.responses).includes('504'), `${method} ${path}`).toBe(exportsWorkbooks);
        }
      }
      expect(Object.keys(paths['/v1/reports/overdue'].get.responses)).toContain('504');
    });

    it('refuses the API with a 401 problem', async () => {
      const res = await t.app.inject('/v1/customers');
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_UNAUTHENTICATED', status: 401 });
    });

    it('refuses a wrong key exactly like a missing one', async () => {
      const res = await t.app.inject({ url: '/v1/customers', headers: { authorization: 'Bearer nope' } });
      expect(res.statusCode).toBe(401);
    });
  });

  describe('when a route does not exist', () => {
    it('answers a 404 problem', async () => {
      const res = await t.app.inject({ url: '/v1/nothing', headers: auth('admin') });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });

    it.each([
      ['DELETE', '/v1/reports/aging?currency=EUR', 'GET, HEAD'],
      ['PATCH', '/v1/searches/1', 'GET, HEAD, DELETE, PUT'],
      ['POST', '/v1/searches/1', 'GET, HEAD, DELETE, PUT'],
      ['GET', '/v1/refresh', 'POST'],
      ['HEAD', '/v1/score/invoices', 'POST'],
      ['HEAD', '/v1/refresh', 'POST'],
      ['OPTIONS', '/v1/score/invoices', 'POST'],
      ['OPTIONS', '/v1/reports/aging', 'GET, HEAD'],
    ] as const)('answers %s %s, a path taken by other methods, with a 405 problem allowing %s', async (method, url, allow) => {
      const res = await t.app.inject({ method, url, headers: auth('admin') });
      expect(res.statusCode).toBe(405);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.headers.allow).toBe(allow);
      // A HEAD answer has no body: its status and headers say it all.
      if (method !== 'HEAD') expect(res.json()).toMatchObject({ status: 405, code: 'AR_ERR_METHOD_NOT_ALLOWED', detail: expect.stringContaining(allow) });
    });

    it.each([
      ['DELETE', '/v1/nothing'],
      ['OPTIONS', '/v1/nothing'],
      ['HEAD', '/v1/nothing'],
    ] as const)('still answers %s %s, a path no route has, with a 404 problem and no Allow', async (method, url) => {
      const res = await t.app.inject({ method, url, headers: auth('admin') });
      expect(res.statusCode).toBe(404);
      expect(res.headers.allow).toBeUndefined();
    });

    it('answers HEAD where GET is, as before', async () => {
      expect((await t.app.inject({ method: 'HEAD', url: '/v1/customers', headers: auth('admin') })).statusCode).toBe(200);
    });
  });

  describe('when customers are listed', () => {
    it('pages through all of them with a cursor', async () => {
      const seen: string[] = [];
      let after: number | null = null;
      do {
        const url: string = `/v1/customers?limit=3${after !== null ? `&after=${after}` : ''}`;
        const page = (await t.app.inject({ url, headers: auth('collector') })).json();
        seen.push(...page.items.map((c: { externalId: string }) => c.externalId));
        after = page.nextCursor;
      } while (after !== null);
      expect(seen).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7']);
    });

    it('filters by collector and by overdue balance, credit notes apart', async () => {
      const byCollector = (await t.app.inject({ url: '/v1/customers?collector=col-1', headers: auth('collector') })).json();
      expect(byCollector.items.map((c: { externalId: string }) => c.externalId)).toEqual(['C1']);
      const overdue = (await t.app.inject({ url: '/v1/customers?overdueOnly=true', headers: auth('collector') })).json();
      expect(overdue.items).toHaveLength(1);
      expect(overdue.items[0]).toMatchObject({
        externalId: 'C1', openAmount: 203, overdueAmount: 101, openCredits: 40, netOpenAmount: 163, reportingOpenAmount: 203, reportingOverdueAmount: 101,
      });
    });

    it('searches names and externalIds for the text typed, whatever its case, % and _ included', async () => {
      const found = async (q: string) =>
        (await t.app.inject({ url: `/v1/customers?q=${encodeURIComponent(q)}`, headers: auth('collector') })).json().items.map((c: { externalId: string }) => c.externalId);
      expect(await found('c7')).toEqual(['C7']);
      expect(await found('TOMER 3')).toEqual(['C3']);
      expect(await found('%')).toEqual([]);
      expect(await found('_')).toEqual([]);
    });

    // An empty filter used to be dropped: ?segment= listed every customer, not those of no segment.
    it.each(['segment', 'collector', 'country'])('refuses an empty %s filter with a 400 problem naming it, rather than listing everyone', async (name) => {
      const res = await t.app.inject({ url: `/v1/customers?${name}=`, headers: auth('collector') });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual([`querystring/${name}`]);
    });

    it('refuses a limit out of range with a 400 problem naming the parameter', async () => {
      const res = await t.app.inject({ url: '/v1/customers?limit=100000', headers: auth('collector') });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('querystring/limit');
    });
  });

  describe('when one customer is read', () => {
    it('returns its assignments and features', async () => {
      const c = (await t.app.inject({ url: '/v1/customers/C1', headers: auth('collector') })).json();
      expect(c).toMatchObject({ collector: 'col-1', features: { interactiveEmails: true }, openInvoices: 2 });
    });
    it('gives its balance in the currency it owes, not its account currency', async () => {
      const c = (await t.app.inject({ url: '/v1/customers/C2', headers: auth('collector') })).json();
      expect(c).toMatchObject({ currency: 'USD', balanceCurrency: 'JPY', openAmount: 150000, otherCurrencyOpenInvoices: 0 });
      // No yen rate imported: not valued in the reporting currency, rather than valued 1:1.
      expect(c).toMatchObject({ reportingOpenAmount: null, reportingOverdueAmount: null });
    });
    it('answers 404 for an unknown one', async () => {
      const res = await t.app.inject({ url: '/v1/customers/NOPE', headers: auth('collector') });
      expect(res.json()).toMatchObject({ status: 404, code: 'AR_ERR_NOT_FOUND' });
    });
  });
});

describe('Search & Assign through the wired app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
  });
  afterAll(async () => t.close());

  it('lets a credit manager save a search over model fields and counts its customers', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/v1/searches', headers: auth('analyst'),
      payload: { name: 'Changing behaviour', criteria: { and: [{ '>': [{ var: 'driftScore' }, 0.5] }, { '>': [{ var: 'openAmount' }, 1000] }] } },
    });
    expect(res.statusCode).toBe(201);
  });

  it('refuses a search on an unknown field with a coded 400 that points at it', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/v1/searches', headers: auth('analyst'),
      payload: { name: 'Typo', criteria: { '>': [{ var: 'drfitScore' }, 0.5] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toMatch(/^AR_ERR_CRITERIA/);
  });

  it('does not let a collector edit rules', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/v1/rules', headers: auth('collector'),
      payload: { name: 'x', searchId: 1, priority: 1, actions: [{ type: 'setCollector', collector: 'col-1' }] },
    });
    expect(res.statusCode).toBe(403);
  });

  it('refuses prototype paths in an evaluated record', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/v1/criteria/evaluate', headers: auth('collector'),
      payload: { criteria: { '==': [{ var: '__proto__.polluted' }, 1] }, record: {} },
    });
    expect(res.statusCode).toBe(400);
  });

  it('answers 422 to a rule that would build more than it could send back, and keeps serving', async () => {
    const xs = Array.from({ length: 6_000 }, (_, i) => i);
    const big = Array.from({ length: 100_000 }, (_, i) => i);
    const res = await t.app.inject({
      method: 'POST', url: '/v1/criteria/evaluate', headers: auth('collector'),
      payload: { criteria: { map: [{ var: 'xs' }, { val: [[2], 'big'] }] }, record: { xs, big } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('AR_ERR_CRITERIA_BUDGET');
    const after = await t.app.inject({
      method: 'POST', url: '/v1/criteria/evaluate', headers: auth('collector'),
      payload: { criteria: { '<': [{ var: 'n' }, 2] }, record: { n: 1 } },
    });
    expect(after.json().result).toBe(true);
  });

  it('answers 422 to a result JSON cannot carry (Infinity), rather than a null', async () => {
    for (const criteria of [{ '+': ['1e400'] }, { merge: [1, { '*': ['1e200', '1e200'] }] }]) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/criteria/evaluate', headers: auth('collector'), payload: { criteria, record: {} } });
      expect(res.statusCode, JSON.stringify(criteria)).toBe(422);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_CRITERIA_EVALUATION', detail: expect.stringContaining('Infinity') });
    }
  });

  it('serves the field registry, model outputs included, for a query builder', async () => {
    const res = await t.app.inject({ url: '/v1/criteria/fields', headers: auth('collector') });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const fields = (Array.isArray(body) ? body : body.fields) as { name: string; source: string }[];
    expect(fields.find((f) => f.name === 'driftScore')?.source).toBe('model');
  });
});

describe('rate limiting', () => {
  it('answers 429 with a problem once a key exceeds its budget', async () => {
    const t = await buildTestApp('pglite', { RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await t.app.inject({ url: '/v1/customers', headers: auth('collector') })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const res = await t.app.inject({ url: '/v1/customers', headers: auth('collector') });
      expect(res.json().code).toBe('AR_ERR_RATE_LIMITED');
    } finally {
      await t.close();
    }
  });

  it('counts a key once however its header is spelt', async () => {
    const t = await buildTestApp('pglite', { RATE_LIMIT_PER_MINUTE: '3' });
    try {
      // The bucket was the raw header: each spelling of one key had a budget of its own.
      const spellings = ['Bearer k-collector', 'bearer k-collector', 'Bearer  k-collector', 'Bearer k-collector ', 'BEARER k-collector'];
      const codes: number[] = [];
      for (const authorization of spellings) codes.push((await t.app.inject({ url: '/v1/customers', headers: { authorization } })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);

      // Another key keeps its own budget.
      expect((await t.app.inject({ url: '/v1/customers', headers: auth('analyst') })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
