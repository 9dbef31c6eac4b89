// GET /v1/agenda, closing actions and the planning job over HTTP.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { auth, type TestApp } from '../helpers/app.js';
import { buildAgendaTestApp, BOUND_COLLECTOR, whenCalm } from './app.js';
import * as f from './factories.js';
import { addDays, todayIso } from '../../src/agenda/dates.js';
import { REFRESH_JOB } from '../../src/pipeline/refresh.js';

const DATE = '2026-10-20';

for (const backend of await backends()) {
  describe(`the agenda API on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildAgendaTestApp(backend);
      const db = t.storage.db;
      const alice = await f.collector(db, BOUND_COLLECTOR);
      const bob = await f.collector(db, 'bob');
      const mine = await f.customer(db, { externalId: 'C-ALICE', collectorId: alice });
      const theirs = await f.customer(db, { externalId: 'C-BOB', collectorId: bob });
      // Broken promises for both (promised 10-10, broken from 10-13), the larger one for Bob.
      await f.invoice(db, { customerId: mine, number: 'A-1', dueDate: '2026-09-30', amount: 1000, status: 'promise_to_pay', promisedDate: '2026-10-10' });
      await f.invoice(db, { customerId: theirs, number: 'B-1', dueDate: '2026-09-30', amount: 9000, status: 'promise_to_pay', promisedDate: '2026-10-10' });
    });
    afterAll(async () => t.close());

    const get = async (url: string, role: 'collector' | 'admin' | 'platform' = 'collector') => {
      await whenCalm(t.app);
      return t.app.inject({ url, headers: auth(role) });
    };
    const post = async (url: string, role: 'collector' | 'admin' | 'platform', payload?: object) => {
      await whenCalm(t.app);
      return t.app.inject({ method: 'POST', url, headers: auth(role), ...(payload ? { payload } : {}) });
    };

    describe('when a collector key reads the agenda', () => {
      it('sees only the actions of their own customers, with reasons and amounts', async () => {
        const res = await get(`/v1/agenda?date=${DATE}`);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.collector).toBe(BOUND_COLLECTOR);
        expect(body.items.map((i: { customer: { externalId: string } }) => i.customer.externalId)).toEqual(['C-ALICE']);
        expect(body.items[0]).toMatchObject({ kind: 'promise_broken', type: 'call', amounts: { atStake: 1000, currency: 'USD' } });
        expect(body.items[0].reason).toContain('2026-10-10');
      });

      it("is refused another collector's agenda", async () => {
        const res = await get(`/v1/agenda?date=${DATE}&collector=bob`);
        expect(res.statusCode).toBe(403);
        expect(res.json()).toMatchObject({ code: 'AR_ERR_FORBIDDEN' });
      });
    });

    describe('when an admin reads the agenda', () => {
      it('sees the whole portfolio, highest priority first, or one collector when asked', async () => {
        const all = (await get(`/v1/agenda?date=${DATE}`, 'admin')).json();
        expect(all.items.map((i: { customer: { externalId: string } }) => i.customer.externalId)).toEqual(['C-BOB', 'C-ALICE']);
        const bobs = (await get(`/v1/agenda?date=${DATE}&collector=bob`, 'admin')).json();
        expect(bobs.items.map((i: { collector: string }) => i.collector)).toEqual(['bob']);
      });
    });

    describe('when someone planned an action by hand', () => {
      it('shows it among the suggestions, with the reasons it was written with', async () => {
        const [{ id }] = await t.storage.db.query<{ id: number }>("SELECT id FROM customers WHERE external_id = 'C-ALICE'");
        const [{ id: alice }] = await t.storage.db.query<{ id: number }>(`SELECT id FROM collectors WHERE external_id = '${BOUND_COLLECTOR}'`);
        await t.storage.db.query(`INSERT INTO actions (customer_id, collector_id, type, due_date, origin, reason, reasons)
          VALUES ($1, $2, 'call', '2026-10-25', 'manual', 'Call the CFO', '["after 3 pm", {"oops": 1}]'::jsonb)`, [id, alice]);
        const body = (await get('/v1/agenda?date=2026-10-25')).json();
        const manual = body.items.find((i: { kind: string }) => i.kind === 'manual');
        expect(manual).toMatchObject({ origin: 'manual', reason: 'Call the CFO', reasons: [{ factor: 'note', text: 'after 3 pm' }] });
        // No key and no invoice: ranked on the customer's overdue balance, which the stored actions' query reads for it.
        expect(manual.amounts).toMatchObject({ atStake: 1000, customerOpen: 1000, customerOverdue: 1000, balanceCurrency: 'USD' });
      });

      it('ranks one about an invoice on that invoice, in its own currency', async () => {
        const [{ id }] = await t.storage.db.query<{ id: number }>("SELECT id FROM customers WHERE external_id = 'C-ALICE'");
        const [{ id: alice }] = await t.storage.db.query<{ id: number }>(`SELECT id FROM collectors WHERE external_id = '${BOUND_COLLECTOR}'`);
        const [{ id: invoiceId }] = await t.storage.db.query<{ id: number }>(`INSERT INTO invoices (external_id, customer_id, number, issue_date, due_date, amount, open_amount, currency)
          VALUES ('INV-YEN', $1, 'F-YEN', '2026-09-01', '2026-10-01', 900000, 900000, 'JPY') RETURNING id`, [id]);
        await t.storage.db.query(`INSERT INTO actions (customer_id, collector_id, invoice_id, type, due_date, origin, reason)
          VALUES ($1, $2, $3, 'call', '2026-10-25', 'manual', 'Ask about the yen invoice')`, [id, alice, invoiceId]);
        const body = (await get('/v1/agenda?date=2026-10-25')).json();
        const manual = body.items.find((i: { reason: string }) => i.reason === 'Ask about the yen invoice');
        expect(manual.amounts).toMatchObject({ atStake: 900000, currency: 'JPY' });
        expect(manual.priority.text).toMatch(/^900,000 JPY at stake/);
      });
    });

    describe('when the query is not valid', () => {
      it.each([
        ['limit=0', 'querystring/limit'],
        ['date=20-10-2026', 'querystring/date'],
        ['colour=red', 'querystring'],
      ])('answers 400 with a problem for %s', async (qs, path) => {
        const res = await get(`/v1/agenda?${qs}`);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        expect(res.json().code).toBe('AR_ERR_VALIDATION');
        expect(res.json().errors[0].path).toBe(path);
      });

      it('answers 400 for a day that does not exist', async () => {
        const res = await get('/v1/agenda?date=2026-02-30');
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('AR_ERR_VALIDATION');
      });

      it('answers 404 for an unknown collector', async () => {
        expect((await get('/v1/agenda?collector=nobody', 'admin')).statusCode).toBe(404);
      });
    });

    describe('when a suggestion is closed before any planning run stored it', () => {
      it('stores and closes it, and refuses one for another collector', async () => {
        const admin = (await get(`/v1/agenda?date=2026-10-13`, 'admin')).json();
        const key = (ext: string) => admin.items.find((i: { customer: { externalId: string } }) => i.customer.externalId === ext).dedupeKey;
        const theirs = await post('/v1/agenda/suggestions/done', 'collector', { dedupeKey: key('C-BOB'), date: '2026-10-13' });
        expect(theirs.statusCode).toBe(403);
        const gone = await post('/v1/agenda/suggestions/done', 'collector', { dedupeKey: 'qual:promise:c999999:2026-10-10', date: '2026-10-13' });
        expect(gone.statusCode).toBe(404);
        const mine = await post('/v1/agenda/suggestions/cancel', 'collector', { dedupeKey: key('C-ALICE'), date: '2026-10-13' });
        expect(mine.statusCode).toBe(200);
        expect(mine.json()).toMatchObject({ status: 'cancelled', id: expect.any(Number) });
        const [row] = await t.storage.db.query<{ status: string }>('SELECT status FROM actions WHERE id = $1', [mine.json().id]);
        expect(row.status).toBe('cancelled');
        const ahead = addDays(todayIso(), 2);
        const early = await post('/v1/agenda/suggestions/done', 'collector', { dedupeKey: key('C-ALICE'), date: ahead });
        expect(early.statusCode).toBe(400);
        expect(early.json().detail).toMatch(/a suggestion is closed on the day it stands/);
        // Put it back as it was for the tests below, which plan the portfolio from scratch.
        await t.storage.db.query('DELETE FROM actions WHERE id = $1', [mine.json().id]);
      });
    });

    describe('when the portfolio is planned and actions are closed', () => {
      let ids: Record<string, number>;
      beforeAll(async () => {
        const before = (await get(`/v1/agenda?date=${DATE}`)).json();
        expect(before.items[0]).toMatchObject({ state: 'suggested', id: null });
        const res = await post('/v1/agenda/plan', 'platform', { date: DATE });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ inserted: 2, cancelled: 0 });
        const all = (await get(`/v1/agenda?date=${DATE}`, 'admin')).json();
        ids = Object.fromEntries(all.items.map((i: { customer: { externalId: string }; id: number }) => [i.customer.externalId, i.id]));
      });

      it('shows the stored actions with their ids', async () => {
        const mine = (await get(`/v1/agenda?date=${DATE}`)).json();
        expect(mine.items[0]).toMatchObject({ state: 'planned', id: ids['C-ALICE'] });
        expect(mine.plan).toEqual({ source: 'stored', plannedAt: expect.any(String), staleBecause: null, customersPlannedLive: 0 });
      });

      it('lets the collector close their own action once, and takes it off the agenda', async () => {
        const done = await post(`/v1/actions/${ids['C-ALICE']}/done`, 'collector');
        expect(done.statusCode).toBe(200);
        expect(done.json()).toMatchObject({ id: ids['C-ALICE'], status: 'done' });
        expect((await post(`/v1/actions/${ids['C-ALICE']}/cancel`, 'collector')).statusCode).toBe(409);
        const after = (await get(`/v1/agenda?date=${DATE}`)).json();
        expect(after.items).toEqual([]);
        // Still the stored plan, the customer of the closed action planned live beside it.
        expect(after.plan).toMatchObject({ source: 'stored', staleBecause: null, customersPlannedLive: 1 });
      });

      it("refuses a collector closing someone else's action", async () => {
        const res = await post(`/v1/actions/${ids['C-BOB']}/done`, 'collector');
        expect(res.statusCode).toBe(403);
      });

      it("follows a customer moved to another collector: the new one sees and closes its action, the old one no longer sees it", async () => {
        const db = t.storage.db;
        await db.query(`UPDATE customers SET collector_id = (SELECT id FROM collectors WHERE external_id = $1) WHERE external_id = 'C-BOB'`, [BOUND_COLLECTOR]);
        try {
          const mine = (await get(`/v1/agenda?date=${DATE}`)).json();
          expect(mine.items).toMatchObject([{ id: ids['C-BOB'], collector: BOUND_COLLECTOR }]);
          const bobs = (await get(`/v1/agenda?date=${DATE}&collector=bob`, 'admin')).json();
          expect(bobs.items).toEqual([]);
          const done = await post(`/v1/actions/${ids['C-BOB']}/cancel`, 'collector');
          expect(done.statusCode).toBe(200);
        } finally {
          await db.query(`UPDATE customers SET collector_id = (SELECT id FROM collectors WHERE external_id = 'bob') WHERE external_id = 'C-BOB'`);
        }
      });

      it('answers 404 for an action that does not exist', async () => {
        expect((await post('/v1/actions/999999/done', 'platform')).statusCode).toBe(404);
      });

      it('refuses to plan a day before the last one planned, which would cancel its actions, and changes nothing', async () => {
        const before = await t.storage.db.query('SELECT id, status FROM actions ORDER BY id');
        for (const date of ['1901-01-01', '2026-10-19']) {
          const res = await post('/v1/agenda/plan', 'platform', { date });
          expect(res.statusCode).toBe(409);
          expect(res.json().detail).toMatch(new RegExp(`last planned for ${DATE}: planning ${date}, an earlier day`));
        }
        expect(await t.storage.db.query('SELECT id, status FROM actions ORDER BY id')).toEqual(before);
        expect((await post('/v1/agenda/plan', 'platform', { date: DATE })).statusCode).toBe(200);
      });

      it('answers Prefer: respond-async with 202 and the job to poll, as every queued request does', async () => {
        const res = await t.app.inject({
          method: 'POST', url: '/v1/agenda/plan', headers: { ...auth('platform'), prefer: 'respond-async' }, payload: { date: DATE },
        });
        expect(res.statusCode).toBe(202);
        const { jobId } = res.json();
        expect(res.json()).toEqual({ jobId, status: 'queued', location: `/v1/jobs/${jobId}` });
        expect(res.headers.location).toBe(`/v1/jobs/${jobId}`);
        expect((await t.services.jobs.waitFor(jobId)).state).toBe('completed');
      });

      it('documents that 409 in the OpenAPI document, as its description says', async () => {
        const plan = (await t.app.inject('/docs/json')).json().paths['/v1/agenda/plan'].post;
        expect(plan.description).toMatch(/409/);
        expect(plan.responses['409']).toBeDefined();
      });

      it('refuses planning to a collector key', async () => {
        expect((await post('/v1/agenda/plan', 'collector', {})).statusCode).toBe(403);
      });

      it('plans the day planned ahead for when none is named, by hand or after new data, not today over it', async () => {
        const ahead = addDays(todayIso(), 3);
        expect((await post('/v1/agenda/plan', 'platform', { date: ahead })).json()).toMatchObject({ date: ahead });
        const planned = await t.storage.db.query("SELECT id FROM actions WHERE status = 'planned' ORDER BY id");
        expect((await post('/v1/agenda/plan', 'platform', {})).json()).toMatchObject({ date: ahead, cancelled: 0 });
        const refresh = await t.services.jobs.waitFor(await t.services.jobs.enqueue(REFRESH_JOB, { trigger: 'manual' }));
        expect(refresh).toMatchObject({ state: 'completed', result: { agenda: { date: ahead, cancelled: 0 } } });
        expect(await t.storage.db.query("SELECT id FROM actions WHERE status = 'planned' ORDER BY id")).toEqual(planned);
      });
    });

    describe('when the models flagged a customer at their last run', () => {
      it('suggests the drift review and the incentive from the day they ran, not on the agenda of an earlier day', async () => {
        const db = t.storage.db;
        const carol = await f.customer(db, { externalId: 'C-CAROL', collectorId: await f.collector(db, 'carol') });
        await f.invoice(db, { customerId: carol, number: 'K-1', dueDate: '2026-09-30', amount: 700 });
        await f.computedField(db, { entityType: 'customer', entityId: carol, name: 'driftAlert', value: true, reasons: [{ factor: 'delay_creep', text: 'pays later', value: true }] });
        await f.computedField(db, { entityType: 'customer', entityId: carol, name: 'recommendedLever', value: 'card_payment', confidence: 0.7 });
        await db.query("UPDATE computed_fields SET computed_at = '2026-10-15T10:00:00Z' WHERE entity_type = 'customer' AND entity_id = $1", [carol]);
        const ml = async (date: string) => (await get(`/v1/agenda?date=${date}&collector=carol`, 'admin')).json().items
          .filter((i: { origin: string }) => i.origin === 'ml').map((i: { kind: string; dueDate: string }) => [i.kind, i.dueDate]);
        expect(await ml('1900-01-01')).toEqual([]);
        expect(await ml('2026-10-14')).toEqual([]);
        const flagged = [['drift_review', '2026-10-15'], ['incentive', '2026-10-15']];
        expect((await ml('2026-10-15')).sort()).toEqual(flagged);
        expect((await ml('2199-12-31')).sort()).toEqual(flagged);
      });
    });
  });
}
