// GET /v1/reports/aging, /dso, /cei over HTTP: validation, CSV, a collector's scope;
// /cash-forecast without a served model (with one: test/demo.test.ts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { auth } from '../helpers/app.js';
import { whenCalm } from '../agenda/app.js';
import { reportsApi } from './api.js';
import { seedPortfolio } from './portfolio.js';
import * as f from '../agenda/factories.js';
import { addDays, todayIso } from '../../src/agenda/dates.js';

for (const backend of await backends()) {
  describe(`the reports API on ${backend}`, () => {
    const api = reportsApi(backend, seedPortfolio);
    const { get } = api;

    describe('when an analyst asks for the aging balance as of a date', () => {
      it('answers the figures with the method that produced them', async () => {
        const res = await get('/v1/reports/aging?asOf=2026-03-31&months=3');
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.method).toMatch(/allocations paid by then/);
        expect(body.groups[0].total).toEqual({ amount: 5500, count: 4 });
        expect(body.filters.currency).toBe('USD');
        expect(body.trend.map((r: { month: string }) => r.month)).toEqual(['2026-01', '2026-02', '2026-03']);
      });

      it('exports the trend as CSV, one row per month end', async () => {
        const res = await get('/v1/reports/aging?asOf=2026-03-31&months=3&format=csv');
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/csv/);
        expect(res.headers['content-disposition']).toContain('"aging-USD-2026-03-31.csv"');
        const lines = res.body.trim().split('\r\n');
        expect(lines[0]).toMatch(/^month,date,group,total_amount,total_count,current_amount/);
        expect(lines).toHaveLength(4);
        expect(lines[3]).toMatch(/^2026-03,2026-03-31,portfolio,5500,4,3000,1,/);
      });
    });

    describe("when the aging balance is filtered on a customer group (brief 004: the very late customers)", () => {
      it("reports the group's members only, and 404 for a group that does not exist", async () => {
        const db = api.t.storage.db;
        const [group] = await db.query<{ id: number }>("INSERT INTO customer_groups (external_id, name) VALUES ('GRP-LATE', 'Very late') RETURNING id");
        await db.query("INSERT INTO group_members (group_id, customer_id) SELECT $1, id FROM customers WHERE external_id = 'B'", [group.id]);
        const res = await get('/v1/reports/aging?asOf=2026-03-31&months=1&group=GRP-LATE');
        expect(res.statusCode).toBe(200);
        // Customer B: B1 400 + B2 600.
        expect(res.json().groups[0].total).toEqual({ amount: 1000, count: 2 });
        expect(res.json().filters).toMatchObject({ group: 'GRP-LATE', collector: null });
        const statuses = (await get('/v1/reports/statuses?asOf=2026-03-31&months=1&group=GRP-LATE')).json();
        expect(statuses.groups[0].overdue).toEqual({ amount: 1000, count: 2 });
        const unknown = await get('/v1/reports/dso?asOf=2026-03-31&group=GRP-NOPE');
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json().code).toBe('AR_ERR_NOT_FOUND');
      });
    });

    describe('when a credit manager asks how well overdue invoices are qualified', () => {
      it('answers the statuses report, and its trend as CSV with a column pair per status', async () => {
        const res = await get('/v1/reports/statuses?asOf=2026-03-31&months=2');
        expect(res.statusCode).toBe(200);
        expect(res.json().groups[0]).toMatchObject({ overdue: { amount: 2500, count: 3 }, qualificationRate: { amount: 0.24 } });
        const csv = await get('/v1/reports/statuses?asOf=2026-03-31&months=2&format=csv');
        expect(csv.headers['content-disposition']).toContain('"statuses-USD-2026-03-31.csv"');
        const [header, , march] = csv.body.trim().split('\r\n');
        expect(header.split(',').slice(0, 9)).toEqual([
          'month', 'date', 'group', 'overdue_amount', 'overdue_count', 'qualified_amount', 'qualified_count', 'qualification_rate_amount', 'qualification_rate_count',
        ]);
        const cells = Object.fromEntries(header.split(',').map((h, i) => [h, march.split(',')[i]]));
        expect(cells).toMatchObject({ month: '2026-03', dispute_amount: '600', unqualified_amount: '1900', promise_to_pay_count: '0' });
      });

      it('lists a stored status outside the platform\'s list in the CSV as in the JSON', async () => {
        await api.t.storage.db.query("UPDATE invoices SET status = 'legacy_hold' WHERE number = 'B2'");
        try {
          const json = (await get('/v1/reports/statuses?asOf=2026-03-31&months=1')).json();
          expect(json.groups[0].statuses).toContainEqual(expect.objectContaining({ status: 'legacy_hold', amount: 600, count: 1 }));
          const [header, march] = (await get('/v1/reports/statuses?asOf=2026-03-31&months=1&format=csv')).body.trim().split('\r\n');
          const cells = Object.fromEntries(header.split(',').map((h, i) => [h, march.split(',')[i]]));
          expect(cells).toMatchObject({ legacy_hold_amount: '600', legacy_hold_count: '1', dispute_amount: '0' });
        } finally {
          await api.t.storage.db.query("UPDATE invoices SET status = 'dispute' WHERE number = 'B2'");
        }
      });

      it("narrows a collector's key to its own portfolio", async () => {
        const res = await get('/v1/reports/statuses?asOf=2026-03-31&months=1', 'collector');
        expect(res.statusCode).toBe(200);
        // Bound to alice: customer A, whose A2 (1,500) is past due and unqualified.
        expect(res.json().filters.collector).toBe('alice');
        expect(res.json().groups[0]).toMatchObject({ overdue: { amount: 1500, count: 1 }, qualificationRate: { amount: 0, count: 0 } });
      });
    });

    describe('when a credit manager asks for the risk report (brief 004)', () => {
      it('answers the exposure by risk band with its method, as CSV with a column per figure, and for a collector its own customers', async () => {
        await api.t.storage.db.query(`UPDATE customers SET risk_score = 80, credit_limit = 4000 WHERE external_id = 'A'`);
        try {
          const res = await get('/v1/reports/risk?asOf=2026-03-31&months=2');
          expect(res.statusCode).toBe(200);
          expect(res.json().method).toMatch(/risk score/);
          expect(res.json().groups[0]).toMatchObject({
            customers: 2, exposure: { amount: 5500 }, overLimit: { customers: 1, exposure: 4500, excess: 500 }, withoutLimit: { customers: 1 },
          });
          const csv = await get('/v1/reports/risk?asOf=2026-03-31&months=2&format=csv');
          expect(csv.headers['content-disposition']).toContain('"risk-USD-2026-03-31.csv"');
          const [header, , march] = csv.body.trim().split('\r\n');
          const cells = Object.fromEntries(header.split(',').map((h, i) => [h, march.split(',')[i]]));
          expect(cells).toMatchObject({ month: '2026-03', high_exposure: '4500', unscored_exposure: '1000', over_limit_excess: '500', insolvent_customers: '0' });
          const mine = await get('/v1/reports/risk?asOf=2026-03-31&months=1', 'collector');
          expect(mine.json().groups[0]).toMatchObject({ customers: 1, bands: [{ band: 'high', customers: 1 }, {}, {}, { customers: 0 }] });
        } finally {
          await api.t.storage.db.query(`UPDATE customers SET risk_score = NULL, credit_limit = NULL WHERE external_id = 'A'`);
        }
      });
    });

    describe('when the client says in Accept which format it wants', () => {
      const withAccept = async (url: string, accept: string) => {
        await whenCalm(api.t.app);
        return api.t.app.inject({ url, headers: { ...auth('analyst'), accept } });
      };
      it.each([
        ['text/csv', /^text\/csv/],
        ['text/csv, application/json;q=0.5', /^text\/csv/],
        ['application/json, text/csv;q=0.5', /^application\/json/],
        ['*/*', /^application\/json/],
        ['text/*', /^text\/csv/],
        ['application/xml', /^application\/json/],
        ['application/csv', /^text\/csv/],
      ])('answers %s with %s, saying the answer varies with Accept', async (accept, type) => {
        const res = await withAccept('/v1/reports/dso?asOf=2026-03-31&months=1', accept);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(type);
        expect(res.headers.vary).toMatch(/accept/i);
      });
      it('lets an explicit format win over Accept', async () => {
        const res = await withAccept('/v1/reports/cei?asOf=2026-03-31&months=1&format=json', 'text/csv');
        expect(res.headers['content-type']).toMatch(/^application\/json/);
      });
    });

    describe('when DSO and CEI are asked by segment', () => {
      it('answers one row per segment', async () => {
        const dso = (await get('/v1/reports/dso?asOf=2026-03-31&months=1&groupBy=segment&windowDays=90')).json();
        expect(dso.groups.map((g: { group: string }) => g.group)).toEqual(['small', 'standard']);
        expect(dso.method).toMatch(/count-back|countBackDso/);
        const cei = (await get('/v1/reports/cei?asOf=2026-03-31&months=1&groupBy=segment')).json();
        // small = customer B: 1,800 open on 02-28 (B1 400 + B2 600 + B3 800), no March sales, 1,000 open on 03-31
        // and none of it current: (1,800 + 0 − 1,000) / (1,800 + 0 − 0) = 44.4 %.
        expect(cei.groups.find((g: { group: string }) => g.group === 'small')).toMatchObject({ beginningReceivables: 1800, endingReceivables: 1000, cei: 44.4 });
      });

      it('answers one segment when filtered, and 404 for a segment no customer has rather than a report of zeros', async () => {
        const small = (await get('/v1/reports/aging?asOf=2026-03-31&segment=small')).json();
        expect(small.groups[0].total.amount).toBeGreaterThan(0);
        const typo = await get('/v1/reports/aging?asOf=2026-03-31&segment=smal');
        expect(typo.statusCode).toBe(404);
        expect(typo.json()).toMatchObject({ code: 'AR_ERR_NOT_FOUND', detail: expect.stringContaining('Segment "smal"') });
      });
    });

    // Two files of one day with other filters took one name: the second saved over the first, and neither said whose rows it held.
    describe('when a report of a scope is exported', () => {
      it('names the scope in the file, before the currency, as the agenda names its collector', async () => {
        const db = api.t.storage.db;
        const [group] = await db.query<{ id: number }>("INSERT INTO customer_groups (external_id, name) VALUES ('GRP NAMED', 'Named') RETURNING id");
        await db.query("INSERT INTO group_members (group_id, customer_id) SELECT $1, id FROM customers WHERE external_id = 'B'", [group.id]);
        try {
          const name = async (url: string, role: 'analyst' | 'collector' = 'analyst') => {
            const res = await get(`${url}&asOf=2026-03-31&format=csv`, role);
            expect(res.statusCode).toBe(200);
            return res.headers['content-disposition'];
          };
          expect(await name('/v1/reports/aging?collector=bob')).toBe('attachment; filename="aging-bob-USD-2026-03-31.csv"');
          expect(await name('/v1/reports/risk?segment=small')).toBe('attachment; filename="risk-segment-small-USD-2026-03-31.csv"');
          expect(await name('/v1/reports/cei?group=GRP%20NAMED')).toBe('attachment; filename="cei-group-GRP_NAMED-USD-2026-03-31.csv"');
          expect(await name('/v1/reports/dso?noCollector=true')).toBe('attachment; filename="dso-no-collector-2026-03-31.csv"');
          expect(await name('/v1/reports/statuses?noSegment=true')).toBe('attachment; filename="statuses-no-segment-2026-03-31.csv"');
          expect(await name('/v1/reports/overdue?collector=bob&currency=consolidated'))
            .toBe('attachment; filename="overdue-bob-consolidated-USD-2026-03-31.csv"');
          // A collector key's reports are of its own portfolio: named so.
          expect(await name('/v1/reports/aged-balance?', 'collector')).toBe('attachment; filename="aged-balance-alice-USD-2026-03-31.csv"');
        } finally {
          await db.query("DELETE FROM customer_groups WHERE external_id = 'GRP NAMED'");
        }
      });
    });

    describe('when a collector key asks for reports', () => {
      it("sees its own portfolio and is refused another collector's", async () => {
        // The test collector key is bound to alice: customer A only, 1,500 + 3,000 open.
        const mine = (await get('/v1/reports/aging?asOf=2026-03-31&months=1', 'collector')).json();
        expect(mine.filters.collector).toBe('alice');
        expect(mine.groups[0].total.amount).toBe(4500);
        expect((await get('/v1/reports/aging?asOf=2026-03-31&collector=bob', 'collector')).statusCode).toBe(403);
      });
    });

    describe('when the cash forecast is asked before any payment-delay model is served', () => {
      it('answers 503 with a problem saying which model is missing', async () => {
        const res = await get('/v1/reports/cash-forecast');
        expect(res.statusCode).toBe(503);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.json().code).toBe('AR_ERR_MODEL_NOT_READY');
        expect(res.json().detail).toMatch(/payment-delay/);
      });
    });

    describe('when the portfolio holds invoices in two currencies', () => {
      beforeAll(async () => {
        const c = await f.customer(api.t.storage.db, { externalId: 'C-EUR', segment: 'standard' });
        const inv = await f.invoice(api.t.storage.db, { customerId: c, number: 'C1', issueDate: '2026-03-01', dueDate: '2026-03-31', amount: 700 });
        await api.t.storage.db.query("UPDATE invoices SET currency = 'EUR' WHERE id = $1", [inv]);
      });
      afterAll(async () => {
        await api.t.storage.db.query("DELETE FROM invoices WHERE number = 'C1'");
        await api.t.storage.db.query("DELETE FROM customers WHERE external_id = 'C-EUR'");
      });

      it.each(['aging', 'dso', 'cei', 'statuses'])('answers 422 to a %s report that would add them up, naming them', async (name) => {
        const res = await get(`/v1/reports/${name}?asOf=2026-03-31&months=3`);
        expect(res.statusCode).toBe(422);
        expect(res.json()).toMatchObject({ code: 'AR_ERR_MIXED_CURRENCIES', currencies: ['EUR', 'USD'] });
      });

      it('documents that 422 in the OpenAPI document of every report', async () => {
        const doc = (await api.t.app.inject('/docs/json')).json();
        for (const name of ['aging', 'dso', 'cei', 'statuses', 'cash-forecast']) {
          expect(doc.paths[`/v1/reports/${name}`].get.responses['422'], name).toBeDefined();
        }
      });

      it('reports each currency on its own when asked', async () => {
        const total = async (currency: string) => (await get(`/v1/reports/aging?asOf=2026-03-31&months=3&currency=${currency}`)).json().groups[0].total;
        expect(await total('EUR')).toEqual({ amount: 700, count: 1 });
        expect(await total('USD')).toEqual({ amount: 5500, count: 4 });
      });

      // The rows carry no currency: a file read away from its request says what its amounts are by its name, as a
      // consolidated one does, and the EUR and USD files of one day no longer take the same name.
      it.each([
        ['aging?months=1', 'aging'], ['dso?months=1', 'dso'], ['cei?months=1', 'cei'], ['statuses?months=1', 'statuses'], ['risk?months=1', 'risk'],
        ['overdue?', 'overdue'], ['aged-balance?', 'aged-balance'],
      ])('names the file of each currency after it: %s', async (query, stem) => {
        for (const [currency, format] of [['EUR', 'csv'], ['USD', 'xlsx']]) {
          const res = await get(`/v1/reports/${query}&asOf=2026-03-31&currency=${currency}&format=${format}`);
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-disposition']).toBe(`attachment; filename="${stem}-${currency}-2026-03-31.${format}"`);
        }
      });

      it('answers 404 for a currency the scope has no invoice in, naming it and those it has', async () => {
        const res = await get('/v1/reports/aging?asOf=2026-03-31&currency=GBP');
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.json()).toMatchObject({
          code: 'AR_ERR_CURRENCY_NOT_IN_SCOPE',
          title: 'No invoices in this currency',
          detail: 'No invoice in this scope is in GBP: its invoices are in EUR, USD; ask for one of those with currency=',
          currency: 'GBP',
          currencies: ['EUR', 'USD'],
        });
      });

      it('needs no currency where the scope holds one', async () => {
        expect((await get('/v1/reports/aging?asOf=2026-03-31&segment=small')).statusCode).toBe(200);
      });
    });

    describe('when the query is not valid', () => {
      it.each([
        ['/v1/reports/aging?months=0', 'querystring/months'],
        ['/v1/reports/aging?groupBy=region', 'querystring/groupBy'],
        ['/v1/reports/dso?windowDays=1000', 'querystring/windowDays'],
        ['/v1/reports/cei?format=pdf', 'querystring/format'],
        ['/v1/reports/cei?asOf=31/03/2026', 'querystring/asOf'],
      ])('answers 400 with a problem for %s', async (url, path) => {
        const res = await get(url);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.json().code).toBe('AR_ERR_VALIDATION');
        expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
      });

      // A report gives the ledger as it stood on its date: of a day to come, it aged today's open invoices as if
      // nothing would be paid by then, and a CEI or DSO of sales not made yet. Tomorrow (UTC) is today somewhere.
      it.each(['aging', 'dso', 'cei', 'statuses', 'risk', 'overdue', 'aged-balance'])('answers 400 for a %s report of a day after tomorrow', async (name) => {
        const tomorrow = addDays(todayIso(), 1);
        const later = addDays(todayIso(), 2);
        for (const format of ['json', 'csv']) {
          const res = await get(`/v1/reports/${name}?asOf=${later}&format=${format}`);
          expect(res.statusCode).toBe(400);
          expect(res.headers['content-type']).toMatch(/problem\+json/);
          expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', detail: expect.stringContaining(`asOf must not be after ${tomorrow}`) });
        }
        expect((await get(`/v1/reports/${name}?asOf=${tomorrow}`)).statusCode).toBe(200);
      });

      it('answers 400 for a day that does not exist', async () => {
        expect((await get('/v1/reports/aging?asOf=2026-02-30')).statusCode).toBe(400);
      });

      // ZZZ has the shape of a code but names no currency: not "no invoice in ZZZ" (404), nor, where the
      // scope holds no invoice, a report of zeros "in ZZZ".
      it.each([
        '/v1/reports/aging?asOf=2026-03-31&currency=ZZZ',
        '/v1/reports/dso?asOf=2026-03-31&segment=small&currency=EUO',
        '/v1/reports/cei?asOf=2026-03-31&collector=bob&currency=ZZZ',
      ])('answers 400 for a currency ISO 4217 does not name: %s', async (url) => {
        const res = await get(url);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.json()).toMatchObject({
          code: 'AR_ERR_VALIDATION',
          errors: [{ path: 'querystring/currency', message: expect.stringMatching(/must be an ISO 4217 currency code/) }],
        });
      });

      it('answers 400 for an unknown currency before saying the cash forecast has no model', async () => {
        const res = await get('/v1/reports/cash-forecast?currency=ZZZ');
        expect(res.statusCode).toBe(400);
        expect(res.json().errors).toEqual([expect.objectContaining({ path: 'querystring/currency' })]);
      });
    });
  });
}
