// GET /v1/agenda and /v1/agenda/accounts with noCollector=true: the tasks of the customers nobody is collector of,
// which the reports show as the (unassigned) group, for a credit manager to work or hand out.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { auth, type TestApp } from '../helpers/app.js';
import { buildAgendaTestApp, BOUND_COLLECTOR, whenCalm } from './app.js';
import * as f from './factories.js';

const DATE = '2026-10-20';
const customers = (body: { items: { customer: { externalId: string } }[] }) => body.items.map((i) => i.customer.externalId);

for (const backend of await backends()) {
  describe(`the agenda of the customers with no collector on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildAgendaTestApp(backend);
      const db = t.storage.db;
      const alice = await f.collector(db, BOUND_COLLECTOR);
      // A collector whose externalId is the reports' label: asking for it by name is not asking for nobody's customers.
      const labelled = await f.collector(db, '(unassigned)');
      const mine = await f.customer(db, { externalId: 'C-ALICE', collectorId: alice });
      const named = await f.customer(db, { externalId: 'C-LABELLED', collectorId: labelled });
      const nobodys = await f.customer(db, { externalId: 'C-NOBODY' });
      // Broken promises for each (promised 10-10, broken from 10-13).
      for (const [customerId, number] of [[mine, 'A-1'], [named, 'L-1'], [nobodys, 'N-1']] as const) {
        await f.invoice(db, { customerId, number, dueDate: '2026-09-30', amount: 1000, status: 'promise_to_pay', promisedDate: '2026-10-10' });
      }
    });
    afterAll(async () => t.close());

    const get = async (url: string, role: 'collector' | 'admin' = 'admin') => {
      await whenCalm(t.app);
      return t.app.inject({ url, headers: auth(role) });
    };

    describe('when a credit manager asks for it', () => {
      it("lists the tasks and accounts of the customers with no collector only, whatever a collector's externalId", async () => {
        const agenda = await get(`/v1/agenda?date=${DATE}&noCollector=true`);
        expect(agenda.statusCode).toBe(200);
        expect(customers(agenda.json())).toEqual(['C-NOBODY']);
        expect(agenda.json().items[0]).toMatchObject({ kind: 'promise_broken', collector: null });
        const accounts = (await get(`/v1/agenda/accounts?date=${DATE}&noCollector=true`)).json();
        expect(accounts.accounts.map((a: { customer: { externalId: string } }) => a.customer.externalId)).toEqual(['C-NOBODY']);
        expect(customers((await get(`/v1/agenda?date=${DATE}&collector=(unassigned)`)).json())).toEqual(['C-LABELLED']);
      });

      it('narrows one customer to nothing when it has a collector', async () => {
        expect(customers((await get(`/v1/agenda?date=${DATE}&noCollector=true&customer=C-ALICE`)).json())).toEqual([]);
        expect(customers((await get(`/v1/agenda?date=${DATE}&noCollector=true&customer=C-NOBODY`)).json())).toEqual(['C-NOBODY']);
      });
    });

    describe('when the query contradicts itself or reaches beyond a collector key', () => {
      it('answers 400 naming noCollector beside a collector, and 403 to a collector key', async () => {
        const both = await get(`/v1/agenda?date=${DATE}&noCollector=true&collector=bob`);
        expect(both.statusCode).toBe(400);
        expect(both.json().errors.map((e: { path: string }) => e.path)).toEqual(['querystring/noCollector']);
        const key = await get(`/v1/agenda/accounts?date=${DATE}&noCollector=true`, 'collector');
        expect(key.statusCode).toBe(403);
        expect(key.json()).toMatchObject({ code: 'AR_ERR_FORBIDDEN' });
      });
    });
  });
}
