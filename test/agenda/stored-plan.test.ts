// The agenda read from the portfolio run's stored plan: the same items, order
// and counts as the live plan while nothing the planner reads has changed, and
// the live plan (saying why) once something has, on PGlite and PostgreSQL.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { agendaPolicy, agendaTasks, closeAction, planAndMaterialise, plannedLive, readAgenda, type AgendaQuery } from '../../src/agenda/index.js';
import type { Db } from '../../src/db/sql.js';
import { MAX_CUSTOMERS_PLANNED_LIVE } from '../../src/agenda/stored-plan.js';
import * as f from './factories.js';
import { beforeFirstQuery } from '../helpers/query-hook.js';

const policy = agendaPolicy();
const DAY = '2026-10-20';

/** `db`, which runs `meanwhile` (on `db` itself) just before its first read of the stored plan's items. */
const storingWhileRead = (db: Db, meanwhile: () => Promise<unknown>): Db =>
  beforeFirstQuery(db, (text) => text.includes('FROM agenda_plan_items'), meanwhile);

const STEPS: f.Step[] = [
  { dayOffset: 3, channel: 'email', level: 1, template: 'first-reminder', automatic: true },
  { dayOffset: 15, channel: 'call', level: 2, template: 'collector-call', automatic: false },
  { dayOffset: 30, channel: 'letter', level: 3, template: 'formal-notice', automatic: false },
];

