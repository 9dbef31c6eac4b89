// The portfolio run plans its customers a chunk at a time: a random portfolio
// planned in chunks of a few customers gives the whole run's actions, stored
// plan (items and order) and result, on PGlite and PostgreSQL.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { agendaPolicy, closeAction, planAndMaterialise, plannedLive, planningDay, readAgenda } from '../../src/agenda/index.js';
import { MISSED_DUE_DATE_REASONS } from './facts-builder.js';
import type { Db } from '../../src/db/sql.js';
import * as f from './factories.js';

const policy = agendaPolicy();
const STEPS: f.Step[] = [
  { dayOffset: -5, channel: 'email', level: 0, template: 'courtesy', automatic: true },
  { dayOffset: 3, channel: 'email', level: 1, template: 'first-reminder', automatic: true },
  { dayOffset: 15, channel: 'call', level: 2, template: 'collector-call', automatic: false },
  { dayOffset: 30, channel: 'letter', level: 3, template: 'formal-notice', automatic: false },
];
const STATUSES = [null, null, null, 'promise_to_pay', 'dispute', 'payment_plan', 'waiting_credit_note', 'litigation', 'paid_not_received'];

/** mulberry32: the same portfolio on every run and backend. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)], chance: (p: number) => next() < p };
}

/** `db`, calling `then` with the rows of each chunk's customers' facts query (CUSTOMERS_SQL) before returning them. */
function onCustomersFacts(db: Db, then: (rows: unknown[]) => Promise<void>): Db {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'query') {
        return async (text: string, params?: unknown[]) => {
          const rows = await target.query(text, params);
          if (text.includes('AS "lastIncentiveOn"')) await then(rows);
          return rows;
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const day = (d: number) => new Date(Date.UTC(2026, 7, 1) + d * 86_400_000).toISOString().slice(0, 10);

for (const backend of await backends()) {
  describe(`a portfolio run in chunks of customers on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => { s = await openTestStorage(backend); });
    afterAll(async () => s.close());
    beforeEach(async () => f.wipe(s.db));

    /** Customers of three collectors (and none) with every origin's facts, drawn at random. */
    async function portfolio(seed: number): Promise<number[]> {
      const r = random(seed);
      const scenarios = [await f.scenario(s.db, STEPS), await f.scenario(s.db, STEPS.slice(1), 'Short'), null];
      const collectors = [await f.collector(s.db), await f.collector(s.db), await f.collector(s.db), null];
      await f.exchangeRate(s.db, 'EUR', 'USD', '2026-09-01', 1.1);
      const customers: number[] = [];
      for (let k = 0; k < 30; k++) {
        const currency = r.pick(['USD', 'USD', 'EUR']);
        const customerId = await f.customer(s.db, { collectorId: r.pick(collectors), scenarioId: r.pick(scenarios), riskScore: r.chance(0.7) ? r.int(100) : null, currency });
        customers.push(customerId);
        await s.db.query('UPDATE customers SET credit_limit = $2, insurer_cover = $3 WHERE id = $1',
          [customerId, r.pick([null, null, 0, 1000, 8000]), r.pick([null, null, 0, 2000])]);
        for (let n = r.int(5); n > 0; n--) {
          const status = r.pick(STATUSES);
          const due = r.int(110);
          const amount = 100 + r.int(5000);
          const invoiceId = await f.invoice(s.db, {
            customerId, dueDate: day(due), issueDate: day(due - 30), amount, openAmount: r.chance(0.15) ? 0 : amount, currency,
            status, statusDate: status ? day(due + r.int(20)) : null, promisedDate: status ? day(due + r.int(40)) : null,
            disputed: status === null && r.chance(0.1), kind: r.chance(0.08) ? 'credit_note' : 'invoice',
          });
          if (r.chance(0.4)) await f.communication(s.db, { customerId, invoiceIds: [invoiceId], level: 1, channel: 'email', template: 'first-reminder', sentAt: `${day(due + 3)}T08:00:00Z` });
          if (r.chance(0.3)) {
            await f.computedField(s.db, { entityType: 'invoice', entityId: invoiceId, name: 'lateProbability', value: r.int(100) / 100, reasons: r.chance(0.5) ? MISSED_DUE_DATE_REASONS : [] });
          }
        }
        // Due about the planning day: the scenario's automatic courtesy email and first reminder.
        if (r.chance(0.4)) await f.invoice(s.db, { customerId, dueDate: day(73 + r.int(12)), amount: 100 + r.int(900), currency });
        if (r.chance(0.6)) await f.computedField(s.db, { entityType: 'customer', entityId: customerId, name: 'lateProbability', value: r.int(100) / 100 });
        if (r.chance(0.2)) await f.computedField(s.db, { entityType: 'customer', entityId: customerId, name: 'driftAlert', value: true, reasons: [{ factor: 'delayTrend', text: 'pays later' }] });
        if (r.chance(0.2)) await f.computedField(s.db, { entityType: 'customer', entityId: customerId, name: 'recommendedLever', value: 'card_payment', confidence: 0.8 });
        for (const kind of ['insolvency', 'risk_score_change', 'director_change', 'credit_limit_decision']) {
          if (!r.chance(0.12)) continue;
          await s.db.query(`INSERT INTO external_events (external_id, customer_id, kind, occurred_at, source, value, payload)
            VALUES ($1, $2, $3, $4, 'bureau', $5, $6::jsonb)`,
          [`EV-${customerId}-${kind}`, customerId, kind, `${day(40 + r.int(70))}T09:00:00Z`, r.int(100), JSON.stringify({ previous: r.int(40), role: 'CFO' })]);
        }
        if (r.chance(0.3)) {
          const email = await f.inbound(s.db, { customerId, receivedAt: `${day(75 + r.int(5))}T10:00:00Z`, subject: 'About our invoices' });
          await f.computedField(s.db, { entityType: 'inbound', entityId: email, name: 'inboundType', value: r.pick(['promise_to_pay', 'dispute', 'question']),
            reasons: [{ factor: 'promisedDate', value: day(60 + r.int(20)) }] });
        }
      }
      return customers;
    }

    /** The actions (ids aside) and the stored plan's rows, in the planner's order. */
    const state = async () => ({
      actions: await s.db.query(`SELECT dedupe_key, customer_id, invoice_id, collector_id, type, status, due_date, origin, reason, reasons, done_at
        FROM actions ORDER BY dedupe_key COLLATE "C", id`),
      plan: await s.db.query(`SELECT score, due_date, dedupe_key, customer_id, collector_id, task, origin, item
        FROM agenda_plan_items ORDER BY score DESC, due_date, dedupe_key COLLATE "C"`),
    });

    it('plans, materialises and stores what the whole run does, item for item and in the same order', async () => {
      const customers = await portfolio(20261217);
      // A run some weeks before, with some of its actions closed by a person, then the portfolio moves on:
      // a customer paid everything, another is deleted. The planned actions no longer suggested are cancelled.
      await planAndMaterialise(s.db, { date: '2026-10-01', scope: { kind: 'portfolio' }, policy });
      const planned = await s.db.query<{ id: number }>(`SELECT id FROM actions WHERE status = 'planned' ORDER BY id`);
      for (const { id } of planned.filter((_, k) => k % 3 === 0)) await closeAction(s.db, id, 'done', { policy, today: '2026-10-05' });
      await s.db.query(`UPDATE invoices SET open_amount = 0 WHERE customer_id IN (SELECT customer_id FROM actions WHERE status = 'planned' ORDER BY id LIMIT 2)`);
      // And planned actions no run suggests any more, across the chunks.
      await s.db.query(`INSERT INTO actions (customer_id, type, due_date, origin, reason, dedupe_key)
        SELECT id, 'call', '2026-09-01', 'qualification', 'An old promise', 'qual:promise:c' || id || ':2026-08-01' FROM customers WHERE id % 5 = 0`);
      await s.db.query('DELETE FROM customers WHERE id = $1', [customers[9]]);
      await s.db.exec('DROP TABLE IF EXISTS actions_before; CREATE TABLE actions_before AS SELECT * FROM actions');
      try {
        const run = (chunkCustomers: number) => planAndMaterialise(s.db, { date: '2026-10-20', scope: { kind: 'portfolio' }, policy, chunkCustomers });
        const whole = await run(1000);
        const wholeState = await state();
        await s.db.exec('DELETE FROM actions; INSERT INTO actions SELECT * FROM actions_before');
        const chunked = await run(4);
        expect(chunked).toEqual(whole);
        expect(await state()).toEqual(wholeState);
        // The portfolio has what the comparison is about.
        expect(whole.cancelled).toBeGreaterThan(0);
        expect(whole.automatic).toBeGreaterThan(0);
        expect(Object.keys(whole.byKind).length).toBeGreaterThanOrEqual(6);
        expect(new Set(wholeState.plan.map((p) => p.customer_id)).size).toBeGreaterThan(12);
      } finally {
        await s.db.exec('DROP TABLE IF EXISTS actions_before');
      }
    });

    it('holds one chunk of customers at a time, and the stored plan stays the last run\'s until the run ends', async () => {
      await portfolio(7);
      await planAndMaterialise(s.db, { date: '2026-10-19', scope: { kind: 'portfolio' }, policy });
      const before = (await state()).plan;
      expect(before.length).toBeGreaterThan(10);
      const loaded: number[] = [];
      const seenMidRun: unknown[][] = [];
      // The customers' facts query of each chunk: how many it loads, and the stored plan a reader sees meanwhile.
      const watched = onCustomersFacts(s.db, async (rows) => {
        loaded.push(rows.length);
        seenMidRun.push((await state()).plan);
      });
      await planAndMaterialise(watched, { date: '2026-10-20', scope: { kind: 'portfolio' }, policy, chunkCustomers: 4 });
      expect(loaded.reduce((a, b) => a + b, 0)).toBe(30);
      expect(Math.max(...loaded)).toBe(4);
      for (const plan of seenMidRun) expect(plan).toEqual(before);
      expect((await state()).plan).not.toEqual(before);
      expect(await s.db.query('SELECT 1 FROM agenda_plan_staging')).toEqual([]);
    });

    it('plans on when a customer, an invoice or a collector is deleted between a chunk\'s facts and its writing', async () => {
      const collectors = [await f.collector(s.db), await f.collector(s.db)];
      const scenarioId = await f.scenario(s.db, STEPS);
      const customers: number[] = [];
      for (let k = 0; k < 8; k++) {
        const customerId = await f.customer(s.db, { collectorId: collectors[k % 2], scenarioId, riskScore: 10 * k });
        customers.push(customerId);
        await f.invoice(s.db, { customerId, dueDate: day(40 + k), amount: 1000 + 100 * k });
      }
      // An import deleting while the run plans: each chunk's tasks name what its facts read a moment before.
      const deletions = [
        () => s.db.query('DELETE FROM customers WHERE id = $1', [customers[2]]),
        () => s.db.query('DELETE FROM invoices WHERE customer_id = $1', [customers[4]]),
        () => s.db.query('DELETE FROM collectors WHERE id = $1', [collectors[0]]),
      ];
      let chunks = 0;
      const deleting = onCustomersFacts(s.db, async () => {
        await deletions[chunks++ - 1]?.();
      });
      const result = await planAndMaterialise(deleting, { date: '2026-10-20', scope: { kind: 'portfolio' }, policy, chunkCustomers: 2 });
      expect(chunks).toBeGreaterThan(deletions.length);
      // One task a customer; those of the deleted customer and invoice are not written, nor counted as unchanged.
      expect(result).toMatchObject({ tasks: 8, inserted: 6, unchanged: 0 });
      const actions = await s.db.query<{ customer_id: number; collector_id: number | null }>('SELECT customer_id, collector_id FROM actions ORDER BY customer_id');
      expect(actions.map((a) => a.customer_id)).toEqual([customers[0], customers[1], customers[3], customers[5], customers[6], customers[7]]);
      expect(actions.filter((a) => a.collector_id === collectors[0])).toEqual([]);
      // A collector deleted names no customer: the agenda is planned live (the stored read after such writes: stored-plan.test.ts).
      const q = { collectorId: null, collector: null, date: '2026-10-20', limit: 50, policy, agenda: 'all' as const };
      expect((await readAgenda(s.db, q)).items).toEqual((await plannedLive(s.db, q)).tasks);
    });

    it('leaves the stored plan as it was when a run fails part way, and keeps none of its items', async () => {
      await portfolio(11);
      await planAndMaterialise(s.db, { date: '2026-10-19', scope: { kind: 'portfolio' }, policy });
      const before = (await state()).plan;
      let chunks = 0;
      const failing = onCustomersFacts(s.db, async () => {
        if (++chunks === 3) throw new Error('connection lost');
      });
      await expect(planAndMaterialise(failing, { date: '2026-10-20', scope: { kind: 'portfolio' }, policy, chunkCustomers: 4 })).rejects.toThrow('connection lost');
      expect((await state()).plan).toEqual(before);
      expect(await s.db.query('SELECT 1 FROM agenda_plan_staging')).toEqual([]);
    });

    it('counts a day planned from its first chunk written: after a run that failed part way, an earlier day would cancel what it wrote', async () => {
      await portfolio(11);
      await planAndMaterialise(s.db, { date: '2026-10-19', scope: { kind: 'portfolio' }, policy });
      const actions = () => s.db.query('SELECT dedupe_key, status, due_date, reason FROM actions ORDER BY dedupe_key COLLATE "C"');
      const before = await actions();
      let chunks = 0;
      const failing = onCustomersFacts(s.db, async () => {
        if (++chunks === 3) throw new Error('connection lost');
      });
      await expect(planAndMaterialise(failing, { date: '2026-10-25', scope: { kind: 'portfolio' }, policy, chunkCustomers: 4 })).rejects.toThrow('connection lost');
      // The first two chunks' actions are planned for the 25th.
      expect(await actions()).not.toEqual(before);
      expect(await planningDay(s.db, undefined, '2026-10-20')).toBe('2026-10-25');
      await expect(planningDay(s.db, '2026-10-20')).rejects.toMatchObject({ statusCode: 409 });
    });
  });
}
