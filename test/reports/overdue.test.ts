// The overdue statement on both backends: its rows on the hand-checked
// portfolio of portfolio.ts, and its totals against the aging balance's on a
// generated one in two currencies, one, the other and consolidated.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { agingReport, overdueItems, overdueStatement, statusesReport, type OverdueQuery, type ReportScope } from '../../src/reports/index.js';
import type { Db } from '../../src/db/sql.js';
import { seedPortfolio } from './portfolio.js';
import * as f from '../agenda/factories.js';

const PORTFOLIO: ReportScope = { groupBy: 'portfolio', collector: null, segment: null, currency: null };
const ASOF = '2026-03-31';
const query = (q: Partial<OverdueQuery> = {}) => ({ asOf: ASOF, today: '2026-12-07', minDaysOverdue: 1, scope: PORTFOLIO, limit: 500, ...q });

/** The aging balance's overdue buckets and overdue on `asOf`, as the statement gives its totals. */
async function agingOverdue(db: Db, asOf: string, scope: ReportScope) {
  const [row] = (await agingReport(db, { asOf, months: 1, scope })).groups;
  return { overdue: row.overdue, buckets: row.buckets.slice(1).map(({ bucket, amount, count }) => ({ bucket, amount, count })) };
}

// A portfolio of amounts with odd decimals, partial payments on many days,
// settlements without allocations and statuses set on various days, in USD and
// EUR, with a EUR rate that moves: what a sum rounded otherwise would miss.
async function seedGenerated(db: Db): Promise<void> {
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const day = (from: string, span: number) => new Date(Date.parse(from) + Math.floor(rand() * span) * 86_400_000).toISOString().slice(0, 10);
  for (const [d, rate] of [['2025-09-01', 1.0873], ['2026-01-15', 1.1129], ['2026-03-10', 1.0641]] as const) await f.exchangeRate(db, 'EUR', 'USD', d, rate);
  const collectors = [await f.collector(db, 'gen-1'), await f.collector(db, 'gen-2')];
  const statuses = [null, null, 'promise_to_pay', 'dispute', 'litigation', 'payment_plan'];
  for (let c = 0; c < 6; c++) {
    const currency = c % 3 === 0 ? 'EUR' : 'USD';
    const customer = await f.customer(db, { name: `Gen ${String.fromCharCode(70 - c)}`, collectorId: collectors[c % 2], segment: c < 3 ? 'big' : 'small', currency });
    for (let k = 0; k < 12; k++) {
      const issueDate = day('2025-09-01', 200);
      const dueDate = new Date(Date.parse(issueDate) + [0, 30, 45, 60][k % 4] * 86_400_000).toISOString().slice(0, 10);
      const amount = Math.round(rand() * 50_000_000) / 10_000 + 0.0037;
      const paid = k % 3 === 0 ? Math.round(amount * rand() * 100) / 100 : 0;
      const settled = k % 7 === 1;
      const status = statuses[k % statuses.length];
      const id = await f.invoice(db, {
        customerId: customer, issueDate, dueDate, amount, currency, openAmount: settled ? 0 : amount - paid, settledDate: settled ? day(dueDate, 90) : null,
        status, statusDate: status ? day(issueDate, 180) : null, promisedDate: status === 'promise_to_pay' ? day(dueDate, 60) : null, disputed: k % 5 === 4,
      });
      if (paid > 0) await f.payment(db, customer, day(issueDate, 150), [{ invoiceId: id, amount: paid }]);
    }
  }
}