for (const backend of await backends()) {
  describe(`the agenda from the stored plan on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => { s = await openTestStorage(backend); });
    afterAll(async () => s.close());
    beforeEach(async () => f.wipe(s.db));

    const plan = () => planAndMaterialise(s.db, { date: DAY, scope: { kind: 'portfolio' }, policy });
    const query = (q: Partial<AgendaQuery> = {}): AgendaQuery =>
      ({ collectorId: null, collector: null, date: DAY, limit: 3, policy, agenda: 'all', ...q });

    /** What the live plan answers for the same query: every item ranked, then the first `limit`. */
    async function livePlan(q: AgendaQuery) {
      const { tasks, automatic } = await plannedLive(s.db, q);
      const planned = tasks.filter((t) => t.state === 'planned').length;
      return {
        items: tasks.slice(0, q.limit), automatic: automatic.slice(0, q.limit),
        counts: { tasks: tasks.length, planned, suggested: tasks.length - planned, automatic: automatic.length },
      };
    }

    /**
     * Two collectors, customers in two currencies with reminders due (automatic
     * and not), a broken promise, a dispute, a credit limit overrun, a manual
     * call, a step a person closed: every origin and both lists.
     */
    async function world() {
      const scenarioId = await f.scenario(s.db, STEPS);
      const collectors = [await f.collector(s.db), await f.collector(s.db)];
      await f.exchangeRate(s.db, 'EUR', 'USD', '2026-10-01', 1.1);
      const customers: number[] = [];
      for (let k = 0; k < 8; k++) {
        const customerId = await f.customer(s.db, { collectorId: collectors[k % 2], scenarioId, riskScore: 10 * k, currency: k % 3 === 0 ? 'EUR' : 'USD' });
        customers.push(customerId);
        await f.invoice(s.db, { customerId, dueDate: `2026-09-${String(10 + k).padStart(2, '0')}`, amount: 500 + 300 * k, currency: k % 3 === 0 ? 'EUR' : 'USD' });
        await f.invoice(s.db, { customerId, dueDate: '2026-10-15', amount: 200 + 10 * k });
      }
      await f.invoice(s.db, { customerId: customers[1], dueDate: '2026-09-01', amount: 4200, status: 'promise_to_pay', statusDate: '2026-10-01', promisedDate: '2026-10-10' });
      await f.invoice(s.db, { customerId: customers[2], dueDate: '2026-08-01', amount: 900, status: 'dispute', statusDate: '2026-08-20' });
      await s.db.query('UPDATE customers SET credit_limit = 1000 WHERE id = $1', [customers[7]]);
      await s.db.query(`INSERT INTO actions (customer_id, collector_id, type, due_date, origin, reason) VALUES ($1, $2, 'call', '2026-10-18', 'manual', 'Call about the new order')`,
        [customers[4], collectors[0]]);
      await plan();
      const [step] = (await f.actionsOf(s.db, customers[3])).filter((a) => a.origin === 'scenario');
      await closeAction(s.db, step.id, 'done', { policy, today: DAY });
      // Planned again after the closing, as a refresh or the nightly run does.
      await plan();
      return { collectors, customers };
    }

    it('answers what the live plan answers, in its order, for the portfolio, a collector, a view and a customer', async () => {
      const { collectors, customers } = await world();
      for (const q of [
        query(), query({ limit: 50 }), query({ collectorId: collectors[1], collector: 'x' }), query({ agenda: 'risk' }),
        query({ agenda: 'collection', limit: 5 }), query({ customerIds: [customers[1], customers[4]] }),
      ]) {
        const stored = await readAgenda(s.db, q);
        expect(stored.plan.source).toBe('stored');
        expect({ items: stored.items, automatic: stored.automatic, counts: stored.counts }).toEqual(await livePlan(q));
        // Every row, as the call list and the files read them.
        expect(await agendaTasks(s.db, q)).toEqual(await plannedLive(s.db, q));
      }
      const whole = await readAgenda(s.db, query({ limit: 50 }));
      // The world has what the comparison is about: planned and manual tasks, automatic steps, a closed step left out.
      expect(whole.counts.tasks).toBeGreaterThan(10);
      expect(whole.counts.automatic).toBeGreaterThan(0);
      expect(whole.items.map((i) => i.kind)).toEqual(expect.arrayContaining(['manual', 'scenario_step', 'promise_broken', 'credit_limit_exceeded']));
    });

    it('reads the stored items, not a plan made again', async () => {
      await world();
      await s.db.query(`UPDATE agenda_plan_items SET item = jsonb_set(item, '{reason}', '"as stored"') WHERE dedupe_key = (SELECT dedupe_key FROM agenda_plan_items WHERE task ORDER BY score DESC, due_date, dedupe_key COLLATE "C" LIMIT 1)`);
      const agenda = await readAgenda(s.db, query());
      expect(agenda.items[0].reason).toBe('as stored');
      expect((await agendaTasks(s.db, query())).tasks[0].reason).toBe('as stored');
    });

    it('reads one plan: a run storing the next day\'s while the page is read is not mixed in', async () => {
      await world();
      const nextDay = () => planAndMaterialise(s.db, { date: '2026-10-21', scope: { kind: 'portfolio' }, policy });
      const agenda = await readAgenda(storingWhileRead(s.db, nextDay), query({ limit: 50 }));
      expect({ items: agenda.items, automatic: agenda.automatic, counts: agenda.counts }).toEqual(await livePlan(query({ limit: 50 })));
      expect(agenda.plan).toMatchObject({ source: 'live', staleBecause: 'the stored plan is for 2026-10-21' });

      await plan();
      const tasks = await agendaTasks(storingWhileRead(s.db, nextDay), query());
      expect(tasks).toEqual(await plannedLive(s.db, query()));
    });

    it('holds across a restore into another cluster, whose transaction ids start again lower', async () => {
      const { customers } = await world();
      // As restored from a cluster ten million transactions further on: the plan's snapshot, and a change it did not see.
      const [{ ahead }] = await s.db.query<{ ahead: string }>(`SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 10000000)::text AS ahead`);
      await s.db.query(`UPDATE service_state SET value = jsonb_set(value, '{snapshot}', to_jsonb($1::text)) WHERE key = 'agenda-stored-plan'`, [`${ahead}:${ahead}:`]);
      await f.invoice(s.db, { customerId: customers[5], dueDate: '2026-08-01', amount: 99_000 });
      const afterImport = await readAgenda(s.db, query({ limit: 50 }));
      expect(afterImport.plan).toMatchObject({ source: 'live', staleBecause: expect.stringMatching(/transaction ids are behind/) });
      expect(afterImport.items[0].amounts.atStake).toBeGreaterThanOrEqual(99_000);

      await s.db.query('INSERT INTO agenda_data_changes (xid) VALUES ($1::bigint + 5)', [ahead]);
      await plan();
      // The change from before the restore is in the data the run read: the plan it stored is current.
      expect((await readAgenda(s.db, query())).plan.source).toBe('stored');
    });

    it('stores one plan when runs race, whether a plan was stored before or not', async () => {
      await world();
      for (const round of [1, 2, 3]) {
        if (round === 3) await s.db.query(`DELETE FROM service_state WHERE key = 'agenda-stored-plan'`);
        const runs = await Promise.allSettled([plan(), plan(), plan()]);
        expect(runs.map((r) => (r.status === 'rejected' ? String(r.reason) : 'stored'))).toEqual(['stored', 'stored', 'stored']);
        const agenda = await readAgenda(s.db, query({ limit: 50 }));
        expect(agenda.plan.source).toBe('stored');
        expect({ items: agenda.items, automatic: agenda.automatic, counts: agenda.counts }).toEqual(await livePlan(query({ limit: 50 })));
      }
    });

    /** The stored read equals the whole portfolio planned live, for the portfolio, each collector, each view and the call list. */
    async function expectAsLive(collectors: number[], liveCustomers: number) {
      for (const q of [query({ limit: 50 }), query(), ...collectors.map((c) => query({ collectorId: c, collector: 'x', limit: 50 })),
        query({ agenda: 'risk' }), query({ agenda: 'collection', limit: 5 })]) {
        const stored = await readAgenda(s.db, q);
        expect(stored.plan).toMatchObject({ source: 'stored', staleBecause: null });
        expect({ items: stored.items, automatic: stored.automatic, counts: stored.counts }).toEqual(await livePlan(q));
        expect(await agendaTasks(s.db, q)).toEqual(await plannedLive(s.db, q));
      }
      expect((await readAgenda(s.db, query())).plan.customersPlannedLive).toBe(liveCustomers);
    }

    it('plans live only the customers a write touched since the run, merged in the planner\'s order', async () => {
      const { collectors, customers } = await world();
      expect((await readAgenda(s.db, query())).plan).toMatchObject({ source: 'stored', customersPlannedLive: 0 });

      // An import of one customer's invoice: its reminder tops the page, read from the store beside it.
      const big = await f.invoice(s.db, { customerId: customers[5], dueDate: '2026-08-01', amount: 99_000 });
      const afterImport = await readAgenda(s.db, query({ limit: 50 }));
      expect(afterImport.items[0].amounts.atStake).toBeGreaterThanOrEqual(99_000);
      await expectAsLive(collectors, 1);

      // A payment allocated to it reaches the customer through the invoice and the payment.
      await s.db.query('UPDATE invoices SET open_amount = 1000 WHERE id = $1', [big]);
      await f.payment(s.db, customers[5], '2026-10-19', [{ invoiceId: big, amount: 98_000 }]);
      await expectAsLive(collectors, 1);

      // A person closing a suggested step of another customer.
      const [step] = (await f.actionsOf(s.db, customers[6])).filter((a) => a.status === 'planned' && a.origin !== 'manual');
      await closeAction(s.db, step.id, 'done', { policy, today: DAY });
      await expectAsLive(collectors, 2);

      // An email from the customer with a manual call (read with the others, not twice).
      await f.inbound(s.db, { customerId: customers[4], receivedAt: '2026-10-19T09:00:00Z', subject: 'About invoice 12' });
      expect((await readAgenda(s.db, query({ limit: 50 }))).items.map((i) => i.kind)).toEqual(expect.arrayContaining(['manual', 'answer_email']));
      await expectAsLive(collectors, 3);

      // One customer rescored: a late probability high enough for a pre-due call, and a drift alert.
      await f.computedField(s.db, { entityType: 'customer', entityId: customers[0], name: 'lateProbability', value: 0.95 });
      await f.computedField(s.db, { entityType: 'customer', entityId: customers[0], name: 'driftAlert', value: true, reasons: [{ text: 'Pays later' }] });
      await expectAsLive(collectors, 4);

      // A customer moved to the other collector: its stored items name the first.
      await s.db.query('UPDATE customers SET collector_id = $1 WHERE id = $2', [collectors[1], customers[2]]);
      await expectAsLive(collectors, 5);

      // A customer deleted with its invoices and actions.
      await s.db.query('DELETE FROM customers WHERE id = $1', [customers[7]]);
      await expectAsLive(collectors, 5);

      // The next run sees them all: nothing planned live.
      await plan();
      await expectAsLive(collectors, 0);
    });

    it('plans live the customer an email\'s triage was counted for, once triaged again for the customer an import moved it to', async () => {
      const { collectors, customers } = await world();
      const [from, to] = [customers[4], customers[5]];
      // An email triaged for one customer, then moved by an import to another: answered for the first until triaged again.
      const email = await f.inbound(s.db, { customerId: from, receivedAt: '2026-10-19T09:00:00Z', subject: 'About invoice 12' });
      await s.db.query(`UPDATE inbound_messages SET triage_seq = nextval('inbound_messages_triage_seq'), triaged_customer_id = customer_id,
        triaged_received_at = received_at, triaged_revision = revision WHERE id = $1`, [email]);
      await s.db.query('UPDATE inbound_messages SET customer_id = $1, revision = revision + 1 WHERE id = $2', [to, email]);
      await plan();
      const keys = async () => (await readAgenda(s.db, query({ limit: 500 }))).items.map((i) => i.dedupeKey);
      expect(await keys()).toContain(`ml:inbound:c${from}:m${email}`);
      // Triaged again (triage.ts publishes as this does): the task moves to the new customer, off the first.
      await s.db.query(`UPDATE inbound_messages m SET triage_seq = nextval('inbound_messages_triage_seq'), triaged_customer_id = m.customer_id,
        triaged_received_at = m.received_at, triaged_revision = m.revision WHERE m.id = $1`, [email]);
      expect(await keys()).not.toContain(`ml:inbound:c${from}:m${email}`);
      await expectAsLive(collectors, 2);
    });

    it('plans live the customer whose invoice another customer\'s payment paid, when that payment\'s day changes', async () => {
      const { collectors, customers } = await world();
      // A payment plan's instalment paid by another customer (a parent company): its day decides whether it was missed.
      const instalment = await f.invoice(s.db, { customerId: customers[3], dueDate: '2026-09-01', amount: 3000, status: 'payment_plan', statusDate: '2026-09-05', promisedDate: '2026-10-14' });
      const paid = await f.payment(s.db, customers[6], '2026-10-12', [{ invoiceId: instalment, amount: 500 }]);
      await plan();
      expect((await readAgenda(s.db, query({ limit: 500 }))).items.map((i) => i.kind)).not.toContain('payment_plan_missed');
      await s.db.query(`UPDATE payments SET payment_date = '2026-09-01' WHERE id = $1`, [paid]);
      expect((await readAgenda(s.db, query({ limit: 500 }))).items.map((i) => i.kind)).toContain('payment_plan_missed');
      await expectAsLive(collectors, 2);
    });

    it('says the same of a promise on several invoices in every scope: its first invoice by id, whatever order the rows are read in', async () => {
      const { collectors, customers } = await world();
      const [older, newer] = [
        await f.invoice(s.db, { customerId: customers[6], dueDate: '2026-09-01', amount: 700, status: 'promise_to_pay', statusDate: '2026-09-13', promisedDate: '2026-10-12' }),
        await f.invoice(s.db, { customerId: customers[6], dueDate: '2026-09-02', amount: 800, status: 'promise_to_pay', statusDate: '2026-09-17', promisedDate: '2026-10-12' }),
      ];
      // Updated, the first row is stored again after the second: a scan of the table meets it last.
      await s.db.query(`UPDATE invoices SET status_comment = 'called twice' WHERE id = $1`, [older]);
      await plan();
      const promise = (await readAgenda(s.db, query({ limit: 500 }))).items.find((i) => i.dedupeKey === `qual:promise:c${customers[6]}:2026-10-12`);
      expect(promise?.reasons[0].text).toBe('promised to pay by 2026-10-12 (promise recorded 2026-09-13)');
      expect(promise?.reasons.at(-1)?.text).toMatch(/called twice/);
      await s.db.query('UPDATE invoices SET amount = amount WHERE id = $1', [newer]);
      await expectAsLive(collectors, 1);
    });

    it('counts in plan.customersPlannedLive only the touched customers the answer covers', async () => {
      const { collectors, customers } = await world();
      await f.invoice(s.db, { customerId: customers[1], dueDate: '2026-08-01', amount: 5_000 });
      expect((await readAgenda(s.db, query({ collectorId: collectors[1], collector: 'x' }))).plan.customersPlannedLive).toBe(1);
      expect((await readAgenda(s.db, query({ collectorId: collectors[0], collector: 'x' }))).plan.customersPlannedLive).toBe(0);
      expect((await readAgenda(s.db, query({ customerIds: [customers[3]] }))).plan.customersPlannedLive).toBe(0);
    });

    it('plans live, saying why, once a write names no customer, too many customers, or the day is not what the run read', async () => {
      await world();
      const before = await readAgenda(s.db, query({ limit: 50 }));
      expect(before.plan).toMatchObject({ source: 'stored', staleBecause: null });

      // An exchange rate ranks every customer's amounts.
      await f.exchangeRate(s.db, 'EUR', 'USD', '2026-10-19', 1.3);
      const afterRate = await readAgenda(s.db, query({ limit: 50 }));
      expect(afterRate.plan).toMatchObject({ source: 'live', customersPlannedLive: null, staleBecause: expect.stringMatching(/changed/) });
      expect(afterRate.counts).toEqual((await livePlan(query({ limit: 50 }))).counts);

      await plan();
      expect((await readAgenda(s.db, query())).plan.source).toBe('stored');
      await s.db.query(`INSERT INTO agenda_customer_changes (xid, customer_id)
        SELECT pg_current_xact_id()::text::bigint, g FROM generate_series(1, ${MAX_CUSTOMERS_PLANNED_LIVE + 1}) g`);
      expect((await readAgenda(s.db, query())).plan).toMatchObject({
        source: 'live', staleBecause: expect.stringMatching(`more than ${MAX_CUSTOMERS_PLANNED_LIVE} customers`),
      });

      // A statement of more than 50,000 rows (a rescoring) is not told customer by customer.
      await plan();
      await s.db.query(`INSERT INTO computed_fields (entity_type, entity_id, name, value_num, model_version)
        SELECT 'customer', g, 'lateProbability', 0.5, 'test@1' FROM generate_series(1000001, 1050001) g`);
      expect((await readAgenda(s.db, query())).plan).toMatchObject({ source: 'live', staleBecause: expect.stringMatching(/changed at/) });
      // Nor is a field of an entity the planner does not tie to a customer.
      await plan();
      await s.db.query(`INSERT INTO computed_fields (entity_type, entity_id, name, value_num, model_version) VALUES ('payment', 1, 'x', 1, 'test@1')`);
      expect((await readAgenda(s.db, query())).plan.source).toBe('live');

      await plan();
      // A manual action closed changes nothing the planner reads: the store holds, without it.
      const [manual] = (await f.actionsOf(s.db)).filter((a) => a.origin === 'manual' && a.status === 'planned');
      await closeAction(s.db, manual.id, 'done', { policy, today: DAY });
      const afterManual = await readAgenda(s.db, query({ limit: 500 }));
      expect(afterManual.plan).toMatchObject({ source: 'stored', customersPlannedLive: 0 });
      expect(afterManual.items.map((i) => i.kind)).not.toContain('manual');

      const nextDay = await readAgenda(s.db, query({ date: '2026-10-21' }));
      expect(nextDay.plan).toMatchObject({ source: 'live', staleBecause: 'the stored plan is for 2026-10-20' });
      const otherPolicy = await readAgenda(s.db, query({ policy: agendaPolicy({ promiseGraceDays: 9 }) }));
      expect(otherPolicy.plan.source).toBe('live');
    });
  });
}
