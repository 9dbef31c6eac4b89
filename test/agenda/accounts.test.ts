// The agenda as a call list (GET /v1/agenda/accounts) and one customer's
// agenda (?customer=): every task to cover with an account, together.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import readXlsxFile from 'read-excel-file/node';
import { backends } from '../helpers/storage.js';
import { auth, type TestApp } from '../helpers/app.js';
import { buildAgendaTestApp, BOUND_COLLECTOR, whenCalm } from './app.js';
import * as f from './factories.js';
import { byAccount } from '../../src/agenda/accounts.js';
import type { AgendaItem } from '../../src/agenda/read.js';

const DATE = '2026-10-20';

describe('byAccount', () => {
  const item = (customer: string, kind: string, score: number, dueDate: string): AgendaItem => ({
    id: null, state: 'suggested', dedupeKey: `${customer}:${kind}`, origin: 'qualification', kind, type: 'call', task: true,
    dueDate, reason: `${kind} of ${customer}`, reasons: [],
    priority: { score, amountAtStake: score, urgency: 1, risk: 1, text: '' },
    customer: { externalId: customer, name: customer, segment: null }, collector: 'alice',
    amounts: {
      atStake: score, currency: 'EUR', customerOpen: 500, customerOverdue: 300, balanceCurrency: 'USD',
      otherBalances: [{ currency: 'EUR', open: 90, overdue: 0 }],
    },
    invoices: [],
  });

  it('ranks accounts by their most pressing task, not by the sum of their tasks', () => {
    // B's three small tasks add up to more than A's one, but A's is the most pressing.
    const tasks = [item('A', 'promise_broken', 900, '2026-10-13'), item('B', 'dispute_follow_up', 400, '2026-10-01'),
      item('B', 'credit_note_chase', 300, '2026-10-20'), item('B', 'dispute_follow_up', 300, '2026-10-05')];
    const accounts = byAccount(tasks, DATE);
    expect(accounts.map((a) => [a.customer.externalId, a.priority, a.tasks])).toEqual([['A', 900, 1], ['B', 400, 3]]);
    expect(accounts[1]).toMatchObject({
      late: 2, waitingDays: 19, topics: ['dispute_follow_up', 'credit_note_chase'],
      balances: { currency: 'USD', open: 500, overdue: 300, others: [{ currency: 'EUR', open: 90, overdue: 0 }] },
    });
    expect(accounts[1].items.map((i) => i.priority)).toEqual([400, 300, 300]);
  });

  it('breaks a tie on the number of tasks, then on the customer', () => {
    const accounts = byAccount([item('Z', 'x', 100, DATE), item('Y', 'x', 100, DATE), item('X', 'x', 100, DATE), item('X', 'y', 50, DATE)], DATE);
    expect(accounts.map((a) => a.customer.externalId)).toEqual(['X', 'Y', 'Z']);
    expect(accounts[0]).toMatchObject({ late: 0, waitingDays: 0 });
  });
});