for (const backend of await backends()) {
  describe(`the overdue statement on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      await seedPortfolio(s.db);
    });
    afterAll(async () => s.close());

    describe('when it is asked for 2026-03-31', () => {
      it('lists each invoice past due with what was open that day, by customer then due date', async () => {
        const r = await overdueStatement(s.db, query());
        // A2 1,500 of 2,000 (due 02-14), B1 400 (due 2025-10-31), B2 600 (due 02-19, dispute since 03-25); A3 is not yet due.
        expect(r.items.map((i) => [i.customerExternalId, i.number, i.openAmount, i.daysOverdue, i.bucket, i.status])).toEqual([
          ['A', 'A2', 1500, 45, '31-60', null],
          ['B', 'B1', 400, 151, '90+', null],
          ['B', 'B2', 600, 40, '31-60', 'dispute'],
        ]);
        expect(r.items[0]).toMatchObject({ customerName: 'Customer A', customerSegment: 'standard', collector: 'alice', amount: 2000, currency: 'USD', issueDate: '2026-01-15', dueDate: '2026-02-14' });
        expect(r.items[2]).toMatchObject({ statusDate: '2026-03-25', promisedDate: null });
        expect(r.totals).toEqual(await agingOverdue(s.db, ASOF, PORTFOLIO));
        expect(r.nextCursor).toBeNull();
      });

      it('keeps the invoices at least minDaysOverdue days past due, and totals them alone', async () => {
        const r = await overdueStatement(s.db, query({ minDaysOverdue: 41 }));
        expect(r.items.map((i) => i.number)).toEqual(['A2', 'B1']);
        expect(r.totals.overdue).toEqual({ amount: 1900, count: 2 });
        expect(r.totals.buckets.map((b) => b.amount)).toEqual([0, 1500, 0, 400]);
      });
    });

    describe('when it is asked for a past date', () => {
      it('gives the status each invoice carried that day, a later one counting as not yet set', async () => {
        // 2026-03-20: B2's dispute is recorded on 03-25, A2's 500 paid that day.
        const r = await overdueStatement(s.db, query({ asOf: '2026-03-20' }));
        expect(r.items.map((i) => [i.number, i.openAmount, i.status, i.statusDate])).toEqual([
          ['A2', 1500, null, null], ['B1', 400, null, null], ['B2', 600, null, null],
        ]);
        // 2026-03-10: A2 still whole; B3 (800, due 03-03) open until its settlement on 03-15.
        const early = await overdueStatement(s.db, query({ asOf: '2026-03-10' }));
        expect(early.items.map((i) => [i.number, i.openAmount])).toEqual([['A2', 2000], ['B1', 400], ['B2', 600], ['B3', 800]]);
        expect(early.totals).toEqual(await agingOverdue(s.db, '2026-03-10', PORTFOLIO));
      });

      it('gives a promise its date, and the disputed flag without a status as disputed', async () => {
        await s.db.query("UPDATE invoices SET status = 'promise_to_pay', status_date = '2026-03-01', promised_date = '2026-04-10' WHERE number = 'A2'");
        await s.db.query("UPDATE invoices SET disputed = true WHERE number = 'B1'");
        try {
          const r = await overdueStatement(s.db, query());
          expect(r.items.map((i) => [i.number, i.status, i.statusDate, i.promisedDate])).toEqual([
            ['A2', 'promise_to_pay', '2026-03-01', '2026-04-10'], ['B1', 'disputed', null, null], ['B2', 'dispute', '2026-03-25', null],
          ]);
        } finally {
          await s.db.query("UPDATE invoices SET status = NULL, status_date = NULL, promised_date = NULL WHERE number = 'A2'");
          await s.db.query("UPDATE invoices SET disputed = false WHERE number = 'B1'");
        }
      });
    });

    describe('when the last refresh stored model outputs on the invoices', () => {
      beforeAll(async () => {
        const [a2] = await s.db.query<{ id: number }>("SELECT id FROM invoices WHERE number = 'A2'");
        await f.computedField(s.db, { entityType: 'invoice', entityId: a2.id, name: 'lateProbability', value: 0.83 });
        await f.computedField(s.db, { entityType: 'invoice', entityId: a2.id, name: 'expectedPaymentDate', value: '2026-04-22' });
      });
      afterAll(async () => s.db.query('DELETE FROM computed_fields'));

      it("gives them on today's statement, in the page and in the export", async () => {
        const r = await overdueStatement(s.db, query({ today: ASOF }));
        expect(r.items.map((i) => [i.number, i.lateProbability, i.expectedPaymentDate])).toEqual([
          ['A2', 0.83, '2026-04-22'], ['B1', null, null], ['B2', null, null],
        ]);
        expect((await overdueItems(s.db, query({ today: ASOF }))).items[0]).toMatchObject({ lateProbability: 0.83, expectedPaymentDate: '2026-04-22' });
      });

      it("leaves them out of a past date's, which they were not computed for", async () => {
        const r = await overdueStatement(s.db, query({ today: '2026-04-01' }));
        expect(r.items[0]).toMatchObject({ number: 'A2', lateProbability: null, expectedPaymentDate: null });
        expect(r.method).toMatch(/on a past date they are null/);
      });
    });

    describe('when a cursor is not one the statement gave', () => {
      const TAG = 'minDaysOverdue=1';
      const cursor = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
      it.each([
        'nope', cursor([1, 2, 3, 4]), cursor(['a', 'b']),
        // Shaped as a key, but with values PostgreSQL would refuse to compare: no date, a day that does not exist, year 0, a NUL.
        cursor([ASOF, TAG, 'Customer A', 'A', 'soon', 'A2']), cursor([ASOF, TAG, 'Customer A', 'A', '2026-02-30', 'A2']),
        cursor([ASOF, TAG, 'Customer A', 'A', '0000-01-01', 'A2']), cursor([ASOF, TAG, 'Customer\u0000A', 'A', '2026-02-14', 'A2']),
        cursor([TAG, 'Customer A', 'A', '2026-02-14', 'A2']), cursor(['yesterday', TAG, 'Customer A', 'A', '2026-02-14', 'A2']),
      ])('refuses %s with a 400 naming after', async (after) => {
        await expect(overdueStatement(s.db, { ...query(), after })).rejects.toMatchObject({ code: 'AR_ERR_VALIDATION', extras: { errors: [{ path: 'querystring/after' }] } });
      });

      // Cursors of an earlier version held the date and the key only: they cannot say which statement they continue.
      it('refuses a cursor of the earlier format, saying to start again', async () => {
        await expect(overdueStatement(s.db, { ...query(), after: cursor([ASOF, 'Customer A', 'A', '2026-02-14', 'A2']) })).rejects.toMatchObject({
          code: 'AR_ERR_VALIDATION', extras: { errors: [{ path: 'querystring/after', message: expect.stringMatching(/earlier version.*start again without after/) }] },
        });
      });

      it('refuses the cursor of the same date asked with another minDaysOverdue or scope, naming the parameter', async () => {
        const first = await overdueStatement(s.db, { ...query(), limit: 1 });
        const refused = (q: Partial<OverdueQuery>, message: RegExp) => expect(overdueStatement(s.db, { ...query(q), after: first.nextCursor! })).rejects.toMatchObject({
          code: 'AR_ERR_VALIDATION', extras: { errors: [{ path: 'querystring/after', message: expect.stringMatching(message) }] },
        });
        await refused({ minDaysOverdue: 31 }, /given for minDaysOverdue=1: ask for minDaysOverdue=1/);
        await refused({ scope: { ...PORTFOLIO, segment: 'small' } }, /given without segment/);
        await refused({ scope: { ...PORTFOLIO, group: 'GRP' } }, /given without group/);
        await refused({ scope: { ...PORTFOLIO, currency: 'USD' } }, /given without currency/);
      });

      // Paging the default (today's) statement across midnight UTC would mix two statements: other totals, other buckets.
      it("refuses the cursor of another date's statement, naming the date it continues", async () => {
        const first = await overdueStatement(s.db, { ...query(), limit: 1 });
        expect(first.nextCursor).not.toBeNull();
        await expect(overdueStatement(s.db, { ...query({ asOf: '2026-04-01' }), after: first.nextCursor! })).rejects.toMatchObject({
          code: 'AR_ERR_VALIDATION', extras: { errors: [{ path: 'querystring/after', message: expect.stringContaining('asOf=2026-03-31') }] },
        });
        expect((await overdueStatement(s.db, { ...query(), after: first.nextCursor! })).items.map((i) => i.number)).toEqual(['B1', 'B2']);
      });
    });
  });

  describe(`the overdue statement against the aging balance on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      await seedGenerated(s.db);
    });
    afterAll(async () => s.close());

    const DATES = ['2025-11-30', '2026-01-17', '2026-02-28', '2026-03-31'];
    const SCOPES: [string, ReportScope][] = [
      ['USD', { ...PORTFOLIO, currency: 'USD' }],
      ['EUR', { ...PORTFOLIO, currency: 'EUR' }],
      ['consolidated', { ...PORTFOLIO, consolidatedIn: 'USD' }],
      ["gen-2's USD", { ...PORTFOLIO, collector: 'gen-2', currency: 'USD' }],
      ['small, consolidated', { ...PORTFOLIO, segment: 'small', consolidatedIn: 'USD' }],
    ];

    it.each(SCOPES)('totals each bucket as the aging balance does, to the ten-thousandth, in %s', async (_, scope) => {
      for (const asOf of DATES) {
        const r = await overdueStatement(s.db, query({ asOf, scope }));
        expect(r.totals, asOf).toEqual(await agingOverdue(s.db, asOf, scope));
        expect(r.totals.overdue.count, asOf).toBeGreaterThan(0);
        // The rows add up to the totals, give or take the rounding of each row.
        const sum = r.items.reduce((t, i) => t + (i.valued ?? i.openAmount), 0);
        expect(Math.abs(sum - r.totals.overdue.amount), asOf).toBeLessThan(0.0001 * r.items.length + 1e-9);
      }
    });

    it('gives each row the status the statuses report counts it under', async () => {
      for (const asOf of DATES) {
        const r = await overdueItems(s.db, query({ asOf, scope: { ...PORTFOLIO, currency: 'USD' } }));
        const counted = new Map<string, number>();
        for (const i of r.items) counted.set(i.status ?? 'unqualified', (counted.get(i.status ?? 'unqualified') ?? 0) + 1);
        const [row] = (await statusesReport(s.db, { asOf, months: 1, scope: { ...PORTFOLIO, currency: 'USD' } })).groups;
        expect(Object.fromEntries(counted), asOf).toEqual(Object.fromEntries(row.statuses.filter((x) => x.count > 0).map((x) => [x.status, x.count])));
        expect(counted.size, asOf).toBeGreaterThan(1);
      }
    });

    it('values each row at the rate of the date when consolidated', async () => {
      const r = await overdueStatement(s.db, query({ scope: { ...PORTFOLIO, consolidatedIn: 'USD' } }));
      const eur = r.items.find((i) => i.currency === 'EUR')!;
      expect(eur.valued).toBeCloseTo(eur.openAmount * 1.0641, 4);
      expect(r.items.find((i) => i.currency === 'USD')).toMatchObject({ valued: expect.any(Number) });
      expect(r.consolidation).toMatchObject({ currency: 'USD', rates: [{ date: ASOF, currency: 'EUR', rate: 1.0641 }] });
      expect((await overdueStatement(s.db, query({ scope: { ...PORTFOLIO, currency: 'USD' } }))).items[0]).not.toHaveProperty('valued');
    });

    it('pages through every row exactly once, in order, each page with the whole totals', async () => {
      const scope = { ...PORTFOLIO, consolidatedIn: 'USD' };
      const all = await overdueItems(s.db, query({ scope }));
      const keys: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await overdueStatement(s.db, { ...query({ scope }), limit: 7, after });
        expect(page.items.length).toBeLessThanOrEqual(7);
        expect(page.totals.overdue.count).toBe(all.items.length);
        keys.push(...page.items.map((i) => i.invoiceExternalId));
        after = page.nextCursor ?? undefined;
        pages++;
      } while (after !== undefined);
      expect(all.items.length).toBeGreaterThan(20);
      expect(pages).toBe(Math.ceil(all.items.length / 7));
      expect(keys).toEqual(all.items.map((i) => i.invoiceExternalId));
      const order = all.items.map((i) => `${i.customerName}|${i.customerExternalId}|${i.dueDate}|${i.invoiceExternalId}`);
      expect(order).toEqual([...order].sort());
    });
  });
}
