// Bad input gets a 4xx problem with an AR_ERR code and changes nothing, wherever
// it sits in the request; well-formed input is not refused for a missing body.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { ndjson, customer } from '../ingest/factories.js';
import { JSON_BODY_LIMIT_BYTES } from '../../src/http/plugins/input.js';

describe('input the database cannot hold or the schema would bend', () => {
  let t: TestApp;
  const searchCount = async () => (await t.storage.db.query<{ n: number }>('SELECT count(*)::int AS n FROM saved_searches'))[0].n;
  const post = (payload: Buffer | string, headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/v1/searches', headers: { ...auth('admin'), ...headers }, payload });

  beforeAll(async () => {
    t = await buildTestApp('pglite');
    await t.app.inject({
      method: 'POST', url: '/v1/import/customers',
      headers: { ...auth('platform'), 'content-type': 'application/x-ndjson' }, payload: ndjson([customer(1), customer(2)]),
    });
  });
  afterAll(async () => t.close());

  describe('when a string holds the NUL character', () => {
    type Request = { method?: 'GET' | 'POST'; url: string; payload?: object };
    it.each<[string, Request, string]>([
      ['a path parameter', { url: '/v1/customers/NEW%00' }, 'params/externalId'],
      ['a query string', { url: '/v1/customers?q=a%00b' }, 'querystring/q'],
      ['a JSON body', { method: 'POST', url: '/v1/searches', payload: { name: 'x\u0000', criteria: true } }, 'body/name'],
      ['a nested JSON value', { method: 'POST', url: '/v1/searches', payload: { name: 'x', criteria: { '==': [{ var: 'segment' }, 'a\u0000'] } } },
        'body/criteria/==/1'],
      ['a JSON key', { method: 'POST', url: '/v1/searches', payload: { name: 'x', criteria: { 'a\u0000': 1 } } }, 'body/criteria/a\u0000'],
      ['an email to triage', { method: 'POST', url: '/v1/inbound/score', payload: { subject: 'Hi', body: 'paid\u0000' } }, 'body/body'],
      ['an invoice to score', {
        method: 'POST', url: '/v1/score/invoices',
        payload: { invoices: [{ externalId: 'I\u0000', customerExternalId: 'C1', issueDate: '2026-01-01', dueDate: '2026-02-01', amount: 10 }] },
      }, 'body/invoices/0/externalId'],
    ])('refuses it in %s with a 400 naming where', async (_name, request, path) => {
      const before = await searchCount();
      const res = await t.app.inject({ ...request, headers: auth('admin') });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', errors: [{ path }] });
      expect(res.json().detail).toMatch(/NUL/);
      expect(await searchCount()).toBe(before);
    });
  });

  // JSON bodies were decoded as UTF-8 whatever they said: é sent in Latin-1 became U+FFFD, a
  // name stored or an id scored as sent, and a gzipped body was read as text.
  // The query string's parser keeps a value it cannot decode as sent: ?q=soci%E9t%E9
  // (é in Latin-1) searched for the text "soci%E9t%E9" and found nothing, without a word.
  describe('when a query string value is not percent-encoded UTF-8', () => {
    it.each([
      ['a Latin-1 byte', '/v1/customers?q=soci%E9t%E9', 'querystring/q'],
      ['a % not followed by two hex digits', '/v1/customers?q=100%', 'querystring/q'],
      ['a name that does not decode', '/v1/customers?segment=a&%E9=1', 'querystring/%E9'],
    ])('refuses %s with a 400 naming the parameter', async (_what, url, path) => {
      const res = await t.app.inject({ url, headers: auth('platform') });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', errors: [{ path }] });
      expect(res.json().detail).toMatch(/UTF-8/);
    });

    it('reads the same text percent-encoded as UTF-8, + as a space', async () => {
      const res = await t.app.inject({ url: '/v1/customers?q=Customer+1%25', headers: auth('platform') });
      expect(res.statusCode).toBe(200);
      const ok = await t.app.inject({ url: '/v1/customers?q=Customer+1', headers: auth('platform') });
      expect(ok.json().items.map((c: { externalId: string }) => c.externalId)).toEqual(['C1']);
      expect((await t.app.inject({ url: '/v1/customers?q=soci%C3%A9t%C3%A9', headers: auth('platform') })).statusCode).toBe(200);
    });
  });

  describe('when a JSON body is not UTF-8 text', () => {
    const latin1 = Buffer.concat([Buffer.from('{"name":"Caf'), Buffer.from([0xe9]), Buffer.from('","criteria":true}')]);

    it('refuses bytes that are not UTF-8 with a 400 and saves nothing', async () => {
      const before = await searchCount();
      const res = await post(latin1, { 'content-type': 'application/json' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', errors: [{ path: 'body', message: 'is not UTF-8 text: send it encoded as UTF-8' }] });
      expect(await searchCount()).toBe(before);
    });

    it.each([
      ['another charset', { 'content-type': 'application/json; charset=latin1' }, /charset=latin1 is not read/],
      ['a Content-Encoding', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, /Content-Encoding gzip is not read/],
    ])('refuses %s with a 415 and saves nothing', async (_name, headers, detail) => {
      const before = await searchCount();
      const res = await post('{"name":"plain","criteria":true}', headers);
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_UNSUPPORTED_MEDIA_TYPE', detail: expect.stringMatching(detail) });
      expect(await searchCount()).toBe(before);
    });

    it('takes charset=utf-8 as before', async () => {
      expect((await post('{"name":"Café","criteria":true}', { 'content-type': 'application/json; charset=utf-8' })).statusCode).toBe(201);
    });
  });

  // Fastify's own text/plain parser handed a JSON route the body as a string,
  // which its schema then refused as "must be object": a 400 blaming the
  // body's shape when its media type was what to change.
  describe('when a JSON route is sent another media type', () => {
    it.each([
      ['text/plain', 'text/plain', '{"name":"plain","criteria":true}'],
      ['text/plain with a charset', 'text/plain; charset=utf-8', '{"name":"plain","criteria":true}'],
      ['a form', 'application/x-www-form-urlencoded', 'name=plain&criteria=true'],
    ])('refuses %s with a 415 naming application/json and saves nothing', async (_name, contentType, payload) => {
      const before = await searchCount();
      const res = await post(payload, { 'content-type': contentType });
      expect(res.statusCode).toBe(415);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json()).toMatchObject({
        code: 'AR_ERR_UNSUPPORTED_MEDIA_TYPE',
        detail: `Send the body as application/json: ${contentType.split(';')[0]} is not read`,
      });
      expect(await searchCount()).toBe(before);
    });

    it('leaves the import route its own answer, naming CSV and NDJSON', async () => {
      const res = await t.app.inject({
        method: 'POST', url: '/v1/import/collectors', headers: { ...auth('platform'), 'content-type': 'text/plain' }, payload: 'externalId,name\nC1,Ann\n',
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().detail).toMatch(/text\/csv .* or application\/x-ndjson/);
    });
  });

  describe('when a string holds half a character (a lone surrogate)', () => {
    const rows = async () => (await t.storage.db.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM saved_searches) + (SELECT count(*) FROM assignment_rules) AS n',
    ))[0].n;
    // jsonb refused "\ud83d" with a database error (a 500); text stored U+FFFD without a word.
    it.each<[string, (searchId: number) => { url: string; payload: object }, string]>([
      ['saved-search criteria', () => ({ url: '/v1/searches', payload: { name: 'x', criteria: { '==': [{ var: 'segment' }, 'key \ud83d'] } } }),
        'body/criteria/==/1'],
      ['a rule\'s action', (searchId) => ({
        url: '/v1/rules',
        payload: { name: 'r', searchId, priority: 1, actions: [{ type: 'setInternalActor', actor: 'salesRep', value: 'Ann \ud83d' }] },
      }), 'body/actions/0/value'],
      ['a saved search\'s name', () => ({ url: '/v1/searches', payload: { name: 'Key \udc00', criteria: true } }), 'body/name'],
    ])('refuses it in %s with a 400 naming where', async (_name, request, path) => {
      const search = await t.app.inject({ method: 'POST', url: '/v1/searches', headers: auth('admin'), payload: { name: `s ${path}`, criteria: true } });
      const before = await rows();
      const res = await t.app.inject({ method: 'POST', ...request(search.json().id), headers: auth('admin') });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', errors: [{ path }] });
      expect(res.json().detail).toMatch(/lone surrogate/);
      expect(await rows()).toBe(before);
    });
  });

  describe('when a JSON body is larger than any route takes', () => {
    it('answers 413 before parsing it, however large the service-wide limit for import files is', async () => {
      const before = await searchCount();
      const payload = JSON.stringify({ name: 'big', criteria: { in: [{ var: 'segment' }, Array.from({ length: 2_000_000 }, (_, i) => `segment-${i}`)] } });
      expect(payload.length).toBeGreaterThan(JSON_BODY_LIMIT_BYTES);
      const res = await t.app.inject({ method: 'POST', url: '/v1/searches', headers: { ...auth('admin'), 'content-type': 'application/json' }, payload });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_BODY_TOO_LARGE' });
      expect(await searchCount()).toBe(before);
    });
  });

  describe('when a name is only spaces', () => {
    it('refuses a saved search named "   " with a 400 and saves nothing', async () => {
      const before = await searchCount();
      const res = await t.app.inject({ method: 'POST', url: '/v1/searches', headers: auth('admin'), payload: { name: '   ', criteria: true } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', errors: [{ path: 'body/name', message: 'must not be blank' }] });
      expect(await searchCount()).toBe(before);
    });

    // No customer is stored under "  " (imports refuse it): it would be scored from the prior, as an unknown customer.
    it.each(['externalId', 'customerExternalId'])('refuses an invoice to score whose %s is only spaces', async (field) => {
      const invoice = { externalId: 'I1', customerExternalId: 'C1', issueDate: '2026-01-01', dueDate: '2026-02-01', amount: 10, [field]: '  ' };
      const res = await t.app.inject({ method: 'POST', url: '/v1/score/invoices', headers: auth('platform'), payload: { invoices: [invoice] } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', errors: [{ path: `body/invoices/0/${field}`, message: 'must not be blank' }] });
    });
  });

  describe('when a JSON body holds a key that would reach object internals', () => {
    it.each([
      ['a __proto__ key', '{"name":"p","criteria":{"==":[{"var":"segment"},{"__proto__":{"x":1}}]}}'],
      ['a constructor key holding prototype', '{"name":"p","criteria":true,"constructor":{"prototype":{"x":1}}}'],
    ])('says %s is refused rather than calling valid JSON invalid', async (_name, payload) => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/searches', headers: { ...auth('admin'), 'content-type': 'application/json' }, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', errors: [{ path: 'body', message: expect.stringMatching(/"__proto__" key/) }] });
    });

    it('still calls JSON that does not parse invalid', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/searches', headers: { ...auth('admin'), 'content-type': 'application/json' }, payload: '{"name":' });
      expect(res.json()).toMatchObject({ status: 400, code: 'AR_ERR_INVALID_JSON' });
    });
  });

  describe('when a JSON body names a key twice in one object', () => {
    it.each([
      ['the body', '{"name":"late payers","criteria":true,"name":"other"}', 'name'],
      ['a criteria operator', '{"name":"x","criteria":{"==":[{"var":"segment"},"a"],"==":[{"var":"segment"},"b"]}}', '=='],
    ])('refuses %s with a 400 and saves nothing', async (_name, payload, key) => {
      const before = await searchCount();
      const res = await t.app.inject({ method: 'POST', url: '/v1/searches', headers: { ...auth('admin'), 'content-type': 'application/json' }, payload });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', errors: [{ path: 'body' }] });
      expect(res.json().detail).toContain(`names the key "${key}" twice`);
      expect(await searchCount()).toBe(before);
    });

    it('still refuses a __proto__ key and still accepts one key in two objects', async () => {
      const poisoned = await t.app.inject({
        method: 'POST', url: '/v1/searches', headers: { ...auth('admin'), 'content-type': 'application/json' },
        payload: '{"name":"p","criteria":true,"__proto__":{"x":1}}',
      });
      expect(poisoned.statusCode).toBe(400);
      const res = await t.app.inject({
        method: 'POST', url: '/v1/criteria/evaluate', headers: { ...auth('admin'), 'content-type': 'application/json' },
        payload: '{"criteria":{"and":[{"==":[{"var":"segment"},"a"]},{"==":[{"var":"segment"},"a"]}]},"record":{"segment":"a"}}',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().result).toBe(true);
    });
  });

  describe('when a JSON body has a value of the wrong type', () => {
    it('does not read true as the amount 1', async () => {
      const res = await t.app.inject({
        method: 'POST', url: '/v1/score/invoices', headers: auth('analyst'),
        payload: { invoices: [{ externalId: 'I1', customerExternalId: 'C1', issueDate: '2026-01-01', dueDate: '2026-02-01', amount: true }] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', errors: [{ path: 'body/invoices/0/amount' }] });
    });

    it('does not read a number as a subject nor a list as a body', async () => {
      const res = await t.app.inject({
        method: 'POST', url: '/v1/inbound/score', headers: auth('analyst'), payload: { subject: 1, body: ['a'] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['body/body', 'body/subject']);
    });

    it('still reads numbers and booleans from a query string', async () => {
      const res = await t.app.inject({ url: '/v1/customers?limit=1&overdueOnly=false', headers: auth('collector') });
      expect(res.statusCode).toBe(200);
      expect(res.json().items).toHaveLength(1);
    });
  });

  describe('when a POST has no body', () => {
    it('previews assignments with the defaults', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/assign/preview', headers: auth('analyst') });
      expect(res.statusCode).toBe(200);
      expect(res.json().planHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('counts a saved search with the default sample', async () => {
      const saved = await t.app.inject({ method: 'POST', url: '/v1/searches', headers: auth('analyst'), payload: { name: 'All', criteria: true } });
      expect(saved.statusCode).toBe(201);
      const res = await t.app.inject({ method: 'POST', url: `/v1/searches/${saved.json().id}/count`, headers: auth('analyst') });
      expect(res.statusCode).toBe(200);
      expect(res.json().count).toBe(2);
    });

    it('still refuses it where a field is required', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/searches/count', headers: auth('analyst') });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('AR_ERR_VALIDATION');
    });
  });

  describe('when saved-search criteria are not a rule', () => {
    it('refuses criteria sent as JSON text instead of matching everyone', async () => {
      const before = await searchCount();
      const res = await t.app.inject({
        method: 'POST', url: '/v1/searches', headers: auth('analyst'),
        payload: { name: 'typo', criteria: JSON.stringify({ '==': [{ var: 'segment' }, 'small'] }) },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'AR_ERR_CRITERIA_TYPE', detail: 'criteria is a JSON string: send the JsonLogic object, not its text',
      });
      expect(await searchCount()).toBe(before);
    });

    it('refuses a number as the whole criteria, as it refuses null', async () => {
      for (const criteria of [1, null]) {
        const res = await t.app.inject({ method: 'POST', url: '/v1/searches/count', headers: auth('analyst'), payload: { criteria } });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('AR_ERR_CRITERIA_TYPE');
      }
    });
  });

  describe('when a parameter is not one of its allowed values', () => {
    it('answers one error that lists them, not one per value', async () => {
      const res = await t.app.inject({ url: '/v1/reports/aging?groupBy=nope', headers: auth('analyst') });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([
        { path: 'querystring/groupBy', message: 'must be one of: "portfolio", "collector", "segment"', params: { allowedValues: ['portfolio', 'collector', 'segment'] } },
      ]);
      expect(res.json().detail).toBe('The request is not valid: querystring/groupBy must be one of: "portfolio", "collector", "segment"');
    });
  });
});