for (const backend of await backends()) {
  describe(`the call list and one customer's agenda on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildAgendaTestApp(backend);
      const db = t.storage.db;
      const alice = await f.collector(db, BOUND_COLLECTOR);
      const bob = await f.collector(db, 'bob');
      const busy = await f.customer(db, { externalId: 'C-BUSY', collectorId: alice });
      const quiet = await f.customer(db, { externalId: 'C-QUIET', collectorId: alice });
      const theirs = await f.customer(db, { externalId: 'C-BOB', collectorId: bob });
      // C-BUSY: a broken promise (due 10-13) and a dispute with logistics (followed up from 09-15).
      await f.invoice(db, { customerId: busy, number: 'B-1', dueDate: '2026-09-30', amount: 1000, status: 'promise_to_pay', promisedDate: '2026-10-10' });
      await f.invoice(db, { customerId: busy, number: 'B-2', dueDate: '2026-08-31', amount: 800, status: 'dispute', statusDate: '2026-09-01', resolutionOwner: 'logistics' });
      // and owes in euros too, one invoice overdue: not in its dollar balances, but named beside them.
      await f.invoice(db, { customerId: busy, number: 'B-3', dueDate: '2026-09-15', amount: 700, currency: 'EUR' });
      await f.invoice(db, { customerId: busy, number: 'B-4', dueDate: '2026-11-30', amount: 200.5, currency: 'EUR' });
      // C-QUIET: one broken promise, larger than anything of C-BUSY's.
      await f.invoice(db, { customerId: quiet, number: 'Q-1', dueDate: '2026-09-30', amount: 5000, status: 'promise_to_pay', promisedDate: '2026-10-10' });
      await f.invoice(db, { customerId: theirs, number: 'O-1', dueDate: '2026-09-30', amount: 9000, status: 'promise_to_pay', promisedDate: '2026-10-10' });
    });
    afterAll(async () => t.close());

    const get = async (url: string, role: 'collector' | 'admin' = 'collector') => {
      await whenCalm(t.app);
      return t.app.inject({ url, headers: auth(role) });
    };

    it("lists a collector's accounts, each with every task to cover in one call", async () => {
      const res = await get(`/v1/agenda/accounts?date=${DATE}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ date: DATE, collector: BOUND_COLLECTOR, counts: { accounts: 2, tasks: 3 } });
      expect(body.accounts.map((a: { customer: { externalId: string } }) => a.customer.externalId)).toEqual(['C-QUIET', 'C-BUSY']);
      const busy = body.accounts[1];
      expect(busy).toMatchObject({ tasks: 2, topics: expect.arrayContaining(['promise_broken', 'dispute_follow_up']) });
      expect(busy.balances).toEqual({ currency: 'USD', open: 1800, overdue: 1800, others: [{ currency: 'EUR', open: 900.5, overdue: 700 }] });
      expect(body.accounts[0].balances.others).toEqual([]);
      expect(busy.items.map((i: { reason: string }) => i.reason).join(' | ')).toMatch(/2026-10-10.*\|.*logistics|logistics.*\|.*2026-10-10/);
      // The same tasks as the agenda, whose item count it reports.
      const agenda = (await get(`/v1/agenda?date=${DATE}`)).json();
      expect(agenda.counts.tasks).toBe(body.counts.tasks);
    });

    it('counts accounts in its limit', async () => {
      const body = (await get(`/v1/agenda/accounts?date=${DATE}&limit=1`)).json();
      expect(body.accounts).toHaveLength(1);
      expect(body.counts).toEqual({ accounts: 2, tasks: 3 });
    });

    it("narrows the agenda to one customer, within the collector's own", async () => {
      const busy = (await get(`/v1/agenda?date=${DATE}&customer=C-BUSY`)).json();
      expect(busy.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['dispute_follow_up', 'promise_broken']);
      // Another collector's customer: nothing of it shows to alice.
      expect((await get(`/v1/agenda?date=${DATE}&customer=C-BOB`)).json().items).toEqual([]);
      expect((await get(`/v1/agenda/accounts?date=${DATE}&customer=C-BOB`, 'admin')).json().accounts).toHaveLength(1);
    });

    it("exports a collector's call list, every account in order whatever the limit, with its topics and first task", async () => {
      const res = await get(`/v1/agenda/accounts?date=${DATE}&limit=1&format=csv`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toContain(`"call-list-${BOUND_COLLECTOR}-${DATE}.csv"`);
      const [header, ...rows] = res.body.trim().split('\r\n').map((l) => l.split(','));
      const col = (name: string) => header.indexOf(name);
      expect(rows.map((r) => [r[col('rank')], r[col('customer_external_id')], r[col('tasks')], r[col('collector')]])).toEqual([
        ['1', 'C-QUIET', '1', BOUND_COLLECTOR], ['2', 'C-BUSY', '2', BOUND_COLLECTOR],
      ]);
      expect(rows[1][col('topics')].split('; ').sort()).toEqual(['dispute_follow_up', 'promise_broken']);
      expect(res.body).toContain('"900.50 EUR open, 700.00 EUR overdue"');
    });

    // Two files of one day with other filters took one name: the second saved over the first, and neither said whose rows it held.
    it('names every scope a file covers: no collector, a group, a customer, the risk or collection agenda alone', async () => {
      const db = t.storage.db;
      await db.query(`INSERT INTO customer_groups (external_id, name) VALUES ('GRP R&D', 'R&D')`);
      try {
        const name = async (url: string) => (await get(`${url}&date=${DATE}&format=csv`, 'admin')).headers['content-disposition'];
        expect(await name('/v1/agenda?noCollector=true')).toBe(`attachment; filename="agenda-no-collector-${DATE}.csv"`);
        expect(await name('/v1/agenda/accounts?noCollector=true')).toBe(`attachment; filename="call-list-no-collector-${DATE}.csv"`);
        expect(await name('/v1/agenda?group=GRP%20R%26D&agenda=risk')).toBe(`attachment; filename="agenda-risk-group-GRP_R_D-${DATE}.csv"`);
        expect(await name('/v1/agenda/accounts?customer=C-BOB&agenda=collection'))
          .toBe(`attachment; filename="call-list-collection-customer-C-BOB-${DATE}.csv"`);
        expect(await name('/v1/agenda?collector=alice&customer=C-BUSY')).toBe(`attachment; filename="agenda-alice-customer-C-BUSY-${DATE}.csv"`);
      } finally {
        await db.query(`DELETE FROM customer_groups WHERE external_id = 'GRP R&D'`);
      }
    });

    it('exports the tasks of the agenda as a workbook, one row per task, due dates as dates', async () => {
      const res = await t.app.inject({
        url: `/v1/agenda?date=${DATE}&format=xlsx`, headers: auth('admin'),
      });
      expect(res.headers['content-disposition']).toContain(`"agenda-${DATE}.xlsx"`);
      const [{ data }] = await readXlsxFile(res.rawPayload);
      const header = data[0] as string[];
      const json = (await get(`/v1/agenda?date=${DATE}`, 'admin')).json();
      expect(data.slice(1).map((r) => [r[header.indexOf('kind')], r[header.indexOf('customer_external_id')], r[header.indexOf('due_date')]])).toEqual(
        json.items.map((i: { kind: string; customer: { externalId: string }; dueDate: string }) => [i.kind, i.customer.externalId, new Date(`${i.dueDate}T00:00:00Z`)]),
      );
      expect(json.items.map((i: { customer: { externalId: string } }) => i.customer.externalId)).toContain('C-BOB');
    });

    it('answers 404 for a customer that does not exist, and 400 for an empty one', async () => {
      const unknown = await get(`/v1/agenda/accounts?date=${DATE}&customer=C-NOPE`);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ code: 'AR_ERR_NOT_FOUND' });
      expect((await get(`/v1/agenda?date=${DATE}&customer=`)).statusCode).toBe(400);
    });
  });
}
