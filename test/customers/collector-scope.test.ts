// A collector key bound to a collector reads its own portfolio only, on every
// customer read (list, one customer, its invoices, one invoice, its behaviour,
// assignments and locks), as its agenda, reports and emails: another
// collector's customer answers as an unknown one, so the key does not even
// learn it exists.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildTestApp, auth, bearer, BOUND_COLLECTOR_KEY, importRows, type TestApp } from '../helpers/app.js';
import { customer, invoice } from '../ingest/factories.js';

describe('customer reads with a collector key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    const post = (entity: string, rows: object[]) => importRows(t, entity, rows);
    await post('collectors', [{ externalId: 'col-1', name: 'Alice' }, { externalId: 'col-2', name: 'Bob' }]);
    await post('customers', [
      customer(1, { collectorExternalId: 'col-1', name: 'Acme North' }),
      customer(2, { collectorExternalId: 'col-2', name: 'Acme South' }),
      customer(3, { name: 'Acme West' }),
    ]);
    await post('invoices', [invoice(1, 1), invoice(2, 2), invoice(3, 3)]);
  });
  afterAll(async () => t.close());

  const get = (url: string, headers: Record<string, string> = bearer(BOUND_COLLECTOR_KEY)) => t.app.inject({ url, headers });
  const ids = async (url: string, headers?: Record<string, string>) =>
    (await get(url, headers)).json().items.map((c: { externalId: string }) => c.externalId);

  describe('when the key is bound to a collector', () => {
    it('lists its own customers only, whatever the search', async () => {
      expect(await ids('/v1/customers')).toEqual(['C1']);
      expect(await ids('/v1/customers?q=acme')).toEqual(['C1']);
      expect(await ids('/v1/customers?collector=col-1')).toEqual(['C1']);
    });

    it("refuses another collector's list with a 403, as the reports do", async () => {
      const res = await get('/v1/customers?collector=col-2');
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_FORBIDDEN' });
    });

    it.each([
      ['/v1/customers/C2', '/v1/customers/NOPE'],
      ['/v1/customers/C2/invoices', '/v1/customers/NOPE/invoices'],
      ['/v1/customers/C2/behaviour', '/v1/customers/NOPE/behaviour'],
      ['/v1/customers/C3', '/v1/customers/NOPE'],
      ['/v1/invoices/INV2', '/v1/invoices/NOPE'],
      ['/v1/customers/C2/assignments', '/v1/customers/NOPE/assignments'],
      ['/v1/customers/C2/locks', '/v1/customers/NOPE/locks'],
    ])('answers %s as it answers %s: not found', async (other, unknown) => {
      const [a, b] = [await get(other), await get(unknown)];
      expect(a.statusCode).toBe(404);
      expect(b.statusCode).toBe(404);
      expect(a.json().code).toBe(b.json().code);
      expect(a.json().detail).toBe(b.json().detail.replace('NOPE', other.split('/')[3]));
    });

    it('reads its own customer, its invoices and each of them', async () => {
      expect((await get('/v1/customers/C1')).json()).toMatchObject({ externalId: 'C1', collector: 'col-1' });
      expect(await ids('/v1/customers/C1/invoices')).toEqual(['INV1']);
      expect((await get('/v1/invoices/INV1')).json()).toMatchObject({ externalId: 'INV1', customerExternalId: 'C1' });
      expect((await get('/v1/customers/C1/assignments')).statusCode).toBe(200);
      expect((await get('/v1/customers/C1/locks')).statusCode).toBe(200);
    });
  });

  describe("when the key is bound to a collector and reads a saved search", () => {
    // Every customer with an invoice: all three, of two collectors and none.
    const criteria = { '>': [{ var: 'openAmount' }, 0] };
    let id: number;
    beforeAll(async () => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/searches', headers: auth('analyst'), payload: { name: 'Owes anything', criteria } });
      expect(res.json().matches.count).toBe(3);
      id = res.json().id;
    });
    const post = (url: string, payload: object) => t.app.inject({ method: 'POST', url, headers: bearer(BOUND_COLLECTOR_KEY), payload });

    it('lists, counts and samples its own customers only', async () => {
      expect(await ids(`/v1/searches/${id}/customers`)).toEqual(['C1']);
      expect((await get(`/v1/searches/${id}/customers`)).json().count).toBe(1);
      const file = await get(`/v1/searches/${id}/customers?format=csv`);
      const csv = file.body.trim().split('\r\n');
      expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['C1']);
      // Its file says whose customers it holds, as the agenda's and the reports' do.
      expect(file.headers['content-disposition']).toMatch(new RegExp(`"search-${id}-col-1-\\d{4}-\\d{2}-\\d{2}\\.csv"`));
      for (const m of [(await get(`/v1/searches/${id}?matches=true`)).json().matches, (await post(`/v1/searches/${id}/count`, {})).json(),
        (await post('/v1/searches/count', { criteria })).json()]) {
        expect(m.count).toBe(1);
        expect(m.sample.map((c: { externalId: string }) => c.externalId)).toEqual(['C1']);
      }
      // Another role still counts the portfolio.
      expect(await ids(`/v1/searches/${id}/customers`, auth('collector'))).toEqual(['C1', 'C2', 'C3']);
    });

    it("points at the fault in the caller's own criteria", async () => {
      const res = await post('/v1/searches/count', { criteria: { and: [criteria, { '==': [{ var: 'noSuchField' }, 1] }] } });
      expect(res.statusCode).toBe(400);
      expect(JSON.stringify(res.json())).toContain('/and/1');
      expect(JSON.stringify(res.json())).not.toContain('/and/0/and');
    });
  });

  describe('when the key names no collector, or is another role', () => {
    it.each([['an unbound collector key', auth('collector')], ['a platform key', auth('platform')]])('%s reads every customer', async (_who, headers) => {
      expect(await ids('/v1/customers', headers)).toEqual(['C1', 'C2', 'C3']);
      expect((await get('/v1/customers/C2', headers)).statusCode).toBe(200);
      expect((await get('/v1/invoices/INV2', headers)).statusCode).toBe(200);
      expect(await ids('/v1/customers/C2/invoices', headers)).toEqual(['INV2']);
    });
  });
});
