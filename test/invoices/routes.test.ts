// GET /v1/customers/:externalId/invoices and /v1/invoices/:externalId: the
// stored model outputs on each invoice, beside its qualification, on both backends.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends } from '../helpers/storage.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import * as f from '../agenda/factories.js';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

for (const backend of await backends()) {
  describe(`invoices with their model outputs on ${backend}`, () => {
    let t: TestApp;
    let open: number;
    beforeAll(async () => { t = await buildTestApp(backend); });
    afterAll(async () => t.close());
    beforeEach(async () => {
      const db = t.storage.db;
      await f.wipe(db);
      const customer = await f.customer(db, { externalId: 'C-1' });
      open = await f.invoice(db, {
        customerId: customer, externalId: 'I-OPEN', number: 'F-1', dueDate: daysAgo(12), amount: 900, openAmount: 400,
        status: 'promise_to_pay', promisedDate: daysAgo(-3),
      });
      await f.invoice(db, { customerId: customer, externalId: 'I-PAID', number: 'F-2', dueDate: '2026-01-31', amount: 100, openAmount: 0, settledDate: '2026-02-09' });
      await f.invoice(db, { customerId: customer, externalId: 'I-NEW', number: 'F-3', dueDate: daysAgo(-20), amount: 50 });
      await f.payment(db, customer, daysAgo(5), [{ invoiceId: open, amount: 500 }]);
      await f.computedField(db, {
        entityType: 'invoice', entityId: open, name: 'lateProbability', value: 0.82, confidence: 0.7,
        reasons: [{ factor: 'pastDelays', text: 'paid its last 5 invoices 9 days late on median' }],
      });
      await f.computedField(db, { entityType: 'invoice', entityId: open, name: 'expectedPaymentDate', value: daysAgo(-4) });
    });

    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth('collector') });
    const ids = async (url: string) => (await get(url)).json().items.map((i: { externalId: string }) => i.externalId);

    it("lists a customer's open invoices with what the models stored on each", async () => {
      const res = await get('/v1/customers/C-1/invoices');
      expect(res.statusCode).toBe(200);
      const { items, nextCursor } = res.json();
      expect(items.map((i: { externalId: string }) => i.externalId)).toEqual(['I-OPEN', 'I-NEW']);
      expect(nextCursor).toBeNull();
      expect(items[0]).toMatchObject({
        number: 'F-1', openAmount: 400, amount: 900, daysOverdue: 12, daysLate: null, status: 'promise_to_pay', promisedDate: daysAgo(-3),
      });
      expect(items[0].computedFields.map((c: { name: string; value: unknown }) => [c.name, c.value]))
        .toEqual([['expectedPaymentDate', daysAgo(-4)], ['lateProbability', 0.82]]);
      expect(items[0].computedFields[1]).toMatchObject({ confidence: 0.7, modelVersion: 'test@1', reasons: [{ factor: 'pastDelays' }] });
      expect(items[1]).toMatchObject({ daysOverdue: 0, computedFields: [] });
    });

    it('lists settled invoices with how late they were paid, and pages', async () => {
      const paid = (await get('/v1/customers/C-1/invoices?state=settled')).json().items;
      expect(paid).toMatchObject([{ externalId: 'I-PAID', settledDate: '2026-02-09', daysLate: 9, daysOverdue: null }]);
      const first = (await get('/v1/customers/C-1/invoices?state=all&limit=2')).json();
      expect(first.items.map((i: { externalId: string }) => i.externalId)).toEqual(['I-OPEN', 'I-PAID']);
      expect(await ids(`/v1/customers/C-1/invoices?state=all&limit=2&after=${first.nextCursor}`)).toEqual(['I-NEW']);
    });

    it('gives a credit note no days overdue or late: it is owed to the customer', async () => {
      const db = t.storage.db;
      const [{ id: customer }] = await db.query<{ id: number }>("SELECT id FROM customers WHERE external_id = 'C-1'");
      await f.invoice(db, { customerId: customer, externalId: 'CN-OPEN', dueDate: daysAgo(17), amount: 80, kind: 'credit_note' });
      await f.invoice(db, { customerId: customer, externalId: 'CN-USED', dueDate: '2026-01-31', amount: 30, openAmount: 0, settledDate: '2026-03-02', kind: 'credit_note' });
      const notes = (await get('/v1/customers/C-1/invoices?state=all')).json().items.filter((i: { kind: string }) => i.kind === 'credit_note');
      expect(notes).toMatchObject([{ externalId: 'CN-OPEN', daysOverdue: null, daysLate: null }, { externalId: 'CN-USED', daysOverdue: null, daysLate: null }]);
      expect((await get('/v1/invoices/CN-OPEN')).json()).toMatchObject({ daysOverdue: null, daysLate: null });
    });

    it('gives a stored number that is not finite as none, instead of a 500', async () => {
      await t.storage.db.query(`UPDATE computed_fields SET value_num = 'NaN', confidence = 'Infinity' WHERE entity_id = $1 AND name = 'lateProbability'`, [open]);
      const res = await get('/v1/invoices/I-OPEN');
      expect(res.statusCode).toBe(200);
      expect(res.json().computedFields.find((c: { name: string }) => c.name === 'lateProbability')).toMatchObject({ value: null, confidence: null });
    });

    it('gives one invoice with the payments applied to it', async () => {
      const res = await get('/v1/invoices/I-OPEN');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        externalId: 'I-OPEN', customerExternalId: 'C-1',
        payments: [{ paymentDate: daysAgo(5), method: 'transfer', amount: 500, currency: 'USD' }],
      });
      expect((await get(`/v1/invoices/I-PAID`)).json()).toMatchObject({ payments: [], computedFields: [] });
    });

    it('answers an unknown customer or invoice with a 404 and a bad state with a 400 problem', async () => {
      for (const url of ['/v1/customers/C-404/invoices', '/v1/invoices/I-404']) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.json().code).toBe('AR_ERR_NOT_FOUND');
      }
      const bad = await get('/v1/customers/C-1/invoices?state=overdue');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('AR_ERR_VALIDATION');
    });
  });
}
