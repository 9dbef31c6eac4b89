// The customers with no collector or no segment, the `(unassigned)` and `(none)` groups of groupBy=collector and
// groupBy=segment, asked for on their own with noCollector=true and noSegment=true, on every report that takes
// collector and segment: before, a credit manager saw those rows and could not drill into them.
import { describe, it, expect } from 'vitest';
import { backends } from '../helpers/storage.js';
import { reportsApi } from './api.js';
import { seedPortfolio } from './portfolio.js';
import * as f from '../agenda/factories.js';
import type { Db } from '../../src/db/sql.js';

// On 2026-03-31, beside A (alice, standard) and B (bob, small): U, nobody's and in no segment, owes 700, 55 days
// past due; V, alice's in no segment, 250, 10 days past due.
async function seed(db: Db): Promise<void> {
  await seedPortfolio(db);
  const [alice] = await db.query<{ id: number }>("SELECT id FROM collectors WHERE external_id = 'alice'");
  const u = await f.customer(db, { externalId: 'U', segment: null });
  await f.invoice(db, { customerId: u, number: 'U1', issueDate: '2026-01-05', dueDate: '2026-02-04', amount: 700 });
  const v = await f.customer(db, { externalId: 'V', collectorId: alice.id, segment: null });
  await f.invoice(db, { customerId: v, number: 'V1', issueDate: '2026-02-19', dueDate: '2026-03-21', amount: 250 });
}

type Row = { group: string; total: { amount: number; count: number } };

for (const backend of await backends()) {
  describe(`the reports of the customers with no collector or no segment on ${backend}`, () => {
    const { get } = reportsApi(backend, seed);
    const aging = async (query: string) => (await get(`/v1/reports/aging?asOf=2026-03-31&months=1&${query}`)).json();

    describe('when a credit manager drills into the (unassigned) and (none) groups', () => {
      it.each([
        ['noCollector=true', 'collector', '(unassigned)', { amount: 700, count: 1 }],
        ['noSegment=true', 'segment', '(none)', { amount: 950, count: 2 }],
      ])('%s gives the figures of the %s grouping\'s %s row', async (filter, groupBy, label, total) => {
        const row = (await aging(`groupBy=${groupBy}`)).groups.find((g: Row) => g.group === label);
        const only = await aging(filter);
        expect(only.groups[0].total).toEqual(total);
        expect(only.groups[0].total).toEqual(row.total);
        expect(only.filters).toMatchObject({ collector: null, segment: null, [filter.split('=')[0]]: true });
      });

      it.each(['dso', 'cei', 'statuses', 'risk'])('narrows the %s report too', async (report) => {
        const res = await get(`/v1/reports/${report}?asOf=2026-03-31&months=1&noCollector=true&noSegment=true`);
        expect(res.statusCode).toBe(200);
        expect(res.json().filters).toMatchObject({ noCollector: true, noSegment: true });
      });

      it("lists the overdue statement's invoices and the aged balance's customers of those groups only", async () => {
        const statement = (await get('/v1/reports/overdue?asOf=2026-03-31&noCollector=true')).json();
        expect(statement.items.map((i: { number: string }) => i.number)).toEqual(['U1']);
        expect(statement.totals.overdue).toEqual({ amount: 700, count: 1 });
        const aged = (await get('/v1/reports/aged-balance?asOf=2026-03-31&noSegment=true')).json();
        expect(aged.customers.map((c: { customerExternalId: string }) => c.customerExternalId)).toEqual(['U', 'V']);
        const both = (await get('/v1/reports/aged-balance?asOf=2026-03-31&noSegment=true&noCollector=true&format=csv')).body.trim().split('\r\n');
        expect(both.slice(1).map((l) => l.split(',')[0])).toEqual(['U']);
      });

      it("refuses a cursor of the whole aged balance asked for the customers with no segment, naming noSegment", async () => {
        const first = (await get('/v1/reports/aged-balance?asOf=2026-03-31&limit=1')).json();
        const res = await get(`/v1/reports/aged-balance?asOf=2026-03-31&limit=1&noSegment=true&after=${first.nextCursor}`);
        expect(res.statusCode).toBe(400);
        expect(res.json().detail).toMatch(/given without noSegment/);
      });
    });

    describe('when the query contradicts itself or reaches beyond a collector key', () => {
      it.each([
        ['collector=alice&noCollector=true', 'querystring/noCollector'],
        ['segment=small&noSegment=true', 'querystring/noSegment'],
        ['noCollector=maybe', 'querystring/noCollector'],
      ])('answers 400 for %s, naming the parameter', async (query, path) => {
        for (const report of ['aging', 'overdue', 'aged-balance', 'cash-forecast']) {
          const res = await get(`/v1/reports/${report}?${query}`);
          expect(res.statusCode).toBe(400);
          expect(res.headers['content-type']).toMatch(/problem\+json/);
          expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
        }
      });

      it('refuses the customers with no collector to a collector key (403)', async () => {
        const res = await get('/v1/reports/aging?asOf=2026-03-31&noCollector=true', 'collector');
        expect(res.statusCode).toBe(403);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
      });
    });
  });
}
