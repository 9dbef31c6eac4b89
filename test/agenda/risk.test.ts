// The risk agenda over HTTP, from the tables: credit limits, insurer cover,
// provider events (insolvency, risk scores), and GET /v1/agenda?agenda=risk.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { auth, type TestApp } from '../helpers/app.js';
import { buildAgendaTestApp, whenCalm } from './app.js';
import * as f from './factories.js';

const DATE = '2026-10-20';

const event = (db: TestApp['storage']['db'], customerId: number, kind: string, occurredAt: string, value: number | null, payload: object = {}) =>
  db.query(`INSERT INTO external_events (external_id, customer_id, kind, occurred_at, source, value, payload)
    VALUES ($1, $2, $3, $4, 'provider', $5, $6::jsonb)`, [`EV-${customerId}-${kind}-${occurredAt}`, customerId, kind, occurredAt, value, JSON.stringify(payload)]);

for (const backend of await backends()) {
  describe(`the risk agenda on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildAgendaTestApp(backend);
      const db = t.storage.db;
      const col = await f.collector(db, 'risk-desk');
      await f.collector(db, 'other-desk');
      const scenario = await f.scenario(db, [{ dayOffset: 10, channel: 'call', level: 2, automatic: false }]);
      const over = await f.customer(db, { externalId: 'C-OVER', collectorId: col, scenarioId: scenario, currency: 'EUR' });
      await db.query("UPDATE customers SET credit_limit = 10000, insurer_cover = 11000, nd_cover = true WHERE id = $1", [over]);
      await f.invoice(db, { customerId: over, number: 'O-1', issueDate: '2026-08-01', dueDate: '2026-11-30', amount: 9000, currency: 'EUR' });
      await f.invoice(db, { customerId: over, number: 'O-2', issueDate: '2026-08-01', dueDate: '2026-11-30', amount: 3000, currency: 'USD' });
      await f.exchangeRate(db, 'EUR', 'USD', '2026-01-01', 1.5);
      const failing = await f.customer(db, { externalId: 'C-FAILING', collectorId: col, scenarioId: scenario });
      await f.invoice(db, { customerId: failing, number: 'F-1', dueDate: '2026-09-01', amount: 4000 });
      await event(db, failing, 'insolvency', '2026-10-02T09:00:00Z', null, { procedure: 'redressement' });
      const worse = await f.customer(db, { externalId: 'C-WORSE', collectorId: col, scenarioId: scenario });
      await f.invoice(db, { customerId: worse, number: 'W-1', dueDate: '2026-09-01', amount: 700 });
      await event(db, worse, 'risk_score_change', '2026-05-01T00:00:00Z', 40);
      await event(db, worse, 'risk_score_change', '2026-10-15T00:00:00Z', 72);
      const [group] = await db.query<{ id: number }>("INSERT INTO customer_groups (external_id, name) VALUES ('GRP-RISKY', 'Risky customers') RETURNING id");
      await db.query('INSERT INTO group_members (group_id, customer_id) VALUES ($1, $2), ($1, $3)', [group.id, failing, worse]);
    });
    afterAll(async () => t.close());

    const agenda = async (query: string, date = DATE) => {
      await whenCalm(t.app);
      const res = await t.app.inject({ url: `/v1/agenda?date=${date}&${query}`, headers: auth('admin') });
      expect(res.statusCode).toBe(200);
      return res.json() as { items: { kind: string; origin: string; reason: string; dueDate: string; dedupeKey: string | null; customer: { externalId: string } }[] };
    };
    const idOf = async (externalId: string) =>
      (await t.storage.db.query<{ id: number }>('SELECT id FROM customers WHERE external_id = $1', [externalId]))[0].id;
    const kindsOf = (body: Awaited<ReturnType<typeof agenda>>) => body.items.map((i) => [i.customer.externalId, i.kind]).sort();

    it('lists the risk actions the tables call for, and only those', async () => {
      expect(kindsOf(await agenda('agenda=risk'))).toEqual([
        ['C-FAILING', 'insolvency'],
        // 9,000 EUR + 3,000 USD (2,000 EUR at 1.5) = 11,000 EUR: over the 10,000 limit, at the 11,000 cover.
        ['C-OVER', 'credit_limit_exceeded'],
        // 40 → 72: crossed into high risk.
        ['C-WORSE', 'risk_downgrade'],
      ]);
      const { items } = await agenda('agenda=risk');
      expect(items.every((i) => i.origin === 'risk')).toBe(true);
      expect(items.find((i) => i.kind === 'risk_downgrade')!.reason).toMatch(/^Risk score up from 40 to 72 on 2026-10-15/);
    });

    it('keeps the collection agenda free of them, and stops reminding an insolvent customer', async () => {
      // C-FAILING's invoice is as overdue as C-WORSE's, under the same scenario.
      expect(kindsOf(await agenda('agenda=collection'))).toEqual([['C-WORSE', 'scenario_step']]);
    });

    it('shows both by default', async () => {
      expect(kindsOf(await agenda('')).map(([, kind]) => kind)).toEqual(expect.arrayContaining(['insolvency', 'credit_limit_exceeded']));
    });

    it("narrows to a customer group's members, as the brief's start-up strategy selects the risky customers", async () => {
      expect(kindsOf(await agenda('agenda=risk&group=GRP-RISKY'))).toEqual([['C-FAILING', 'insolvency'], ['C-WORSE', 'risk_downgrade']]);
      // Members of the group, of another collector's: none.
      expect(kindsOf(await agenda('group=GRP-RISKY&collector=other-desk'))).toEqual([]);
      const unknown = await t.app.inject({ url: `/v1/agenda?date=${DATE}&group=GRP-NOPE`, headers: auth('admin') });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('AR_ERR_NOT_FOUND');
    });

    it('dates a limit overrun from the ledger: due since the balance last went over, and so late', async () => {
      const { items } = await agenda('agenda=risk');
      // Both invoices issued on 2026-08-01: over since then.
      const over = items.find((i) => i.customer.externalId === 'C-OVER')!;
      expect(over).toMatchObject({ dueDate: '2026-08-01', dedupeKey: `risk:limit:c${await idOf('C-OVER')}:2026-08-01#0` });
      expect(over.reason).toMatch(/^Over the credit limit since 2026-08-01:/);
    });

    it('dates a new overrun from the day it began, after a payment took the balance back under the limit', async () => {
      const db = t.storage.db;
      const swing = await f.customer(db, { externalId: 'C-SWING', currency: 'EUR' });
      await db.query('UPDATE customers SET credit_limit = 10000 WHERE id = $1', [swing]);
      const a = await f.invoice(db, { customerId: swing, issueDate: '2026-08-01', dueDate: '2026-12-01', amount: 6000, openAmount: 3000, currency: 'EUR' });
      // 12,000 EUR from 2026-09-01, 9,000 after 3,000 paid on 2026-09-10, 11,000 from 2026-10-02.
      await f.invoice(db, { customerId: swing, issueDate: '2026-09-01', dueDate: '2026-12-01', amount: 6000, currency: 'EUR' });
      await f.payment(db, swing, '2026-09-10', [{ invoiceId: a, amount: 3000 }]);
      await f.invoice(db, { customerId: swing, issueDate: '2026-10-02', dueDate: '2026-12-01', amount: 2000, currency: 'EUR' });
      const long = await f.customer(db, { externalId: 'C-LONG', currency: 'EUR' });
      await db.query('UPDATE customers SET credit_limit = 1000 WHERE id = $1', [long]);
      await f.invoice(db, { customerId: long, issueDate: '2025-03-01', dueDate: '2025-04-01', amount: 5000, currency: 'EUR' });
      try {
        const { items } = await agenda('agenda=risk');
        const item = (c: string) => items.find((i) => i.customer.externalId === c)!;
        expect(item('C-SWING')).toMatchObject({ kind: 'credit_limit_exceeded', dueDate: '2026-10-02', dedupeKey: `risk:limit:c${swing}:2026-10-02#0` });
        expect(item('C-SWING').reason).toMatch(/^Over the credit limit since 2026-10-02: 11,000.00 EUR open/);
        // Over for longer than the 365 days read back.
        expect(item('C-LONG')).toMatchObject({ dueDate: '2025-10-20', dedupeKey: `risk:limit:c${long}:long#0` });
        expect(item('C-LONG').reason).toMatch(/^Over the credit limit since 2025-10-20 at least:/);
      } finally {
        await db.query('DELETE FROM customers WHERE id = ANY($1::int[])', [[swing, long]]);
      }
    });

    it('keeps the dated key of an overrun grown older than the look-back, the latest dated at or before it', async () => {
      const db = t.storage.db;
      const aged = await f.customer(db, { externalId: 'C-AGED', currency: 'EUR' });
      await db.query('UPDATE customers SET credit_limit = 1000 WHERE id = $1', [aged]);
      // Over since 2025-09-01: on 2026-10-20 the 365 days read back start at 2025-10-20.
      await f.invoice(db, { customerId: aged, issueDate: '2025-09-01', dueDate: '2025-10-01', amount: 5000, currency: 'EUR' });
      const action = (key: string, status: string, doneAt: string | null) => db.query(
        `INSERT INTO actions (dedupe_key, customer_id, type, due_date, origin, reason, status, done_at)
         VALUES ($1, $2, 'review', '2025-09-01', 'risk', 'Over the credit limit', $3, $4)`, [key, aged, status, doneAt]);
      // Its review, closed by a person; an earlier overrun's; one dated within the look-back, which cannot be this one.
      await action(`risk:limit:c${aged}:2025-09-01#0`, 'done', '2026-10-05T10:00:00Z');
      await action(`risk:limit:c${aged}:2024-03-01#0`, 'done', '2024-03-10T10:00:00Z');
      await action(`risk:limit:c${aged}:2026-01-15#0`, 'cancelled', null);
      try {
        expect((await agenda('agenda=risk')).items.filter((i) => i.customer.externalId === 'C-AGED')).toEqual([]);
        const [again] = (await agenda('agenda=risk', '2026-11-04')).items.filter((i) => i.customer.externalId === 'C-AGED');
        expect(again).toMatchObject({ kind: 'credit_limit_exceeded', dueDate: '2026-11-04', dedupeKey: `risk:limit:c${aged}:2025-09-01#1` });
        expect(again.reason).toMatch(/^Over the credit limit since 2025-09-01: 5,000.00 EUR open/);
      } finally {
        await db.query('DELETE FROM actions WHERE customer_id = $1', [aged]);
        await db.query('DELETE FROM customers WHERE id = $1', [aged]);
      }
    });

    it('counts a review closed under the key before dated keys while the overrun lasted', async () => {
      const db = t.storage.db;
      const reviewed = await f.customer(db, { externalId: 'C-REVIEWED', currency: 'EUR' });
      await db.query('UPDATE customers SET credit_limit = 1000 WHERE id = $1', [reviewed]);
      await f.invoice(db, { customerId: reviewed, issueDate: '2026-08-01', dueDate: '2026-09-01', amount: 5000, currency: 'EUR' });
      await db.query(`INSERT INTO actions (dedupe_key, customer_id, type, due_date, origin, reason, status, done_at)
        VALUES ($1, $2, 'review', '2026-10-05', 'risk', 'Over the credit limit', 'done', '2026-10-05T10:00:00Z')`, [`risk:limit:c${reviewed}#0`, reviewed]);
      try {
        expect((await agenda('agenda=risk')).items.filter((i) => i.customer.externalId === 'C-REVIEWED')).toEqual([]);
        const [again] = (await agenda('agenda=risk', '2026-11-04')).items.filter((i) => i.customer.externalId === 'C-REVIEWED');
        expect(again).toMatchObject({ kind: 'credit_limit_exceeded', dueDate: '2026-11-04', dedupeKey: `risk:limit:c${reviewed}:2026-08-01#0` });
      } finally {
        await db.query('DELETE FROM actions WHERE customer_id = $1', [reviewed]);
        await db.query('DELETE FROM customers WHERE id = $1', [reviewed]);
      }
    });

    it('reviews any open balance of a customer granted no credit (limit 0), but none of one with no limit', async () => {
      const db = t.storage.db;
      const none = await f.customer(db, { externalId: 'C-NO-CREDIT', currency: 'EUR' });
      await db.query('UPDATE customers SET credit_limit = 0 WHERE id = $1', [none]);
      await f.invoice(db, { customerId: none, issueDate: '2026-10-05', dueDate: '2026-11-05', amount: 800, currency: 'EUR' });
      const unlimited = await f.customer(db, { externalId: 'C-NO-LIMIT', currency: 'EUR' });
      await f.invoice(db, { customerId: unlimited, issueDate: '2026-10-05', dueDate: '2026-11-05', amount: 800, currency: 'EUR' });
      try {
        const { items } = await agenda('agenda=risk');
        expect(items.filter((i) => ['C-NO-CREDIT', 'C-NO-LIMIT'].includes(i.customer.externalId)).map((i) => [i.customer.externalId, i.kind, i.dueDate]))
          .toEqual([['C-NO-CREDIT', 'credit_limit_exceeded', '2026-10-05']]);
        expect(items.find((i) => i.customer.externalId === 'C-NO-CREDIT')!.reason)
          .toMatch(/^Open balance with no credit granted \(credit limit 0\) since 2026-10-05: 800.00 EUR open/);
      } finally {
        await db.query('DELETE FROM customers WHERE id = ANY($1::int[])', [[none, unlimited]]);
      }
    });

    it("reviews any open balance of a customer the insurer refused to cover (cover 0), but none of one with no cover recorded", async () => {
      const db = t.storage.db;
      const refused = await f.customer(db, { externalId: 'C-REFUSED', currency: 'EUR' });
      await db.query('UPDATE customers SET insurer_cover = 0 WHERE id = $1', [refused]);
      await f.invoice(db, { customerId: refused, issueDate: '2026-10-05', dueDate: '2026-11-05', amount: 800, currency: 'EUR' });
      const unknown = await f.customer(db, { externalId: 'C-NO-COVER', currency: 'EUR' });
      await f.invoice(db, { customerId: unknown, issueDate: '2026-10-05', dueDate: '2026-11-05', amount: 800, currency: 'EUR' });
      try {
        const { items } = await agenda('agenda=risk');
        expect(items.filter((i) => ['C-REFUSED', 'C-NO-COVER'].includes(i.customer.externalId)).map((i) => [i.customer.externalId, i.kind, i.dueDate]))
          .toEqual([['C-REFUSED', 'cover_exceeded', '2026-10-05']]);
        expect(items.find((i) => i.customer.externalId === 'C-REFUSED')!.reason)
          .toMatch(/^Exposure the credit insurer refused to cover since 2026-10-05: none of the 800.00 EUR open is covered/);
      } finally {
        await db.query('DELETE FROM actions WHERE customer_id = ANY($1::int[])', [[refused, unknown]]);
        await db.query('DELETE FROM customers WHERE id = ANY($1::int[])', [[refused, unknown]]);
      }
    });

    it('asks for the claim in a later proceeding, and keeps the reminders stopped from the first', async () => {
      const db = t.storage.db;
      const scenario = await f.scenario(db, [{ dayOffset: 10, channel: 'call', level: 2, automatic: false }]);
      const twice = await f.customer(db, { externalId: 'C-TWICE', scenarioId: scenario });
      await f.invoice(db, { customerId: twice, number: 'T-1', dueDate: '2026-09-01', amount: 2500 });
      await event(db, twice, 'insolvency', '2025-06-10T09:00:00Z', null, { procedure: 'sauvegarde' });
      await event(db, twice, 'insolvency', '2026-10-12T09:00:00Z', null, { procedure: 'liquidation judiciaire' });
      const [{ id: latest }] = await db.query<{ id: number }>(
        "SELECT id FROM external_events WHERE customer_id = $1 AND occurred_at = '2026-10-12T09:00:00Z'", [twice]);
      try {
        const mine = (body: Awaited<ReturnType<typeof agenda>>) => body.items.filter((i) => i.customer.externalId === 'C-TWICE');
        const [claim, ...rest] = mine(await agenda('agenda=risk'));
        expect(rest).toEqual([]);
        expect(claim).toMatchObject({ kind: 'insolvency', dueDate: '2026-10-12', dedupeKey: `risk:insolvency:c${twice}:e${latest}` });
        expect(claim.reason).toMatch(/^Insolvency proceedings reported on 2026-10-12 \(provider: liquidation judiciaire\), after proceedings first reported on 2025-06-10/);
        expect(mine(await agenda('agenda=collection'))).toEqual([]);
      } finally {
        await db.query('DELETE FROM customers WHERE id = $1', [twice]);
      }
    });

    it('asks to review a change of management or address the registry reported, the latest of each, within the look-back', async () => {
      const db = t.storage.db;
      const moved = await f.customer(db, { externalId: 'C-MOVED' });
      await f.invoice(db, { customerId: moved, number: 'M-1', dueDate: '2026-11-30', amount: 800 });
      await event(db, moved, 'director_change', '2026-03-01T09:00:00Z', null, { role: 'CEO', new: 'Old News' });
      await event(db, moved, 'director_change', '2026-10-05T09:00:00Z', null, { role: 'CFO', new: 'Jane Doe' });
      await event(db, moved, 'address_change', '2026-10-18T09:00:00Z', null, { field: 'billingAddress', new: { street: 'not text' } });
      // Out of the look-back (60 days): no review.
      const old = await f.customer(db, { externalId: 'C-OLD-MOVE' });
      await event(db, old, 'address_change', '2026-07-01T09:00:00Z', null, { new: '1 Far Away' });
      try {
        const mine = (await agenda('agenda=risk')).items.filter((i) => ['C-MOVED', 'C-OLD-MOVE'].includes(i.customer.externalId));
        expect(mine.map((i) => [i.customer.externalId, i.kind, i.dueDate]).sort()).toEqual([
          ['C-MOVED', 'company_change', '2026-10-05'], ['C-MOVED', 'company_change', '2026-10-18'],
        ]);
        const director = mine.find((i) => i.dueDate === '2026-10-05')!;
        expect(director.reason).toMatch(/^Change of management \(CFO: Jane Doe\) reported on 2026-10-05 \(provider\): confirm who now approves payments/);
        expect(mine.find((i) => i.dueDate === '2026-10-18')!.reason).toMatch(/^Change of address reported on 2026-10-18 \(provider\): update the billing address/);
        expect((await agenda('agenda=collection')).items.filter((i) => i.customer.externalId === 'C-MOVED')).toEqual([]);
      } finally {
        await db.query('DELETE FROM customers WHERE id IN ($1, $2)', [moved, old]);
      }
    });

    it("asks for a credit limit's yearly review from the committee's last decision", async () => {
      const db = t.storage.db;
      const reviewed = await f.customer(db, { externalId: 'C-REVIEW' });
      await db.query('UPDATE customers SET credit_limit = 50000 WHERE id = $1', [reviewed]);
      await f.invoice(db, { customerId: reviewed, number: 'R-1', dueDate: '2026-11-30', amount: 1000 });
      await event(db, reviewed, 'credit_limit_decision', '2024-09-01T09:00:00Z', 40000, { reason: 'first order' });
      await event(db, reviewed, 'credit_limit_decision', '2025-09-15T09:00:00Z', 50000, { previous: 40000, reason: 'annual review' });
      try {
        const [review, ...rest] = (await agenda('agenda=risk')).items.filter((i) => i.customer.externalId === 'C-REVIEW');
        expect(rest).toEqual([]);
        expect(review).toMatchObject({ kind: 'limit_review', dueDate: '2026-09-15' });
        expect(review.reason).toMatch(/^Credit limit due for its review: credit limit 50,000.00 USD decided on 2025-09-15 \(provider: annual review\)/);
      } finally {
        await db.query('DELETE FROM customers WHERE id = $1', [reviewed]);
      }
    });

    it('takes a second report of the same proceeding, from another provider, for the one already reported', async () => {
      const db = t.storage.db;
      const twice = await f.customer(db, { externalId: 'C-REPORTED-TWICE' });
      await f.invoice(db, { customerId: twice, number: 'RT-1', dueDate: '2026-09-01', amount: 3000 });
      await event(db, twice, 'insolvency', '2026-10-01T09:00:00Z', null, { procedure: 'Chapter 11' });
      await db.query(`INSERT INTO external_events (external_id, customer_id, kind, occurred_at, source, payload)
        VALUES ('EV-BUREAU', $1, 'insolvency', '2026-10-06T09:00:00Z', 'credit-bureau', '{"procedure": "chapter 11"}'), ('EV-BUREAU-2', $1, 'insolvency', '2026-10-08T09:00:00Z', 'other', '{}')`, [twice]);
      const [{ id: first }] = await db.query<{ id: number }>("SELECT id FROM external_events WHERE customer_id = $1 AND source = 'provider'", [twice]);
      try {
        const mine = (await agenda('agenda=risk')).items.filter((i) => i.customer.externalId === 'C-REPORTED-TWICE');
        expect(mine.map((i) => [i.kind, i.dueDate, i.dedupeKey])).toEqual([['insolvency', '2026-10-01', `risk:insolvency:c${twice}:e${first}`]]);
      } finally {
        await db.query('DELETE FROM customers WHERE id = $1', [twice]);
      }
    });

    it('reads a previous score past what a float holds (1e400: none, 1e-400: 0) instead of failing every agenda', async () => {
      const db = t.storage.db;
      const odd = await f.customer(db, { externalId: 'C-ODD' });
      await event(db, odd, 'risk_score_change', '2026-10-16T00:00:00Z', 75);
      await db.query(`UPDATE external_events SET payload = '{"previous": 1e400}'::jsonb WHERE customer_id = $1`, [odd]);
      const huge = await agenda('agenda=risk');
      expect(huge.items.find((i) => i.customer.externalId === 'C-ODD')!.reason).toMatch(/^Risk score up to 75 on 2026-10-16/);
      await db.query(`UPDATE external_events SET payload = '{"previous": 1e-400}'::jsonb WHERE customer_id = $1`, [odd]);
      // A previous score of (nearly) 0: the rise to 75 crosses into high risk from below.
      expect((await agenda('agenda=risk')).items.find((i) => i.customer.externalId === 'C-ODD')!.reason).toMatch(/^Risk score up from 0 to 75/);
      await db.query('DELETE FROM customers WHERE id = $1', [odd]);
    });

    it('leaves out a risk score that is not finite, instead of failing every agenda', async () => {
      const db = t.storage.db;
      const odd = await f.customer(db, { externalId: 'C-INFINITE' });
      await event(db, odd, 'risk_score_change', '2026-10-01T00:00:00Z', 40);
      await event(db, odd, 'risk_score_change', '2026-10-16T00:00:00Z', 0);
      await db.query("UPDATE external_events SET value = 'Infinity' WHERE customer_id = $1 AND value = 0", [odd]);
      expect((await agenda('agenda=risk')).items.map((i) => i.customer.externalId)).not.toContain('C-INFINITE');
      await db.query('DELETE FROM customers WHERE id = $1', [odd]);
    });

    it('answers 400 for an agenda that does not exist', async () => {
      const res = await t.app.inject({ url: `/v1/agenda?agenda=legal`, headers: auth('admin') });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('AR_ERR_VALIDATION');
    });
  });
}
